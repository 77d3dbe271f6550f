"""What the README's and the docs pages' example tests share: the Python
blocks of a Markdown text, run in order as one script, and the output their
comments promise."""

import re
import subprocess
import sys
from pathlib import Path

BLOCK = re.compile(r"```python\n(.*?)```", re.S)


def python_blocks(markdown: str) -> list[str]:
    return BLOCK.findall(markdown)


def run_blocks(blocks: list[str], folder: Path) -> subprocess.CompletedProcess:
    """The blocks as one script (one namespace, as a reader runs them), in a
    process of its own with ``folder`` as its working directory. Returns the
    finished process after asserting that it succeeded and printed exactly
    what the blocks' ``print(...)  # output`` lines say."""
    script = folder / "blocks.py"
    script.write_text("\n\n".join(f"# block {i}\n{code}" for i, code in enumerate(blocks)))
    r = subprocess.run(
        [sys.executable, "-W", "ignore", str(script)],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    expected = [
        line.split("#", 1)[1].strip()
        for code in blocks
        for line in code.splitlines()
        if line.lstrip().startswith("print(") and "#" in line
    ]
    assert r.stdout.splitlines() == expected
    return r
