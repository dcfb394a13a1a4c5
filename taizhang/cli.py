"""The ``taizhang`` command: Django's management commands under the product's name."""

import os
import sys


def main():
    if sys.argv[1:2] == ["extract"]:
        # The text engine needs no Django: skip its start-up for a fast command.
        from taizhang.extract.cli import main as extract

        sys.exit(extract(sys.argv[2:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taizhang.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["taizhang", *sys.argv[1:]])


if __name__ == "__main__":
    main()
