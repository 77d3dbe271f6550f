"""Command line: ``python -m fastmel {demo,info}``."""
from __future__ import annotations

import argparse
import sys


def main(argv=None):
    parser = argparse.ArgumentParser(prog="fastmel", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("demo", help="compute and show the mel spectrogram of a synthetic clip")
    sub.add_parser("info", help="print the version and the kernel this machine runs")
    args = parser.parse_args(argv)
    if args.command == "demo":
        from ._demo import main as demo
        return demo()
    if args.command == "info":
        from . import show_config
        show_config()
        return 0
    parser.error(f"unknown command {args.command!r}")  # pragma: no cover


if __name__ == "__main__":
    sys.exit(main())
