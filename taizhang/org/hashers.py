"""Password hashing that cannot starve the pages.

A sign-in costs about 0.4 s of CPU in PBKDF2 (Django's iteration count: the cost is the point).
On a small server a burst of sign-ins — everyone arriving at 9:00 — would take the cores from the
pages the signed-in people are waiting for. Here the hash is computed on hashing threads whose
scheduling priority is lowered (nice +5; on Linux niceness is per thread): PBKDF2 runs in
OpenSSL without the GIL, so page requests in the same process go on, and the kernel runs them
first whenever both want a core; on an idle server a sign-in is as fast as before. There are as
many hashing threads as web threads (TAIZHANG_WEB_THREADS), so sign-ins do not queue behind each
other holding web threads that pages need; each still costs what it costs.
"""

import os
import threading
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher

NICENESS = 5

_lock = threading.Lock()
_pool = None


def _lower_priority():
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, os.getpriority(os.PRIO_PROCESS, tid) + NICENESS)
    except (AttributeError, OSError):  # not Linux, or not allowed: hash at normal priority
        pass


def _forget_pool():
    global _pool
    _pool = None


os.register_at_fork(after_in_child=_forget_pool)  # a forked worker starts its own thread


def run_low(function, *args):
    """``function(*args)`` on a low-priority hashing thread; waits for its result."""
    global _pool
    with _lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(
                max_workers=max(1, settings.TAIZHANG_WEB_THREADS),
                thread_name_prefix="password-hash",
                initializer=_lower_priority,
            )
        pool = _pool
    return pool.submit(function, *args).result()


class LowPriorityPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """Django's PBKDF2-SHA256 (the same algorithm name and hashes), on the low-priority thread."""

    def encode(self, password, salt, iterations=None):
        return run_low(super().encode, password, salt, iterations)
