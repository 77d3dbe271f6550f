"""Every parameter of the references' callables exists in fastmel's drop-ins,
of the same kind, in the same order, with the same default.

The references' signatures are read from tests/data/dropin_signatures.json
(written by make_dropin_golden.py with torchaudio 2.11 and librosa 0.11); when a
reference imports, the committed list is checked against it too.
"""

import importlib
import inspect
import json

import numpy as np
import pytest
from conftest import DATA

SIGNATURES = json.loads((DATA / "dropin_signatures.json").read_text())["callables"]
# The references whose drop-ins exist (the package each maps to).
DROP_INS = {"torchaudio": "fastmel.torchaudio", "librosa": "fastmel.librosa"}
NAMES = sorted(k for k in SIGNATURES if k.split(".")[0] in DROP_INS)


def _ours(name):
    ref, _, rest = name.partition(".")
    module, _, attr = f"{DROP_INS[ref]}.{rest}".rpartition(".")
    return getattr(importlib.import_module(module), attr)


def _params(obj, kind):
    sig = inspect.signature(obj.__init__ if kind == "class" else obj)
    return [p for p in sig.parameters.values() if p.name != "self"]


KINDS = {
    inspect.Parameter.POSITIONAL_OR_KEYWORD: "positional-or-keyword",
    inspect.Parameter.KEYWORD_ONLY: "keyword-only",
    inspect.Parameter.VAR_POSITIONAL: "var-positional",
    inspect.Parameter.VAR_KEYWORD: "var-keyword",
    inspect.Parameter.POSITIONAL_ONLY: "positional-only",
}


def _same_default(ours, theirs):
    """A default as the JSON holds it (tagged for what JSON cannot) against ours."""
    if isinstance(theirs, dict) and "callable" in theirs:
        return callable(ours) and ours.__name__ == theirs["callable"].rpartition(".")[2]
    if isinstance(theirs, dict) and "dtype" in theirs:
        return np.dtype(ours) == np.dtype(theirs["dtype"])
    if isinstance(theirs, dict) and "float" in theirs:
        return isinstance(ours, float) and str(ours) == str(float(theirs["float"]))
    return type(ours) is type(theirs) and ours == theirs


@pytest.mark.parametrize("name", NAMES)
def test_same_parameters_kinds_order_and_defaults(name):
    ref = SIGNATURES[name]
    theirs = ref["init"] if ref["type"] == "class" else ref["params"]
    ours = {p.name: p for p in _params(_ours(name), ref["type"])}
    order = list(ours)
    for i, param in enumerate(theirs):
        assert param["name"] in ours, f"{name}: no parameter {param['name']!r}"
        mine = ours[param["name"]]
        if param["kind"] == "positional-or-keyword":
            assert order.index(param["name"]) == i, f"{name}: {param['name']!r} is not at {i}"
        assert KINDS[mine.kind] == param["kind"], (name, param["name"], mine.kind)
        if "default" in param:
            assert mine.default is not inspect.Parameter.empty, (name, param["name"])
            assert _same_default(mine.default, param["default"]), (
                name, param["name"], mine.default, param["default"],
            )  # fmt: skip
        else:
            assert mine.default is inspect.Parameter.empty, (name, param["name"])
    # fastmel's own additions are keyword-only, after the reference's
    extra = [p for p in ours.values() if p.name not in {q["name"] for q in theirs}]
    assert all(p.kind == inspect.Parameter.KEYWORD_ONLY for p in extra), (name, extra)


@pytest.mark.parametrize("name", NAMES)
def test_committed_signatures_are_the_installed_references(name):
    ref_name = name.split(".")[0]
    try:
        module_name, _, attr = name.rpartition(".")
        obj = getattr(importlib.import_module(module_name), attr)
    except Exception:  # noqa: BLE001 - the reference is not importable here
        pytest.skip(f"{ref_name} is not importable")
    ref = SIGNATURES[name]
    live = [p.name for p in _params(obj, ref["type"])]
    assert live == [p["name"] for p in (ref["init"] if ref["type"] == "class" else ref["params"])]
