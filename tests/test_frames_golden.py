"""fastmel's stages along frames against golden data made by the real
torchaudio 2.11 and librosa 0.11 (tests/data/make_frames_golden.py): every
delta case, on inputs with constant, quiet and silent features and with
fewer frames than the filter."""

import json
import pathlib

import numpy as np
import pytest

import fastmel

GOLDEN = np.load(pathlib.Path(__file__).parent / "data" / "frames_golden.npz")
META = json.loads(str(GOLDEN["meta"]))
SCIPY_MODES = {
    "interp": "interp",
    "nearest": "replicate",
    "mirror": "reflect",
    "constant": "constant",
    "wrap": "wrap",
}


def deltas_for(case):
    """The fastmel.Deltas that computes the reference call of ``case``."""
    p = META[case]["params"]
    axis = -2 if META[case]["layout"] == "frames_features" else -1
    if "win_length" in p:  # torchaudio: win_length 2N + 1 or 2N + 2 means N
        width = 2 * ((p["win_length"] - 1) // 2) + 1
        return fastmel.Deltas.from_preset("torchaudio", width=width, order=p.get("order", 1))
    return fastmel.Deltas.from_preset(
        "librosa", width=p["width"], order=p["order"], edge=SCIPY_MODES[p["mode"]], axis=axis
    )


@pytest.mark.parametrize("case", sorted(c for c, m in META.items() if m["kind"] == "delta"))
def test_deltas_equal_the_references(case):
    x, want = GOLDEN[f"{case}/x"], GOLDEN[f"{case}/y"]
    got = deltas_for(case)(x)
    assert got.shape == want.shape and got.dtype == want.dtype
    scale = max(1.0, float(np.abs(want).max()))
    if x.dtype == np.float64:
        tol = 1e-9 * scale
    else:  # within a few times the reference's own float32 error, or float32's resolution
        own = float(np.abs(GOLDEN[f"{case}/y64"] - want).max())
        tol = max(4 * own, 2e-6 * scale)
    np.testing.assert_allclose(got.astype(np.float64), want, rtol=0, atol=tol)
