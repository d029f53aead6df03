"""registrations/crypto.py: NIK and KK encrypted at rest, found through a keyed hash."""

import hashlib
import hmac

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from registrations.crypto import decrypt, decrypt_many, encrypt, encrypt_many, keyed_hash
from registrations.models import Nominee

from .conftest import KK, NIK_MAN


def test_encrypt_round_trip_is_not_deterministic():
    first, second = encrypt(NIK_MAN), encrypt(NIK_MAN)

    assert first != second
    assert NIK_MAN not in first
    assert decrypt(first) == decrypt(second) == NIK_MAN


@pytest.mark.parametrize("values", [
    [NIK_MAN, KK, ""], ["", ""], ["x"], ["a" * 15, "b" * 16, "c" * 17, "d" * 32, "Siti Aminah binti Abdullah " * 7],
    ["Ibu Ṣaleḥah 🙂", "", NIK_MAN, NIK_MAN],
])
def test_encrypt_many_makes_the_tokens_encrypt_makes(settings, values):
    tokens = encrypt_many(values)

    assert [token == "" for token in tokens] == [value == "" for value in values]  # "" is stored as it is
    assert [decrypt(token) if token else token for token in tokens] == values == decrypt_many(tokens)
    fernet = Fernet(settings.PERSONAL_DATA_KEY.encode())  # the library's own check: version, HMAC, padding
    assert [fernet.decrypt(token.encode()).decode() for token in tokens if token] == [v for v in values if v]
    filled = [token for token in tokens if token]
    assert len(set(filled)) == len(filled)  # a fresh IV for every value, equal values included
    assert all(len(token) == len(encrypt(value)) for token, value in zip(tokens, values, strict=True) if value)


def test_keyed_hash_is_stable_and_not_the_plain_value():
    assert keyed_hash(NIK_MAN) == keyed_hash(NIK_MAN) != keyed_hash("1705015505900002")
    assert len(keyed_hash(NIK_MAN)) == 64


def test_keyed_hash_depends_on_the_key(settings):
    before = keyed_hash(NIK_MAN)
    settings.PERSONAL_DATA_KEY = "ZmDfcTF7_60GrrY167zsiPd67pEvs0aGOv2oasOM1Pg="

    assert keyed_hash(NIK_MAN) != before


def test_keyed_hash_is_the_stored_formula(settings):
    """The hash is what every stored nik_hash was written with: HMAC-SHA256 under a key derived from
    PERSONAL_DATA_KEY (the derived key is kept between calls, the result must not change)."""
    derived = hmac.new(settings.PERSONAL_DATA_KEY.encode(), b"jamsostek-portal identifier hash", hashlib.sha256)

    assert keyed_hash(NIK_MAN) == hmac.new(derived.digest(), NIK_MAN.encode(), hashlib.sha256).hexdigest()


def test_database_holds_no_plain_nik_or_kk(open_programme, niur, officer, make_nominee):
    nominee = make_nominee(open_programme, niur, officer, kk=KK)

    with connection.cursor() as cursor:
        cursor.execute("SELECT nik, kk, nik_hash, nik_masked FROM registrations_nominee")
        rows = cursor.fetchall()
    [(raw_nik, raw_kk, raw_hash, raw_masked)] = rows
    assert NIK_MAN not in raw_nik and KK not in raw_kk
    assert NIK_MAN not in raw_hash and raw_hash == keyed_hash(NIK_MAN)
    assert raw_masked == "************0001"
    saved = Nominee.objects.get(pk=nominee.pk)
    assert (saved.nik, saved.kk) == (NIK_MAN, KK)


def test_history_keeps_no_identifiers(open_programme, niur, officer, make_nominee):
    make_nominee(open_programme, niur, officer)

    with connection.cursor() as cursor:
        cursor.execute("SELECT column_name FROM information_schema.columns "
                       "WHERE table_name = 'registrations_historicalnominee'")
        columns = {row[0] for row in cursor.fetchall()}
    assert {"nik", "kk", "mother_maiden_name", "nik_hash"} & columns == set()
    assert "nik_masked" in columns


def test_many_tokens_open_to_what_decrypt_gives_each_one():
    values = [NIK_MAN, KK, "", None, "Siti Aminah binti Abdullah", "x" * 15, "y" * 16, "z" * 17, "Ñoño"]
    tokens = [encrypt(value) if value else value for value in values]

    assert decrypt_many(tokens) == [decrypt(token) if token else token for token in tokens] == values
    assert decrypt_many([]) == []


@pytest.mark.parametrize("spoil", [
    lambda token: token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:],  # the HMAC no longer matches
    lambda token: "h" + token[1:],  # not Fernet's version byte
    lambda token: token[:40],  # cut short
])
def test_a_token_that_does_not_verify_is_refused_as_decrypt_refuses_it(spoil):
    token = spoil(encrypt(NIK_MAN))

    with pytest.raises(ImproperlyConfigured, match="PERSONAL_DATA_KEY differs"):
        decrypt(token)
    with pytest.raises(ImproperlyConfigured, match="PERSONAL_DATA_KEY differs"):
        decrypt_many([encrypt(KK), token])


def test_tokens_written_under_another_key_are_refused(settings):
    token = encrypt(NIK_MAN)
    settings.PERSONAL_DATA_KEY = "ZmDfcTF7_60GrrY167zsiPd67pEvs0aGOv2oasOM1Pg="

    with pytest.raises(ImproperlyConfigured):
        decrypt_many([token])
