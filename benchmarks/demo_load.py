"""How long the demo takes to load, and its parts.

    DATABASE_URL=sqlite:////tmp/demo-bench.sqlite3 python benchmarks/demo_load.py [--runs 2]

Migrates the database named by DATABASE_URL (use a scratch one: the demo organisations in it
are replaced), loads the demo once to start from a loaded state, then ``--runs`` times
``taizhang demo --reset`` with and without the appraisal demo, and prints each time with the
seconds spent in the suggestions, meetings and appraisal loaders (the appraisal's 2022 ledger
on its own) and the machine's load average.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taizhang.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

import taizhang.demo.appraisal as appraisal_demo  # noqa: E402
import taizhang.demo.management.commands.demo as demo  # noqa: E402

PARTS = {}


def _timed(module, name):
    function = getattr(module, name)

    def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            PARTS[name] = PARTS.get(name, 0) + time.perf_counter() - start

    setattr(module, name, timed)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=2)
    runs = parser.parse_args().runs
    call_command("migrate", verbosity=0)
    for name in ("load_suggestions", "load_meetings", "load_appraisal"):
        _timed(demo, name)
    _timed(appraisal_demo, "_ledger")
    with_appraisal = demo.load_appraisal
    quiet = open(os.devnull, "w")  # noqa: SIM115
    call_command("demo", "--reset", stdout=quiet)
    for _run in range(runs):
        for label, loader in (("without appraisal", lambda city, federation: 0), ("with", None)):
            demo.load_appraisal = loader or with_appraisal
            PARTS.clear()
            start = time.perf_counter()
            call_command("demo", "--reset", stdout=quiet)
            total = time.perf_counter() - start
            parts = ", ".join(f"{k} {v:.1f} s" for k, v in PARTS.items())
            print(f"{label}: {total:.1f} s ({parts}); load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
