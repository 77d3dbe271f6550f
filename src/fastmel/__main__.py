"""Command line: ``python -m fastmel {demo,info,bench}``."""
from __future__ import annotations

import argparse
import sys


def main(argv=None):
    parser = argparse.ArgumentParser(prog="fastmel", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("demo", help="compute and show the mel spectrogram of a synthetic clip")
    sub.add_parser("info", help="print the version and the kernel this machine runs")
    sub.add_parser("bench", help="run the benchmark (see: python -m fastmel bench --help)",
                   add_help=False)
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["bench"]:
        from ._bench import main as bench
        return bench(argv[1:])
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
