import importlib
import json
import os
import pathlib

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

# Property-test budgets: the normal suite stays fast; tools/sanitize.sh uses
# fewer examples (ASan is ~3x slower), a long local run can ask for many more.
settings.register_profile(
    "default", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "sanitize", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "long", max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
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


# -- which kernel ran ----------------------------------------------------------------
# CI runs the suite once per kernel (FASTMEL_KERNEL=baseline, ...). Every plan
# built for the default kernel is recorded here, and the session fails if one
# ran another instruction set than the one requested, so that a leg can never
# silently test the wrong kernel.
_PLANS_BUILT: dict[str, int] = {}


def _expected_isa(requested):
    from fastmel import _engine

    if requested == "auto":
        return _engine.kernel_info("auto")["kernel"]
    return {"baseline": "baseline", "avx2": "avx2"}[requested]


@pytest.fixture(scope="session", autouse=True)
def _every_plan_runs_the_requested_kernel():
    from fastmel import _engine

    # A FASTMEL_KERNEL that names no kernel is a warning and "auto" for users;
    # a test leg asking for it has a typo, and fails here.
    asked = os.environ.get("FASTMEL_KERNEL") or "auto"
    assert asked in _engine.KERNELS, f"FASTMEL_KERNEL={asked!r} names no kernel"

    build = _engine.make_plan

    def recording(options, dtype):
        plan = build(options, dtype)
        if options.kernel == _engine.DEFAULT_KERNEL:
            _PLANS_BUILT[plan.isa] = _PLANS_BUILT.get(plan.isa, 0) + 1
        return plan

    _engine.make_plan = recording
    yield
    _engine.make_plan = build
    want = _expected_isa(_engine.DEFAULT_KERNEL)
    wrong = {isa: n for isa, n in _PLANS_BUILT.items() if not isa.startswith(want)}
    assert not wrong, (
        f"FASTMEL_KERNEL={_engine.DEFAULT_KERNEL} asked for {want!r}, but plans ran {wrong}"
    )


def pytest_terminal_summary(terminalreporter):
    from fastmel import _engine

    if _PLANS_BUILT:
        built = ", ".join(f"{isa}: {n}" for isa, n in sorted(_PLANS_BUILT.items()))
        terminalreporter.write_line(
            f"fastmel kernel requested: {_engine.DEFAULT_KERNEL}; plans built per kernel: {built}"
        )
