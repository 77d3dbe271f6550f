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


def pcen_for(case):
    p = META[case]["params"]
    return fastmel.PCEN(
        sampling_rate=p["sr"],
        hop_length=p["hop_length"],
        gain=p["gain"],
        bias=p["bias"],
        power=p["power"],
        time_constant=p["time_constant"],
        eps=p["eps"],
        b=p["b"],
    )


def pcen_close(got, want, x_dtype):
    """float64: librosa's own formulas; float32 (whose output librosa gives in
    float64): within 3e-6 of the output's peak (the float32 logarithm of a
    smoothed energy near 2**31 is ~21.5, within ulp(21.5) / 2 = 9.5e-7). NaN
    where librosa has NaN."""
    got = np.asarray(got, np.float64)
    assert np.array_equal(np.isnan(got), np.isnan(want))
    scale = max(1.0, float(np.nanmax(np.abs(want))))
    tol = 1e-12 if x_dtype == np.float64 else 3e-6
    np.testing.assert_allclose(got, want, rtol=0, atol=tol * scale, equal_nan=True)


@pytest.mark.parametrize("case", sorted(c for c, m in META.items() if m["kind"] == "pcen"))
def test_pcen_equals_librosa(case):
    x, want = GOLDEN[f"{case}/x"], GOLDEN[f"{case}/y"]
    pcen = pcen_for(case)
    split = META[case]["params"].get("split")
    if split is None:
        got, zf = pcen(x, return_zf=True)
    else:  # the second part continues from the first's final state
        first, zi = pcen(x[..., :split], return_zf=True)
        second, zf = pcen(x[..., split:], zi=zi, return_zf=True)
        got = np.concatenate([first, second], axis=-1)
        whole, whole_zf = pcen(x, return_zf=True)
        np.testing.assert_array_equal(got, whole)
        np.testing.assert_array_equal(zf, whole_zf)
    assert got.shape == want.shape and got.dtype == x.dtype
    pcen_close(got, want, x.dtype)
    if f"{case}/zf" in GOLDEN.files:
        np.testing.assert_allclose(zf, GOLDEN[f"{case}/zf"], rtol=1e-12, atol=0)


@pytest.mark.parametrize("case", sorted(c for c, m in META.items() if m["kind"] == "cmvn"))
def test_sliding_cmvn_equals_torchaudio(case):
    """Within 1e-6 of the output's peak of torchaudio's float64 result (its
    float32 result, kept in running float32 sums, is up to 8e-5 off it). A
    constant feature with norm_vars is 0/0 in both: only the features whose
    reference is finite everywhere are compared."""
    p = META[case]["params"]
    x, y64 = (
        GOLDEN[f"{case}/x"],
        GOLDEN[f"{case}/y64" if f"{case}/y64" in GOLDEN.files else f"{case}/y"],
    )
    cmvn = fastmel.SlidingCMVN(p["cmn_window"], p["min_cmn_window"], p["center"], p["norm_vars"])
    got = cmvn(x)
    assert got.shape == x.shape and got.dtype == x.dtype
    want = y64.reshape(x.shape)  # torchaudio squeezes (1, features) to (features,)
    finite = np.isfinite(want).all(axis=-2, keepdims=True) & np.ones_like(want, bool)
    assert finite.any()
    scale = max(1.0, float(np.abs(want[finite]).max()))
    tol = 1e-9 if x.dtype == np.float64 else 1e-6
    np.testing.assert_allclose(
        got[finite].astype(np.float64), want[finite], rtol=0, atol=tol * scale
    )
