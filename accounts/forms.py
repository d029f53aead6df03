from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, SetPasswordForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from common.phones import PHONE_INVALID, phone_normalised

from .models import User


class PhoneField(forms.CharField):
    """An optional Indonesian phone number, however it is typed ("0812 3456 7890", "+62 812-…"),
    cleaned to the stored form (+6281234567890, common.phones.phone_normalised), as a nominee's."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("label", _("Nomor HP"))
        kwargs.setdefault("help_text", _("Contoh: 0812 3456 7890."))
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})

    def clean(self, value):
        value = super().clean(value).strip()
        if not value:
            return ""
        normalised = phone_normalised(value)
        if normalised is None:
            raise forms.ValidationError(PHONE_INVALID, code="phone")
        return normalised


class UserAdminChangeForm(UserChangeForm):
    """The Django admin's account form, with the phone number checked and stored as E.164."""

    phone = PhoneField()


class AccountContactForm(forms.Form):
    """An account's name and phone number, on *Akun pengguna* (accounts.views.regency_account_edit)."""

    full_name = forms.CharField(label=_("Nama lengkap"), max_length=150, required=False,
                                help_text=_("Nama orang yang memegang akun, mis. Siti Aminah. Tampil di pemantauan "
                                            "pengiriman dan di linimasa keputusan."))
    phone = PhoneField(help_text=_("Nomor WhatsApp operator desa: dinas memakainya untuk "
                                   "menghubungi desa yang belum mengirim daftar. Contoh: 0812 3456 7890."))

    @classmethod
    def for_account(cls, account: User, data=None) -> "AccountContactForm":
        return cls(data, initial={"full_name": account.get_full_name(), "phone": account.phone})


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "Nama pengguna atau kata sandi salah. Periksa huruf besar/kecil. "
            "Setelah beberapa kali salah, akun dikunci sementara."
        ),
        "inactive": _("Akun ini dinonaktifkan. Hubungi admin dinas."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Nama pengguna")
        self.fields["username"].widget.attrs.update({"autocapitalize": "none", "autocomplete": "username"})
        self.fields["password"].label = _("Kata sandi")


class PasswordChangeIndonesianForm(PasswordChangeForm):
    """The password change, first login or later. A failed attempt keeps the old password when it
    was right (an officer copies a random initial password from paper: typing it again is where
    mistakes come from) and never the new ones; each error stands under the field it is about: a
    weak new password under "Kata sandi baru", two that differ under "Ulangi kata sandi baru"."""

    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_incorrect": _("Kata sandi lama salah. Ketik ulang."),
        "password_mismatch": _("Dua isian kata sandi baru tidak sama."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("Kata sandi lama")
        self.fields["new_password1"].label = _("Kata sandi baru")
        self.fields["new_password2"].label = _("Ulangi kata sandi baru")
        self.fields["new_password1"].help_text = _(
            "Minimal 8 karakter, tidak hanya angka, tidak mirip nama pengguna."
        )

    def clean(self):
        self.validate_passwords("new_password1", "new_password2")
        # Django checks the strength on the repeated field; the officer reads it under the first.
        self.validate_password_for_user(self.user, "new_password1")
        return super(SetPasswordForm, self).clean()

    def full_clean(self):
        super().full_clean()
        if not self.is_bound or not self.errors:
            return
        # The page answering a failed attempt holds the old password only if it was right
        # (the view sends it with no-store); a wrong one is cleared, as its message asks.
        self.fields["old_password"].widget.render_value = "old_password" not in self.errors
        # The cursor starts in the first field to fix.
        first = next((name for name in self.fields if name in self.errors), None)
        if first is not None:
            for field in self.fields.values():
                field.widget.attrs.pop("autofocus", None)
            self.fields[first].widget.attrs["autofocus"] = True


class EmptyForm(forms.Form):
    """For POST-only actions that take no input beyond the CSRF token."""
