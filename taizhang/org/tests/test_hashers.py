"""Sign-in hashing on the low-priority thread: the same hashes as Django's, off the page's core."""

import os
import threading

from django.contrib.auth.hashers import PBKDF2PasswordHasher, check_password, make_password
from django.test import override_settings

from taizhang.org import hashers

LOW = ["taizhang.org.hashers.LowPriorityPBKDF2PasswordHasher"]


def niceness():
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def test_the_hash_is_djangos_pbkdf2_so_stored_passwords_still_verify():
    stored = PBKDF2PasswordHasher().encode("Zhang-2026!", "somesalt", iterations=1000)
    low = hashers.LowPriorityPBKDF2PasswordHasher()
    assert low.encode("Zhang-2026!", "somesalt", iterations=1000) == stored
    with override_settings(PASSWORD_HASHERS=LOW):
        assert check_password("Zhang-2026!", stored)
        assert not check_password("zhang-2026!", stored)
        assert make_password("Zhang-2026!").startswith("pbkdf2_sha256$")


def test_hashing_runs_on_a_thread_below_the_pages_priority():
    ran_on, name, nice = hashers.run_low(
        lambda: (threading.get_ident(), threading.current_thread().name, niceness())
    )
    assert ran_on != threading.get_ident()
    assert name.startswith("password-hash")
    assert nice > niceness()
