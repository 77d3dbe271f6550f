import importlib
import json
import os
import pathlib

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

# Property-test budgets: the normal suite stays fast; tools/sanitize.sh uses
# fewer examples (ASan is ~3x slower), a long local run can ask for many more.
settings.register_profile("default", max_examples=150, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("sanitize", max_examples=40, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", max_examples=5000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("FASTMEL_HYPOTHESIS_PROFILE", "default"))

DATA = pathlib.Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def keras_golden():
    with np.load(DATA / "keras_golden.npz") as d:
        arrays = {k: d[k] for k in d.files}
    return json.loads(str(arrays.pop("meta"))), arrays


def require_extra(module):
    """Import an optional dependency of fastmel's extras, or skip the test.

    CI sets FASTMEL_REQUIRE_EXTRAS=1: there the extras are part of the install
    (``.[test]``), so a missing one is a failure, never a silent skip.
    """
    if os.environ.get("FASTMEL_REQUIRE_EXTRAS"):
        return importlib.import_module(module)
    return pytest.importorskip(module)
