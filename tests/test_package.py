"""The package's shape: no import cycles, no benchmark code, typed, one version."""

import ast
import importlib.metadata
import pathlib

import fastmel

# The installed package (what a wheel holds) and the source tree beside the tests.
PACKAGE = pathlib.Path(fastmel.__file__).parent
SOURCE = pathlib.Path(__file__).parent.parent / "src" / "fastmel"


def _module_name(path):
    parts = path.relative_to(SOURCE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path):
    """fastmel modules that ``path`` imports at module level (not inside functions)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("fastmel"):
                found.add(target)
                found.update(f"{target}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("fastmel"))
    return found


def test_no_import_cycles():
    modules = {_module_name(p): p for p in SOURCE.rglob("*.py")}
    graph = {m: {t for t in _imports(p) if t in modules and t != m} for m, p in modules.items()}
    # A package's __init__ is imported by its submodules' import machinery, not a cycle.
    state = {}

    def visit(m, stack):
        state[m] = "open"
        for t in graph[m]:
            if state.get(t) == "open" and not m.startswith(t + "."):
                raise AssertionError(f"import cycle: {' -> '.join([*stack, m, t])}")
            if t not in state:
                visit(t, [*stack, m])
        state[m] = "done"

    for m in sorted(graph):
        if m not in state:
            visit(m, [])
    assert "fastmel._layer" not in graph["fastmel._stream"]  # streams see a StreamSpec


def test_no_benchmark_code_in_the_package():
    assert "_bench.py" not in {p.name for p in PACKAGE.glob("*.py")}
    # fastmel bench (cli/_bench.py) is a user command on the public API only.
    assert _imports(SOURCE / "cli" / "_bench.py") <= {
        "fastmel",
        *(f"fastmel.{n}" for n in fastmel.__all__),
    }
    header = (SOURCE.parent.parent / "csrc" / "fastmel.h").read_text().lower()
    assert "bench" not in header and "fft_only" not in header


def test_typed_and_one_version():
    assert (PACKAGE / "py.typed").exists() and (PACKAGE / "_core.pyi").exists()
    # The version is written once, in pyproject.toml; the package reads its metadata.
    assert fastmel.__version__ == importlib.metadata.version("fastmel")
    assert f'= "{fastmel.__version__}"' not in (SOURCE / "__init__.py").read_text()


def test_bench_ctypes_mirror_matches_the_c_abi():
    """bench/fft_only.py drives the C ABI through ctypes copies of its structs;
    a copy that falls behind the header corrupts its calls (it did once: the
    FFT-only rows went missing from the benchmark)."""
    import ctypes
    import importlib.util

    import pytest

    path = SOURCE.parent.parent / "bench" / "fft_only.py"
    if not path.exists():
        pytest.skip("no bench/ beside the tests")
    spec = importlib.util.spec_from_file_location("fft_only_abi_check", path)
    mirror = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mirror)
    sizes = fastmel._core._abi_sizes()
    assert ctypes.sizeof(mirror.Options) == sizes["fm_options"]
    assert ctypes.sizeof(mirror.Tables) == sizes["fm_tables"]
    assert ctypes.sizeof(mirror.Input) == sizes["fm_input"]
