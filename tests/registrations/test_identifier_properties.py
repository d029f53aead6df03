"""Properties of the NIK, KK and phone readers (registrations/nik.py, common/phones.py), on
any input hypothesis makes: they never raise, a valid value written with separators reads back as
itself, and every other shape is refused with the Indonesian message."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from registrations.nik import check_kk, check_nik, normalise_nik, strip_separators
from common.phones import phone_national, phone_normalised

DIGITS = "0123456789"
SEPARATORS = st.sampled_from([" ", ".", "-", "  ", "\t", " - "])
anything = st.one_of(st.text(), st.text(alphabet=DIGITS + " .-", max_size=30))
sixteen_digits = st.text(alphabet=DIGITS, min_size=16, max_size=16)


@st.composite
def with_separators(draw, digits: str) -> str:
    """`digits` with spaces, dots or dashes between some of them, and whitespace around."""
    parts = [digit + (draw(SEPARATORS) if draw(st.booleans()) else "") for digit in digits]
    return draw(st.sampled_from(["", " "])) + "".join(parts).rstrip(" .-\t") + draw(st.sampled_from(["", " "]))


@st.composite
def valid_niks(draw):
    """(nik, birth date, sex): a Seluma subdistrict, a birth date (+40 on the day for women), a serial."""
    born = draw(st.dates(min_value=dt.date(1940, 1, 1), max_value=dt.date(2010, 12, 31)))
    woman = draw(st.booleans())
    serial = draw(st.integers(min_value=1, max_value=9999))
    nik = f"170501{born.day + 40 if woman else born.day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"
    return nik, born, "P" if woman else "L"


# --- NIK -------------------------------------------------------------------------------------------

@given(anything)
def test_normalise_nik_never_raises_and_gives_sixteen_ascii_digits_or_none(text):
    nik = normalise_nik(text)

    assert nik is None or (len(nik) == 16 and set(nik) <= set(DIGITS))


@given(sixteen_digits.flatmap(lambda digits: st.tuples(st.just(digits), with_separators(digits))))
def test_a_nik_typed_with_separators_reads_back_as_its_digits(case):
    digits, typed = case

    assert normalise_nik(typed) == digits


@given(st.text(alphabet=DIGITS, max_size=30).filter(lambda digits: len(digits) != 16))
def test_a_nik_of_another_length_is_no_nik(digits):
    assert normalise_nik(digits) is None
    assert [issue.message for issue in check_nik(digits).errors][:1] == [
        "NIK harus 16 digit angka. Periksa lagi di KTP, jangan ada huruf atau digit yang kurang."]


@given(anything)
def test_check_nik_never_raises_and_refuses_every_non_nik_in_indonesian(text):
    result = check_nik(text, today=dt.date(2026, 12, 4))

    if normalise_nik(text) is None:
        assert result.errors, text
    for issue in result.errors:
        assert issue.field == "nik" and ("NIK" in issue.message and "Periksa lagi di KTP" in issue.message)


@given(valid_niks())
def test_a_valid_nik_gives_back_its_birth_date_and_sex(case):
    nik, born, sex = case

    result = check_nik(nik, birth_date=born, sex=sex, today=dt.date(2026, 12, 4))

    assert result.errors == []
    assert result.nik == nik
    assert (result.birth_date.day, result.birth_date.month, result.birth_date.year % 100) == (
        born.day, born.month, born.year % 100)
    assert result.sex == sex


# --- KK --------------------------------------------------------------------------------------------

@given(anything)
def test_check_kk_never_raises_and_answers_digits_or_the_indonesian_refusal(text):
    kk, issues = check_kk(text)

    if kk is None:
        assert [issue.field for issue in issues] == ["kk"]
        assert issues[0].message.startswith("No. KK ") and "kartu keluarga" in issues[0].message
    else:
        assert issues == [] and len(kk) == 16 and kk == strip_separators(text)


@given(sixteen_digits.filter(lambda kk: kk[:2] != "00" and kk[12:] != "0000")
       .flatmap(lambda digits: st.tuples(st.just(digits), with_separators(digits))))
def test_a_kk_typed_with_separators_reads_back_as_its_digits(case):
    digits, typed = case

    assert check_kk(typed) == (digits, [])


@given(sixteen_digits.filter(lambda kk: kk[:2] == "00" or kk[12:] == "0000"))
def test_a_kk_with_no_region_or_no_serial_is_refused(kk):
    number, issues = check_kk(kk)

    assert number is None
    assert [issue.message for issue in issues] == ["No. KK tidak sah. Periksa lagi di kartu keluarga."]


# --- Phone -----------------------------------------------------------------------------------------

mobile_numbers = st.text(alphabet=DIGITS, min_size=8, max_size=8).map(lambda rest: f"0812{rest}")


@given(anything)
def test_phone_readers_never_raise(text):
    phone = phone_normalised(text)

    assert phone is None or (phone.startswith("+62") and phone[1:].isdigit())
    assert isinstance(phone_national(text), str)


@given(mobile_numbers.flatmap(lambda number: st.tuples(st.just(number), with_separators(number))))
def test_a_mobile_number_typed_with_separators_is_stored_as_e164(case):
    number, typed = case

    assert phone_normalised(typed) == "+62" + number[1:]


@given(mobile_numbers)
def test_the_stored_form_and_the_office_form_go_round(number):
    stored = phone_normalised(number)

    assert phone_national(stored) == number
    assert phone_normalised(phone_national(stored)) == stored
    assert phone_normalised("+62" + number[1:]) == phone_normalised("62" + number[1:]) == stored
