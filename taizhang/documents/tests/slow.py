"""Readers for the limit tests (the child process imports them from here)."""

import time

from taizhang.extract.read import Source


def read_for_ever(data, suffix, units, send):
    time.sleep(600)


def read_greedily(data, suffix, units, send):
    hoard = bytearray(4 * 1024**3)
    send(("done", len(hoard)))


def read_and_crash(data, suffix, units, send):
    send(("read", Source("市委统战部要牵头抓总。")))
    raise RuntimeError("a bug in the engine")
