from django.contrib.auth.hashers import Argon2PasswordHasher, PBKDF2PasswordHasher


class PortalArgon2Hasher(Argon2PasswordHasher):
    """Argon2id at OWASP's first recommended setting (19 MiB of memory, 2 passes, 1 lane): memory-hard,
    so a stolen hash is as slow to guess on a graphics card as on a server, while a login costs about
    30 ms of one core instead of PBKDF2's ~450 ms at Django's 1,000,000 rounds (README, "Passwords").
    At a deadline 200 village officers log in within minutes on a 2-core server: that difference
    is the whole queue. Hashes made with other parameters (Django's own Argon2 defaults, PBKDF2)
    are re-made with these at the user's next login (must_update)."""

    time_cost = 2
    memory_cost = 19_456  # KiB
    parallelism = 1


class InitialPasswordHasher(PBKDF2PasswordHasher):
    """For generated initial passwords only.

    Creating the accounts of a whole regency hashes ~200 passwords in one request; at Django's
    default 1,000,000 PBKDF2 rounds that is over a minute. An initial password is 10 random
    characters from 55 (about 58 bits), so 20,000 rounds still put guessing it out of reach. It
    must be replaced at first login, and Django re-hashes with the default hasher when it is used.
    """

    algorithm = "pbkdf2_sha256_initial"
    iterations = 20_000
