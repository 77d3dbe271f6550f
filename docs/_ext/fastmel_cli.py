"""The ``fastmel-cli-help`` directive: a subcommand's ``--help``, as the
installed command prints it, so the docs' flag reference never drifts from
the parser.

Usage in a page::

    ```{fastmel-cli-help} compute
    ```
"""

import argparse
import os

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from fastmel.cli import build_parser


def _subcommand_help(name: str) -> str:
    parser = build_parser()
    for action in parser._actions:  # argparse keeps no public map of subparsers
        if isinstance(action, argparse._SubParsersAction):
            if name not in action.choices:
                raise ValueError(f"fastmel has no subcommand {name!r}")
            return action.choices[name].format_help()
    raise ValueError("fastmel's parser has no subcommands")


class CliHelp(SphinxDirective):
    required_arguments = 1
    has_content = False

    def run(self):
        # A fixed width, so the page does not depend on the building terminal.
        old = os.environ.get("COLUMNS")
        os.environ["COLUMNS"] = "80"
        try:
            text = _subcommand_help(self.arguments[0])
        except ValueError as exc:
            raise self.error(str(exc)) from None
        finally:
            if old is None:
                del os.environ["COLUMNS"]
            else:
                os.environ["COLUMNS"] = old
        block = nodes.literal_block(text, text)
        block["language"] = "text"
        return [block]


def setup(app):
    app.add_directive("fastmel-cli-help", CliHelp)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
