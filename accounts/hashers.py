from django.contrib.auth.hashers import PBKDF2PasswordHasher


class InitialPasswordHasher(PBKDF2PasswordHasher):
    """For generated initial passwords only.

    Creating the accounts of a whole regency hashes ~200 passwords in one request; at Django's
    default 1,000,000 PBKDF2 rounds that is over a minute. An initial password is 10 random
    characters from 55 (about 58 bits), so 20,000 rounds still put guessing it out of reach. It
    must be replaced at first login, and Django re-hashes with the default hasher when it is used.
    """

    algorithm = "pbkdf2_sha256_initial"
    iterations = 20_000
