"""Running the real ``taizhang`` command in a fresh process, as an operator would."""

import os
import subprocess
import sys

import pytest

CLI_TIMEOUT = 180


def fresh_env(var_dir, **extra):
    """The environment of a new installation under var_dir: none of the test run's settings."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TAIZHANG_", "DJANGO_")) and k != "DATABASE_URL"
    }
    env.update(DJANGO_SETTINGS_MODULE="taizhang.settings", TAIZHANG_VAR_DIR=str(var_dir))
    env.update(extra)
    return env


@pytest.fixture
def taizhang_cli():
    """``taizhang_cli(var_dir, *args, **env)``: run the command there and return its result."""

    def run(var_dir, *args, **env):
        return subprocess.run(
            [sys.executable, "-m", "taizhang.cli", *map(str, args)],
            env=fresh_env(var_dir, **env),
            capture_output=True,
            text=True,
            timeout=CLI_TIMEOUT,
        )

    return run
