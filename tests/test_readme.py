"""The README's Python blocks run as written, in order, in one namespace (as a
reader runs them), in a scratch folder, and print what their comments say; the
README stays short and names only files that exist, and keeps the two set-up
commands literally."""

import os
import re
from pathlib import Path

from doc_blocks import python_blocks, run_blocks

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
BLOCKS = python_blocks(README)


def test_every_python_block_runs(tmp_path):
    """In a process of its own, as a reader's script would run."""
    assert len(BLOCKS) >= 3
    run_blocks(BLOCKS, tmp_path)


def test_named_files_exist():
    named = set(re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", README))  # relative links
    named |= set(re.findall(r"`((?:bench|tests|tools|docs|examples|src)/[\w./-]+)`", README))
    missing = sorted(n for n in named if not (ROOT / n.rstrip("/")).exists() and "*" not in n)
    assert not missing, missing


def test_short_with_the_set_up_commands_and_one_click_links():
    assert len(README.splitlines()) <= 250
    assert "pip install '.[plot]' && python -m fastmel demo" in README
    assert "pip install '.[test]' && pytest" in README
    links = set(re.findall(r"\]\(([^)#:]+)\)", README))
    for page in (
        "docs/getting-started.md",
        "docs/guide/cli.md",
        "docs/migrating/keras.md",
        "docs/migrating/librosa.md",
        "docs/migrating/torchaudio.md",
        "docs/migrating/kaldi-native-fbank.md",
        "docs/migrating/transformers.md",
    ):
        assert page in links, page
        assert os.path.exists(ROOT / page), page
