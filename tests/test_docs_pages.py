"""Every Python block of docs/*.md runs, and prints what its comments say.

A block whose first line is ``# needs: torch`` (or another module) is skipped
where that module does not import. Each ``print(...)`` line ends in a comment
holding exactly what it prints, and nothing else is printed.
"""

import contextlib
import importlib
import io
import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"
BLOCK = re.compile(r"```python\n(.*?)```", re.S)


def _blocks():
    for page in sorted(DOCS.glob("*.md")):
        for i, match in enumerate(BLOCK.finditer(page.read_text())):
            yield pytest.param(match.group(1), id=f"{page.stem}-{i}")


BLOCKS = list(_blocks())


def test_the_pages_have_examples():
    assert len(BLOCKS) >= 4


@pytest.mark.parametrize("code", BLOCKS)
def test_block_runs_and_prints_what_it_says(code):
    first = code.splitlines()[0]
    if first.startswith("# needs:"):
        for name in first.removeprefix("# needs:").split(","):
            try:
                importlib.import_module(name.strip())
            except Exception:  # noqa: BLE001 - absent (or broken) here
                pytest.skip(f"needs {name.strip()}")
    expected = [
        line.split("#", 1)[1].strip()
        for line in code.splitlines()
        if line.startswith("print(") and "#" in line
    ]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "<docs>", "exec"), {})  # noqa: S102 - the docs' own examples
    assert out.getvalue().splitlines() == expected


def test_links_resolve():
    """Every relative link of the pages names a file that exists (and a
    README section that exists)."""
    readme = (DOCS.parent / "README.md").read_text()
    sections = {
        re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-")
        for h in re.findall(r"^#{2,3} (.+)$", readme, re.M)
    }
    for page in sorted(DOCS.glob("*.md")):
        for target in re.findall(r"\]\(([^)\s]+)\)", page.read_text()):
            if target.startswith(("http://", "https://")):
                continue
            path, _, anchor = target.partition("#")
            assert (page.parent / path).exists(), (page.name, target)
            if path.endswith("README.md") and anchor:
                assert anchor in sections, (page.name, target)
