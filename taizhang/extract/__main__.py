"""``python -m taizhang.extract``: the same as ``taizhang extract``."""

import sys

from .cli import main

sys.exit(main())
