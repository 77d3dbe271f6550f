"""Every public name has a numpydoc docstring."""

import inspect

import pytest

import fastmel
import fastmel.dask
import fastmel.kaldi
import fastmel.librosa
import fastmel.librosa.feature
import fastmel.librosa.filters
import fastmel.torchaudio
import fastmel.torchaudio.compliance.kaldi
import fastmel.torchaudio.functional
import fastmel.torchaudio.transforms
import fastmel.transformers

MODULES = (
    fastmel, fastmel.kaldi, fastmel.transformers, fastmel.torchaudio,
    fastmel.torchaudio.transforms, fastmel.torchaudio.functional,
    fastmel.torchaudio.compliance.kaldi, fastmel.librosa, fastmel.librosa.feature,
    fastmel.librosa.filters,
)  # fmt: skip


def _public():
    for module in MODULES:
        prefix = module.__name__
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isclass(obj):
                yield f"{prefix}.{name}", obj
                members = {}
                for klass in reversed(obj.__mro__[:-1]):  # inherited from a private base too
                    if klass.__module__.startswith("fastmel"):
                        members.update(vars(klass))
                for attr, member in members.items():
                    data = not callable(member) and not isinstance(
                        member, (property, classmethod, staticmethod)
                    )
                    if (not attr.startswith("_") or attr == "__call__") and not data:
                        yield f"{prefix}.{name}.{attr}", member
            elif callable(obj):
                yield f"{prefix}.{name}", obj
    for name in fastmel.dask.__all__:
        yield f"fastmel.dask.{name}", getattr(fastmel.dask, name)


PUBLIC = dict(_public())


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_numpydoc(name):
    obj = PUBLIC[name]
    if isinstance(obj, (classmethod, staticmethod)):
        obj = obj.__func__
    doc = inspect.getdoc(obj.fget if isinstance(obj, property) else obj)
    assert doc and len(doc.splitlines()[0]) > 10, f"{name} has no summary line"
    if isinstance(obj, property):
        return
    if inspect.isclass(obj) and issubclass(obj, BaseException):
        params = []  # (an exception's signature is *args)
    else:
        params = [p for p in inspect.signature(obj).parameters if p not in ("self", "cls")]
    if inspect.isclass(obj):
        assert "Parameters\n----------" in doc and "Examples\n--------" in doc, name
    elif params:
        assert "Parameters\n----------" in doc, f"{name} documents no parameters"
    if not inspect.isclass(obj):
        assert "Returns\n-------" in doc, f"{name} documents no return value"
    for p in params:
        if p in ("args", "kwargs"):
            continue
        assert p in doc, f"{name} does not document `{p}`"


@pytest.mark.parametrize(
    "module",
    [
        "fastmel",
        "fastmel._layer",
        "fastmel._mfcc",
        "fastmel._stream",
        "fastmel._filters",
        "fastmel.dask",
        "fastmel.kaldi",
        "fastmel.transformers",
        "fastmel.torchaudio",
        "fastmel.librosa",
    ],
)
def test_docstring_examples_run(module):
    """Each module's examples (a package's: those of its modules) run as shown."""
    import doctest
    import importlib
    import pkgutil

    package = importlib.import_module(module)
    modules = [package] + [
        importlib.import_module(f"{module}.{info.name}")
        for info in pkgutil.iter_modules(getattr(package, "__path__", []))
    ]
    attempted = 0
    for m in modules:
        result = doctest.testmod(m, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
        assert result.failed == 0, m.__name__
        attempted += result.attempted
    assert attempted > 0 or module == "fastmel.dask"  # (its example needs a cluster)
