"""The README's Python blocks run as written, in order, in one namespace (as a
reader runs them), in a scratch folder, and print what their comments say; the
README stays short and names only files that exist, and keeps the two set-up
commands literally."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
BLOCKS = re.findall(r"```python\n(.*?)```", README, re.S)


def test_every_python_block_runs(tmp_path):
    """In a process of its own, as a reader's script would run."""
    assert len(BLOCKS) >= 3
    script = tmp_path / "readme_blocks.py"
    script.write_text(
        "\n\n".join(f"# README.md block {i}\n{code}" for i, code in enumerate(BLOCKS))
    )
    r = subprocess.run(
        [sys.executable, "-W", "ignore", str(script)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    expected = [
        line.split("#", 1)[1].strip()
        for code in BLOCKS
        for line in code.splitlines()
        if line.lstrip().startswith("print(") and "#" in line
    ]
    assert r.stdout.splitlines() == expected


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
