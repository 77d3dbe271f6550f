"""Run the fastmel benchmark; the same as ``python -m fastmel bench``. See --help."""
import sys

from fastmel._bench import main

if __name__ == "__main__":
    sys.exit(main())
