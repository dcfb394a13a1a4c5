#!/usr/bin/env python
"""Django's manage.py, for habit; ``taizhang`` is the same command."""

from taizhang.cli import main

if __name__ == "__main__":
    main()
