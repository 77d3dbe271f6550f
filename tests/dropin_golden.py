"""The golden data of the torchaudio and librosa drop-ins (make_dropin_golden.py),
read once for their tests: arrays, cases, refusals, and the tagged arguments decoded."""

import json

import numpy as np
from conftest import DATA

with np.load(DATA / "dropin_golden.npz") as _d:
    ARRAYS = {k: _d[k] for k in _d.files}
META = json.loads(str(ARRAYS["meta"]))
ERRORS = json.loads(str(ARRAYS["errors"]))
TAGS = {"callable", "float", "dtype", "tuple", "array"}


def decode(value, callables):
    """A case's argument (the script's tagged JSON) as Python values; a
    ``{"callable": "module.name"}`` is ``callables(module, name)``."""
    if isinstance(value, dict) and len(value) == 1 and set(value) & TAGS:
        if "callable" in value:
            return callables(*value["callable"].rsplit(".", 1))
        if "float" in value:
            return float(value["float"])
        if "dtype" in value:
            return np.dtype(value["dtype"])
        if "tuple" in value:
            return tuple(decode(v, callables) for v in value["tuple"])
        return ARRAYS[value["array"]]
    if isinstance(value, dict):
        return {k: decode(v, callables) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v, callables) for v in value]
    return value


def case_input(case, name, fallback):
    """A case's input array (``fallback(shape)`` for a refusal whose input
    was not stored), or None."""
    spec = case["input"]
    if spec is None:
        return None
    key = spec.get("shared") or spec.get("stored", f"{name}/x")
    if key not in ARRAYS:
        return fallback(spec["shape"]).astype(spec["dtype"])
    return np.asarray(ARRAYS[key], dtype=spec["dtype"]).reshape(spec["shape"])
