"""The README's Python blocks run as written, in order, in one namespace (as a
reader runs them), in a scratch folder; and every repository file it names exists."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
BLOCKS = re.findall(r"```python\n(.*?)```", README, re.S)


def test_every_python_block_runs(tmp_path):
    """In a process of its own (the Dask block starts a cluster in it, whose
    garbage-collector hooks must not outlive it in the test process)."""
    pytest.importorskip("dask.distributed", reason="the Dask block needs the dask extra")
    pytest.importorskip("soundfile", reason="the Dask block writes WAV files")
    assert len(BLOCKS) >= 8
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


def test_named_files_exist():
    named = set(re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", README))  # relative links
    named |= set(re.findall(r"`((?:bench|tests|tools|docs|examples|src)/[\w./-]+)`", README))
    missing = sorted(n for n in named if not (ROOT / n.rstrip("/")).exists() and "*" not in n)
    assert not missing, missing
    assert os.path.exists(ROOT / "docs" / "migrating-from-librosa.md")
