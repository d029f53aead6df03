"""Forms of the nominating bodies' pages (lembaga pengusul)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from registrations.forms import NomineeForm
from registrations.models import NominatingBody, Programme
from villages.models import Village


class VillageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, village):
        return f"{village.name} — Kec. {village.subdistrict.name}"


class BodyNomineeForm(NomineeForm):
    """The nominee form of a body's officer: the village where the person lives comes first (any
    village of the body's regency), then the village officer's fields and checks (NomineeForm)."""

    residence = VillageChoiceField(
        label=_("Desa/kelurahan tempat tinggal"), queryset=Village.objects.none(),
        empty_label=_("— pilih desa/kelurahan —"),
        help_text=_("Sesuai alamat KTP. Calon tetap tercatat di desa ini: desa bisa melihatnya, tetapi hanya "
                    "lembaga yang bisa mengubahnya."),
        error_messages={"required": _("Pilih desa/kelurahan tempat calon tinggal."),
                        "invalid_choice": _("Desa/kelurahan itu tidak ada di kabupaten/kota ini.")},
    )

    def __init__(self, *args, body: NominatingBody, programme: Programme, instance=None, **kwargs):
        super().__init__(*args, programme=programme, village=instance.village if instance else None,
                         instance=instance, **kwargs)
        self.fields["residence"].queryset = (Village.objects.filter(subdistrict__regency_id=body.regency_id,
                                                                    is_retired=False)
                                             .select_related("subdistrict").order_by("subdistrict__name", "name"))
        if instance is not None and instance.pk:
            self.initial["residence"] = instance.village_id
        self.order_fields(["residence"])

    def clean_residence(self):
        # NomineeForm.clean checks NIK, age and duplicates against the village chosen here.
        self.village = self.cleaned_data["residence"]
        return self.village

    def clean(self):
        if self.village is None:  # no village chosen: its error says so; nothing else to check
            return self.cleaned_data
        return super().clean()

    def service_kwargs(self) -> dict:
        return {**super().service_kwargs(), "village": self.cleaned_data["residence"]}


class NominatingBodyForm(forms.ModelForm):
    class Meta:
        model = NominatingBody
        fields = ["name", "kind"]
        help_texts = {"name": _("Contoh: Kantor Kementerian Agama Kabupaten Seluma.")}
        error_messages = {"name": {"required": _("Isi nama lembaga.")}}


class ProgrammeBodyForm(forms.Form):
    """A programme accepts the body with a quota."""

    programme = forms.ModelChoiceField(label=_("Program"), queryset=Programme.objects.none(),
                                       empty_label=_("— pilih program —"),
                                       error_messages={"required": _("Pilih program.")})
    quota = forms.IntegerField(label=_("Kuota lembaga (orang)"), min_value=0,
                               error_messages={"required": _("Isi kuota lembaga."),
                                               "min_value": _("Kuota tidak boleh negatif.")})

    def __init__(self, *args, body: NominatingBody, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = Programme.objects.filter(regency_id=body.regency_id)


class BodyOfficerForm(forms.Form):
    full_name = forms.CharField(label=_("Nama operator"), max_length=150, required=False,
                                help_text=_("Boleh kosong; bisa diisi nanti di Akun pengguna."))
