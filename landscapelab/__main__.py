"""``python -m landscapelab``: the same command line as the ``landscapelab`` console script."""

import sys

from .cli import main

sys.exit(main())
