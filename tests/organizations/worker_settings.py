"""Rolo's settings for the app servers that tests start in other processes.

The only change: the fast password hasher the test suite uses (tests/conftest.py), so
the accounts the tests create can log in there.
"""

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
