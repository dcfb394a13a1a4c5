"""A job for the several-workers test: it notes which worker process ran it, and when."""

import os
import time
from pathlib import Path

from django.tasks import task


@task
def note_run(key, directory):
    """Append this process's id to ``directory/key``: one line per run of the job."""
    with (Path(directory) / key).open("a") as runs:
        runs.write(f"{os.getpid()}\n")
    time.sleep(0.2)  # long enough that the other worker takes the next job meanwhile
    return key
