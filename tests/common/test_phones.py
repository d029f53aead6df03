"""common/phones.py: the stored form of a phone number and the form an office types."""

import pytest

from common.phones import phone_national, phone_normalised


@pytest.mark.parametrize(("stored", "typed"), [
    ("+6281270000008", "081270000008"),
    ("+6281234567890", "081234567890"),
    ("+62215551234", "0215551234"),  # a landline keeps its area code after the 0
])
def test_a_stored_number_is_written_as_an_office_types_it(stored, typed):
    assert phone_national(stored) == typed


@pytest.mark.parametrize("typed", ["0812 7000 0008", "0812-7000-0008", "+62 812 7000 0008", "6281270000008"])
def test_however_the_officer_typed_it_the_office_gets_08_and_digits(typed):
    assert phone_normalised(typed) == "+6281270000008"
    assert phone_national(phone_normalised(typed)) == "081270000008"


@pytest.mark.parametrize("text", ["", "12345", "bukan nomor"])
def test_text_that_is_no_phone_number_is_left_as_it_is(text):
    assert phone_national(text) == text
