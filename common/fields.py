"""Form fields that read numbers the Indonesian way (common.formatting is their one rule)."""

from django import forms

from .formatting import read_whole_number


class RupiahField(forms.CharField):
    """Whole Rupiah as people type them: "1500000", "1.500.000", "1,500,000", "Rp 1.500.000".
    Django's IntegerField reads "150.000" as 150 (it drops a trailing ".000"); this never does."""

    default_error_messages = {
        "invalid": "Tulis jumlah rupiah tanpa sen, misalnya 1.500.000.",
        "negative": "Jumlah rupiah tidak boleh negatif.",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        try:
            amount = read_whole_number(text.removeprefix("Rp").removeprefix("rp").strip())
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if amount < 0:
            raise forms.ValidationError(self.error_messages["negative"], code="negative")
        return amount


class CountField(forms.IntegerField):
    """A count as people write it: "2020", "2.020" or "2,020". Django's IntegerField reads "2.000"
    as 2 (it drops a trailing ".000"), a thousandfold error in a bill's members or a denominator;
    this never does."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip()
        if isinstance(value, str) and value:
            try:
                value = read_whole_number(value)
            except ValueError:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        return super().to_python(value)
