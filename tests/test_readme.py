"""The README's Python blocks run as written, in order, in one namespace (as a
reader runs them), in a scratch folder; and every repository file it names exists."""

import contextlib
import io
import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
BLOCKS = re.findall(r"```python\n(.*?)```", README, re.S)


def test_every_python_block_runs(tmp_path, monkeypatch):
    pytest.importorskip("dask.distributed", reason="the Dask block needs the dask extra")
    pytest.importorskip("soundfile", reason="the Dask block writes WAV files")
    assert len(BLOCKS) >= 8
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    for i, code in enumerate(BLOCKS):
        with contextlib.redirect_stdout(io.StringIO()), warnings_allowed():
            exec(compile(code, f"README.md block {i}", "exec"), namespace)  # noqa: S102


@contextlib.contextmanager
def warnings_allowed():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (the examples' own, e.g. torchaudio's empty filters)
        yield


def test_named_files_exist():
    named = set(re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", README))  # relative links
    named |= set(re.findall(r"`((?:bench|tests|tools|docs|examples|src)/[\w./-]+)`", README))
    missing = sorted(n for n in named if not (ROOT / n.rstrip("/")).exists() and "*" not in n)
    assert not missing, missing
    assert os.path.exists(ROOT / "docs" / "migrating-from-librosa.md")
