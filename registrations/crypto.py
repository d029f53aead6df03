"""Encryption of personal identifiers (NIK, KK, mother's maiden name) at rest.

A database dump alone must not reveal them (UU 27/2022 PDP). Values are encrypted with Fernet
(AES-128-CBC + HMAC) under PERSONAL_DATA_KEY from the environment; exact search and the
one-active-nomination constraint use a keyed hash (HMAC-SHA256 with a key derived from the same
secret), so equal NIKs give equal hashes without the hash revealing the NIK.

A bulk reader (the nominative list of a whole regency) reads the stored tokens as they are
(`stored_token`) and opens them many at a time (`decrypt_many`): the same checks as Fernet's,
for a fraction of the cost per value.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import time
from collections.abc import Sequence
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import ExpressionWrapper, F, TextField


@lru_cache(maxsize=4)
def _fernet(key: str) -> Fernet:
    try:
        return Fernet(key.encode())
    except ValueError as error:
        raise ImproperlyConfigured(
            "PERSONAL_DATA_KEY is not a valid Fernet key (32 url-safe base64-encoded bytes). "
            "Generate one with: python -c \"from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())\""
        ) from error


def encrypt(value: str) -> str:
    return _fernet(settings.PERSONAL_DATA_KEY).encrypt(value.encode()).decode()


_WRONG_KEY = "A personal-data field cannot be decrypted: PERSONAL_DATA_KEY differs from the key it was written with."


def decrypt(token: str) -> str:
    try:
        return _fernet(settings.PERSONAL_DATA_KEY).decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise ImproperlyConfigured(_WRONG_KEY) from error


@lru_cache(maxsize=4)
def _fernet_keys(key: str) -> tuple[bytes, bytes]:
    """(signing key, encryption key): the two halves of a Fernet key."""
    _fernet(key)  # the same refusal of a malformed key
    raw = base64.urlsafe_b64decode(key)
    return raw[:16], raw[16:]


_URLSAFE = bytes.maketrans(b"-_", b"+/")


def decrypt_many(tokens: Sequence[str | None]) -> list[str | None]:
    """The plain values of many stored tokens, in order; "" and None are kept as they are (an empty
    field is stored unencrypted). Exactly what `decrypt` gives for each, checked the same way (the
    version byte, the HMAC-SHA256 over the token in constant time, the padding), with the same
    ImproperlyConfigured for a token that does not verify; but the AES-CBC decryption of all of
    them is one call: CBC decryption is the block cipher's decryption of each block XOR the block
    before it (the IV for the first), so the blocks of every token go through AES at once and
    are chained back here. Per value that is about a third of Fernet's cost, which a list of
    100,000 people with NIK and KK in full pays 200,000 times."""
    signing_key, encryption_key = _fernet_keys(settings.PERSONAL_DATA_KEY)
    datas: list[bytes] = []
    for token in tokens:
        if not token:
            continue
        try:
            data = binascii.a2b_base64(token.encode().translate(_URLSAFE), strict_mode=True)
        except (binascii.Error, ValueError) as error:
            raise ImproperlyConfigured(_WRONG_KEY) from error
        ciphertext_length = len(data) - 57  # version 1, timestamp 8, IV 16, HMAC 32
        if (data[:1] != b"\x80" or ciphertext_length < 16 or ciphertext_length % 16
                or not hmac.compare_digest(hmac.digest(signing_key, data[:-32], "sha256"), data[-32:])):
            raise ImproperlyConfigured(_WRONG_KEY)
        datas.append(data)
    if not datas:
        return list(tokens)
    blocks = b"".join([data[25:-32] for data in datas])
    decryptor = Cipher(algorithms.AES(encryption_key), modes.ECB()).decryptor()
    decrypted = decryptor.update(blocks) + decryptor.finalize()
    # What each block is XORed with: the IV, then every ciphertext block but the token's last.
    chain = b"".join([data[9:-48] for data in datas])
    padded = (int.from_bytes(decrypted, "big") ^ int.from_bytes(chain, "big")).to_bytes(len(blocks), "big")
    plain: list[str | None] = []
    position = 0
    opened = iter(datas)
    for token in tokens:
        if not token:
            plain.append(token)
            continue
        end = position + len(next(opened)) - 57
        pad = padded[end - 1]
        if not 1 <= pad <= 16 or padded[end - pad:end] != bytes([pad]) * pad:
            raise ImproperlyConfigured(_WRONG_KEY)
        plain.append(padded[position:end - pad].decode())
        position = end
    return plain


def stored_token(field_name: str) -> ExpressionWrapper:
    """An EncryptedTextField as stored (the token, not decrypted on reading), for a bulk reader
    that opens the tokens itself with `decrypt_many`: `.values_list(stored_token("nik"))`."""
    return ExpressionWrapper(F(field_name), output_field=TextField())


def encrypt_many(values: Sequence[str]) -> list[str]:
    """Fernet tokens of many values, in order; "" stays "" (an empty field is stored unencrypted).
    Each token is what `encrypt` makes (version, the time, a random IV, AES-128-CBC with PKCS7
    padding, HMAC-SHA256; `decrypt` opens it), but the AES of all of them is one call per block
    position instead of a cipher per value: CBC encrypts block j as AES(plain j XOR cipher j-1), so
    the first blocks of every value go through AES together, then the second blocks, and so on
    (a NIK or KK number is two blocks). An import of 100,000 people encrypts 200,000 values."""
    signing_key, encryption_key = _fernet_keys(settings.PERSONAL_DATA_KEY)
    filled = [index for index, value in enumerate(values) if value]
    if not filled:
        return list(values)
    padded = []
    for index in filled:
        data = values[index].encode()
        pad = 16 - len(data) % 16
        padded.append(data + bytes([pad]) * pad)
    randomness = os.urandom(16 * len(filled))  # one read of the system's randomness for every IV
    ciphers = [[randomness[start:start + 16]] for start in range(0, len(randomness), 16)]  # the IV, then the blocks
    encryptor = Cipher(algorithms.AES(encryption_key), modes.ECB()).encryptor()
    position = 0
    while True:
        chosen = [number for number, data in enumerate(padded) if len(data) > position]
        if not chosen:
            break
        plain = b"".join([padded[number][position:position + 16] for number in chosen])
        previous = b"".join([ciphers[number][-1] for number in chosen])
        mixed = (int.from_bytes(plain, "big") ^ int.from_bytes(previous, "big")).to_bytes(len(plain), "big")
        encrypted = encryptor.update(mixed)
        for offset, number in enumerate(chosen):
            ciphers[number].append(encrypted[offset * 16:offset * 16 + 16])
        position += 16
    encryptor.finalize()
    header = b"\x80" + int(time.time()).to_bytes(8, "big")
    tokens = list(values)
    for index, blocks in zip(filled, ciphers, strict=True):
        signed = header + b"".join(blocks)  # the IV and the ciphertext
        tokens[index] = base64.urlsafe_b64encode(signed + hmac.digest(signing_key, signed, "sha256")).decode()
    return tokens


@lru_cache(maxsize=4)
def _hash_key(key: str) -> bytes:
    return hmac.new(key.encode(), b"jamsostek-portal identifier hash", hashlib.sha256).digest()


def keyed_hash(value: str) -> str:
    """Hex HMAC-SHA256 of a normalised identifier: for equality only, never reversible."""
    return hmac.digest(_hash_key(settings.PERSONAL_DATA_KEY), value.encode(), "sha256").hex()


class EncryptedTextField(models.TextField):
    """Stores the Fernet token; Python code sees the plain string. Not searchable: search the hash."""

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if value else value
