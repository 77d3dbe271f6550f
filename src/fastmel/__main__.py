"""``python -m fastmel``: the same as the ``fastmel`` command."""
import sys

from ._cli import main

if __name__ == "__main__":
    sys.exit(main())
