"""Readers for the limit tests (the child process imports them from here)."""

import time


def read_for_ever(data, suffix, units, send):
    time.sleep(600)


def read_greedily(data, suffix, units, send):
    hoard = bytearray(4 * 1024**3)
    send(("done", len(hoard)))
