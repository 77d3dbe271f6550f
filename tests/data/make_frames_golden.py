"""Regenerate frames_golden.npz: deltas, PCEN and sliding-window CMN from the real references.

    python tests/data/make_frames_golden.py

Run in a venv of its own (/work/refvenv, outside the repo) holding librosa 0.11.0,
scipy 1.17.1, numpy 2.4.6, torch 2.13.0+cpu (local wheel) and torchaudio 2.11.0
(the PyPI wheel, which reports itself as 2.11.0+cu130, installed with --no-deps).
torchaudio's compiled extension needs CUDA libraries that the CPU torch lacks, so
site-packages/torchaudio/lib/*.so were deleted; compute_deltas and
sliding_window_cmn are pure Python over torch and import without them. torch runs
on one thread so that its float32 sums are reproducible. The tests only read the
.npz.

Per case NAME the file holds NAME/x (the input), NAME/y (the reference's output,
converted to numpy with its dtype kept) and, for the float32 torchaudio and librosa
delta and CMN cases, NAME/y64: the same call on x widened to float64 (the
reference's own float32 error, for tolerances). PCEN cases with return_zf store
NAME/zf. One JSON string, meta, maps each case name to {"fn": the call as text,
"kind": "delta" | "pcen" | "cmvn", "params": the keyword arguments,
"layout": "features_frames" or "frames_features" (which axis of x is time)}; a few
cases add "note".

Inputs are log-mel-like (features x frames): a spectral tilt, per-row sinusoids
and a random walk along time plus noise; when there are >= 3 features row 1 is
constant and the last row is very quiet (a log floor of -23 with 1e-3 jitter); when
there are >= 8 frames a run of frames is silence (log(1e-10)). PCEN inputs are
linear power (>= 0) from 1e-12 to 1e6: row 1 is 1e-12 throughout, the last row is
exactly zero, a few spikes are 1e6, and a run of frames is exactly zero.

Facts read from the installed sources
-------------------------------------
torchaudio/functional/functional.py, compute_deltas (lines 961-1012):
  N = (win_length - 1) // 2 (so win_length=4 is the same as 3); win_length < 3 raises
  ValueError (line 995). x is reshaped to (1, -1, frames), padded N frames at each end
  with torch.nn.functional.pad(mode="replicate") (repeat the edge frame), convolved
  with the kernel [-N, ..., N] (conv1d, float32 in float32 out) and divided by
  denom = N (N + 1) (2 N + 1) / 3 = 2 sum n^2:
  d[t] = sum_{n=1..N} n (c[t+n] - c[t-n]) / (2 sum n^2), indices clamped to [0, T-1].
  Time is the last axis, (..., features, frames); any leading dims.
  transforms.ComputeDeltas(win_length=5, mode="replicate") just calls it.

librosa/feature/utils.py, delta (line 17): scipy.signal.savgol_filter(data, width,
  polyorder=order, deriv=order, axis=axis, mode=mode) (cval 0, delta 1). So order=2 is
  the Savitzky-Golay second derivative of a quadratic fit, NOT delta of delta. It
  raises ParameterError if mode == "interp" and width > data.shape[axis] (checked
  first), or width < 3 or even, or order not a positive int. float32 in gives float32
  out; other dtypes go to float64.

librosa/core/spectrum.py, pcen (def at line 2366, body 2545-2631):
  2545-2561: power < 0, gain < 0, bias < 0, eps <= 0, time_constant <= 0 or max_size
    not a positive int raise ParameterError.
  2563-2570: if b is None: t_frames = time_constant * sr / hop_length and
    b = (sqrt(1 + 4 t_frames^2) - 1) / (2 t_frames^2) (the root of
    b^2 + (1 - b) / t_frames - 2 = 0); the defaults give t_frames = 17.2265625,
    b = 0.0563894387913... 2572: b outside [0, 1] raises.
  2584-2586: with max_size == 1 the filter input is S itself (ref = S).
  2604-2608: if zi is None, zi = scipy.signal.lfilter_zi([b], [1, b - 1]) = [1 - b],
    a float64 array of shape (1,) * S.ndim (broadcast over every row). It is NOT
    scaled by the first frame: the state is the steady state of a constant input 1,
    i.e. as if M[-1] = 1 whatever the scale of S.
  2613: M, zf = lfilter([b], [1, b - 1], S, zi=zi, axis=axis), i.e.
    M[t] = b S[t] + (1 - b) M[t-1] with M[-1] = 1 (M[0] = b S[0] + (1 - b) zi/(1 - b)
    in general: the state z enters as M[0] = b S[0] + z). zf = (1 - b) M[T-1], shape of
    S with the time axis of length 1; passing zi=zf continues the filter exactly.
    zi is float64, so M and the output are float64 even for float32 S.
    With b = 0 lfilter_zi raises LinAlgError (singular matrix), so b=0 fails.
  2617: smooth = exp(-gain (log(eps) + log1p(M / eps))) = (eps + M)^-gain.
  2621-2626, in this order:
    power == 0:  P = log1p(S smooth)
    bias == 0:   P = exp(power (log S + log smooth)) = (S smooth)^power (S = 0 gives 0,
                 with a divide-by-zero warning). log S is taken in S's dtype, so for
                 float32 S this branch carries float32 rounding (~5e-7 relative here).
    otherwise:   P = bias^power expm1(power log1p(S smooth / bias))
                   = (S smooth + bias)^power - bias^power
  2628-2631: return (P, zf) if return_zf else P.

torchaudio/functional/functional.py, sliding_window_cmn (def at 1164, body 1190-1254):
  Layout (..., frames, features): time is the second-to-last axis (the docstring's
  "(..., freq, time)" for the output is wrong: the output has the input's shape).
  Leading dims are flattened with view (x must be contiguous). Quirk, 1251-1253: a 2-D
  input's output is squeeze(0)-ed, so a (1, features) input (one frame) comes back
  1-D, shape (features,); any other 2-D input keeps its shape.
  For each frame t (T frames, C = cmn_window, M = min_cmn_window), lines 1202-1220:
    center=False: start = t - C, end = t + 1 (the window holds C + 1 frames: t-C..t).
    center=True:  start = t - C // 2, end = start + C (C frames).
    if start < 0: end -= start, start = 0 (shift right, keep the length).
    if not center: end = max(t + 1, M) (1213-1215; end > t always holds), so without
      center the window is [max(0, t - C), max(t + 1, M)): at the start it looks ahead
      to M frames; min_cmn_window is ignored with center=True.
    if end > T: start -= end - T, end = T, start = max(start, 0) (shift left to fit).
      Without center this happens only when M > T: then end = T and
      start = max(0, max(0, t - C) - (M - T)).
  Sums are running sums in the input dtype (1221-1236): the first frame sums its window
  with torch.sum (the slice [start : end - start] is harmless as start is 0 then); after
  that one frame is removed when start grows and one added when end grows (each moves
  by at most 1 per frame). n = end - start.
  1240: y[t] = x[t] - sum / n.
  1241-1249 (norm_vars): if n == 1, y[t] = 0; else var = sumsq / n - sum^2 / n^2 and
    y[t] = (x[t] - sum / n) * var^-0.5 (no floor: var 0 gives inf/nan, var < 0 from
    float32 cancellation gives nan).

Reference calls that raise (not stored; the script prints them): librosa.feature.delta
with mode="interp" and width > frames, e.g. width=3 on 2 frames: "when mode='interp',
width=3 cannot exceed data.shape[axis]=2" (also width 5 on 4 frames, 9 on 8);
compute_deltas(win_length=2): "Window length should be greater than or equal to 3.
Found win_length 2"; librosa.pcen(b=0.0): LinAlgError "Singular matrix" (from
scipy.signal.lfilter_zi). Every other call, the short inputs of every mode included,
returned.
"""

import json
import pathlib
import warnings

import librosa
import numpy as np
import torch
import torchaudio.functional as F
import torchaudio.transforms as T

warnings.simplefilter("ignore")
torch.set_num_threads(1)
HERE = pathlib.Path(__file__).parent
rng = np.random.default_rng(20261203)
cases = {}
raised = []


def logmel(n_feat, n_frames, batch=(), dtype=np.float32):
    """Log-mel-like matrix (*batch, features, frames) with a constant, a quiet row and silence."""
    shape = (*batch, n_feat, n_frames)
    t = np.arange(n_frames)
    f = np.arange(n_feat)[:, None]
    tilt = -2.0 - 0.15 * f
    wave = 3.0 * np.sin(2 * np.pi * t / (37.0 + 5.0 * f) + f)
    walk = 0.3 * np.cumsum(rng.standard_normal(shape), axis=-1)
    x = tilt + wave + walk + 0.2 * rng.standard_normal(shape)
    if n_feat >= 3:
        x[..., 1, :] = -4.25
        x[..., -1, :] = -23.0 + 1e-3 * rng.standard_normal((*batch, n_frames))
    if n_frames >= 8:
        start = n_frames // 3
        x[..., start : start + max(2, n_frames // 10)] = np.log(1e-10)
    return x.astype(dtype)


def power_mel(n_feat, n_frames, batch=(), dtype=np.float32):
    """Linear power mel (*batch, features, frames) >= 0, from 1e-12 to 1e6, with exact zeros."""
    shape = (*batch, n_feat, n_frames)
    t = np.arange(n_frames)
    f = np.arange(n_feat)[:, None]
    db = 10.0 - 0.6 * f + 25.0 * np.sin(2 * np.pi * t / (29.0 + 3.0 * f) + f)
    db = (
        db + 2.0 * np.cumsum(rng.standard_normal(shape), axis=-1) + 3.0 * rng.standard_normal(shape)
    )
    x = 10.0 ** (np.clip(db, -120.0, 60.0) / 10.0)
    if n_feat >= 3:
        x[..., 1, :] = 1e-12
        x[..., -1, :] = 0.0
    spikes = rng.integers(0, x.size, size=max(1, x.size // 200))
    x.reshape(-1)[spikes] = 1e6
    if n_frames >= 8:
        start = n_frames // 3
        x[..., start : start + max(2, n_frames // 10)] = 0.0
        x[..., start - 1] = 1e-12
    return x.astype(dtype)


def add(name, kind, fn, params, layout, x, y, extra=None, y64=None, note=None):
    assert name not in cases, name
    case = dict(kind=kind, fn=fn, params=params, layout=layout, x=x, y=np.asarray(y))
    if y64 is not None:
        case["y64"] = np.asarray(y64)
    case.update(extra or {})
    if note:
        case["note"] = note
    cases[name] = case


def attempt(name, call_text, thunk):
    """Run a reference call; on an exception record it (not stored) and return None."""
    try:
        return thunk()
    except Exception as exc:  # the reference's own refusal
        raised.append((name, call_text, f"{type(exc).__name__}: {exc}"))
        return None


# -- (a) torchaudio.functional.compute_deltas -------------------------------------------
def ta_delta(x, w, order=1):
    y = torch.from_numpy(x)
    for _ in range(order):
        y = F.compute_deltas(y, win_length=w, mode="replicate")
    return y.numpy()


def add_ta_delta(name, x, w, order=1):
    text = f"torchaudio.functional.compute_deltas(x, win_length={w}, mode='replicate')"
    params = {"win_length": w, "mode": "replicate"}
    if order == 2:
        text = (
            f"torchaudio.functional.compute_deltas(torchaudio.functional.compute_deltas("
            f"x, win_length={w}), win_length={w})"
        )
        params = {"win_length": w, "order": 2, "recursive": True, "mode": "replicate"}
    y = attempt(name, text, lambda: ta_delta(x, w, order))
    if y is None:
        return
    y64 = ta_delta(x.astype(np.float64), w, order) if x.dtype == np.float32 else None
    add(name, "delta", text, params, "features_frames", x, y, y64=y64)


x40 = logmel(40, 100)
for w in (3, 5, 9):
    add_ta_delta(f"ta_delta_w{w}_40x100", x40, w)
add_ta_delta("ta_delta_w4_40x100", x40, 4)  # N = (4 - 1) // 2 = 1: the same as 3
add_ta_delta("ta_delta_w2_40x100", x40, 2)  # raises
add_ta_delta("ta_delta_w5_batch_2x40x100", logmel(40, 100, batch=(2,)), 5)
add_ta_delta("ta_delta_w9_80x257", logmel(80, 257), 9)
add_ta_delta("ta_delta_w5_13x1000", logmel(13, 1000), 5)
add_ta_delta("ta_delta_w3_1x257", logmel(1, 257), 3)
for n in (1, 2, 3, 4):
    xs = logmel(13, n)
    add_ta_delta(f"ta_delta_w5_13x{n}", xs, 5)
    add_ta_delta(f"ta_delta_w9_13x{n}", xs, 9)
for w in (3, 5, 9):
    add_ta_delta(f"ta_delta2_w{w}_40x100", x40, w, order=2)
add_ta_delta("ta_delta2_w5_13x2", logmel(13, 2), 5, order=2)
add_ta_delta("ta_delta2_w9_batch_2x13x257", logmel(13, 257, batch=(2,)), 9, order=2)

xt = logmel(40, 100, batch=(1,))
add(
    "ta_ComputeDeltas_default_1x40x100",
    "delta",
    "torchaudio.transforms.ComputeDeltas()(x)",
    {"win_length": 5, "mode": "replicate"},
    "features_frames",
    xt,
    T.ComputeDeltas()(torch.from_numpy(xt)).numpy(),
    y64=T.ComputeDeltas()(torch.from_numpy(xt.astype(np.float64))).numpy(),
)


# -- (b) librosa.feature.delta -------------------------------------------------------------
def add_lr_delta(name, x, width, order, mode, axis=-1):
    text = f"librosa.feature.delta(x, width={width}, order={order}, axis={axis}, mode='{mode}')"
    params = {"width": width, "order": order, "axis": axis, "mode": mode}

    def call(data):
        return librosa.feature.delta(data, width=width, order=order, axis=axis, mode=mode)

    y = attempt(name, text, lambda: call(x))
    if y is None:
        return
    y64 = call(x.astype(np.float64)) if x.dtype == np.float32 else None
    layout = "frames_features" if axis in (0, -2) and x.ndim == 2 else "features_frames"
    add(name, "delta", text, params, layout, x, y, y64=y64)


MODES = ("interp", "nearest", "mirror", "constant", "wrap")
x40b = logmel(40, 101)
for width in (3, 5, 9):
    for order in (1, 2):
        for mode in MODES:
            add_lr_delta(f"lr_delta_w{width}_o{order}_{mode}_40x101", x40b, width, order, mode)
# interp at the limit (frames == width) and just past it (raises)
for width in (3, 5, 9):
    for order in (1, 2):
        add_lr_delta(
            f"lr_delta_w{width}_o{order}_interp_13x{width}",
            logmel(13, width),
            width,
            order,
            "interp",
        )
    add_lr_delta(
        f"lr_delta_w{width}_o1_interp_13x{width - 1}", logmel(13, width - 1), width, 1, "interp"
    )
# other modes on inputs shorter than the filter
for n in (1, 2, 3, 4):
    xs = logmel(13, n)
    for mode in MODES[1:]:
        add_lr_delta(f"lr_delta_w9_o1_{mode}_13x{n}", xs, 9, 1, mode)
    add_lr_delta(f"lr_delta_w5_o2_nearest_13x{n}", xs, 5, 2, "nearest")
add_lr_delta(
    "lr_delta_w5_o1_interp_float64_40x101", logmel(40, 101, dtype=np.float64), 5, 1, "interp"
)
add_lr_delta(
    "lr_delta_w9_o2_mirror_float64_13x257", logmel(13, 257, dtype=np.float64), 9, 2, "mirror"
)
add_lr_delta(
    "lr_delta_w5_o1_interp_axis0_257x40",
    np.ascontiguousarray(logmel(40, 257).T),
    5,
    1,
    "interp",
    axis=0,
)
add_lr_delta(
    "lr_delta_w9_o1_nearest_axis0_100x13",
    np.ascontiguousarray(logmel(13, 100).T),
    9,
    1,
    "nearest",
    axis=0,
)
add_lr_delta("lr_delta_w5_o1_interp_80x257", logmel(80, 257), 5, 1, "interp")
add_lr_delta("lr_delta_w9_o1_nearest_1x1000", logmel(1, 1000), 9, 1, "nearest")
add_lr_delta("lr_delta_w9_o2_interp_1x257", logmel(1, 257), 9, 2, "interp")
add_lr_delta("lr_delta_w5_o1_interp_batch_2x40x100", logmel(40, 100, batch=(2,)), 5, 1, "interp")


# -- (c) librosa.pcen ------------------------------------------------------------------------
PCEN_DEFAULTS = dict(
    sr=22050, hop_length=512, gain=0.98, bias=2.0, power=0.5, time_constant=0.4, eps=1e-6, b=None
)


def pcen_params(**over):
    params = dict(PCEN_DEFAULTS, **over)
    params.update(max_size=1, axis=-1)
    return params


def pcen_text(params, extra=""):
    args = ", ".join(f"{k}={v!r}" for k, v in params.items())
    return f"librosa.pcen(S, {args}{extra})"


def add_pcen(name, x, note=None, **over):
    params = pcen_params(**over)
    y = attempt(name, pcen_text(params), lambda: librosa.pcen(x, **params))
    if y is not None:
        add(name, "pcen", pcen_text(params), params, "features_frames", x, y, note=note)


s40 = power_mel(40, 300)
add_pcen("pcen_default_40x300", s40)
add_pcen("pcen_default_float64_40x300", power_mel(40, 300, dtype=np.float64))
add_pcen("pcen_power0_40x300", s40, power=0.0)
add_pcen("pcen_bias0_40x300", s40, bias=0.0)
add_pcen("pcen_power0_bias0_40x300", s40, power=0.0, bias=0.0)  # power == 0 wins
add_pcen("pcen_b0025_40x300", s40, b=0.025)
add_pcen("pcen_b1_40x300", s40, b=1.0)  # no smoothing: M = S
add_pcen("pcen_b0_13x50", power_mel(13, 50), b=0.0)  # M stays at the initial state 1
add_pcen("pcen_16k_hop160_80x257", power_mel(80, 257), sr=16000, hop_length=160)
add_pcen("pcen_gain08_bias10_power025_40x300", s40, gain=0.8, bias=10.0, power=0.25)
add_pcen("pcen_tc006_eps1e-3_40x300", s40, time_constant=0.06, eps=1e-3)
add_pcen("pcen_gain0_power1_13x100", power_mel(13, 100), gain=0.0, power=1.0)
add_pcen("pcen_batch_2x40x300", power_mel(40, 300, batch=(2,)))
add_pcen("pcen_default_40x1000", power_mel(40, 1000))
add_pcen("pcen_default_1x257", power_mel(1, 257))
for n in (1, 2, 3):
    add_pcen(f"pcen_default_40x{n}", power_mel(40, n))
add_pcen("pcen_power0_float64_13x4", power_mel(13, 4, dtype=np.float64), power=0.0)
add_pcen(
    "pcen_scaled_2e31_40x300",
    (s40.astype(np.float64) * 2.0**31).astype(np.float32),
    note="S scaled by 2**31 as librosa's docstring recommends",
)

# return_zf: the filter state after the last frame
params = pcen_params()
y, zf = librosa.pcen(s40, return_zf=True, **params)
add(
    "pcen_return_zf_40x300",
    "pcen",
    pcen_text(params, ", return_zf=True"),
    dict(params, return_zf=True),
    "features_frames",
    s40,
    y,
    extra={"zf": zf},
    note="zf = (1 - b) * M[last frame], shape (features, 1), float64",
)
params = pcen_params(sr=16000, hop_length=160, gain=0.8, bias=10.0, power=0.25)
sb = power_mel(40, 120, batch=(2,), dtype=np.float64)
y, zf = librosa.pcen(sb, return_zf=True, **params)
add(
    "pcen_return_zf_batch_float64_2x40x120",
    "pcen",
    pcen_text(params, ", return_zf=True"),
    dict(params, return_zf=True),
    "features_frames",
    sb,
    y,
    extra={"zf": zf},
)

# chunked: the second part continues from the first part's zf
for name, x, split, over in [
    ("pcen_chunked_40x300", s40, 137, {}),
    ("pcen_chunked_power0_80x257", power_mel(80, 257), 1, {"power": 0.0}),
    ("pcen_chunked_float64_13x100", power_mel(13, 100, dtype=np.float64), 64, {"b": 0.025}),
]:
    params = pcen_params(**over)
    y1, zf1 = librosa.pcen(x[..., :split], return_zf=True, **params)
    y2, zf2 = librosa.pcen(x[..., split:], zi=zf1, return_zf=True, **params)
    whole, zf_whole = librosa.pcen(x, return_zf=True, **params)
    y = np.concatenate([y1, y2], axis=-1)
    assert np.allclose(y, whole, rtol=1e-12, atol=0) and np.allclose(zf2, zf_whole, rtol=1e-12)
    add(
        name,
        "pcen",
        f"{pcen_text(params, ', return_zf=True')} on S[..., :{split}], then the same call "
        f"with zi=zf on S[..., {split}:]",
        dict(params, split=split),
        "features_frames",
        x,
        y,
        extra={"zf": zf2, "zf_first": zf1, "y_whole": whole},
        note="y = concat(first part, second part with zi=zf of the first); y_whole = one call",
    )


# -- (d) torchaudio.functional.sliding_window_cmn ------------------------------------------
def add_cmn(name, x, cmn_window=600, min_cmn_window=100, center=False, norm_vars=False, note=None):
    params = dict(
        cmn_window=cmn_window, min_cmn_window=min_cmn_window, center=center, norm_vars=norm_vars
    )
    args = ", ".join(f"{k}={v!r}" for k, v in params.items())
    text = f"torchaudio.functional.sliding_window_cmn(x, {args})"

    def call(data):
        return F.sliding_window_cmn(torch.from_numpy(data), **params).numpy()

    y = attempt(name, text, lambda: call(x))
    if y is None:
        return
    y64 = call(x.astype(np.float64)) if x.dtype == np.float32 else None
    add(name, "cmvn", text, params, "frames_features", x, y, y64=y64, note=note)


def frames_first(x):
    """(..., features, frames) -> contiguous (..., frames, features)."""
    return np.ascontiguousarray(np.swapaxes(x, -1, -2))


CONST_NOTE = (
    "feature 1 is constant and the last is quiet: with norm_vars their variance is 0 or "
    "lost to float32 cancellation, so torchaudio gives inf/nan/huge values there"
)
c1000 = frames_first(logmel(13, 1000))
add_cmn("cmn_default_1000x13", c1000)
add_cmn("cmn_center_1000x13", c1000, center=True)
add_cmn("cmn_norm_vars_1000x13", c1000, norm_vars=True, note=CONST_NOTE)
add_cmn("cmn_center_norm_vars_1000x13", c1000, center=True, norm_vars=True, note=CONST_NOTE)
c1000b = frames_first(logmel(2, 1000))  # no constant or quiet row
add_cmn("cmn_norm_vars_1000x2", c1000b, norm_vars=True)
add_cmn("cmn_center_norm_vars_1000x2", c1000b, center=True, norm_vars=True)
c50 = frames_first(logmel(13, 50))
c50b = frames_first(logmel(2, 50))
for center in (False, True):
    for norm_vars in (False, True):
        tag = ("_center" if center else "") + ("_norm_vars" if norm_vars else "")
        add_cmn(
            f"cmn_w10_m3{tag}_50x13",
            c50,
            10,
            3,
            center,
            norm_vars,
            note=CONST_NOTE if norm_vars else None,
        )
        add_cmn(f"cmn_w10_m3{tag}_50x2", c50b, 10, 3, center, norm_vars)
add_cmn("cmn_w11_center_50x2", c50b, 11, 3, center=True)  # odd window
add_cmn("cmn_w5_m0_50x2", c50b, 5, 0)
add_cmn("cmn_w3_m30_20x2", frames_first(logmel(2, 20)), 3, 30)  # min > frames: window slides left
add_cmn("cmn_w3_m30_norm_vars_20x2", frames_first(logmel(2, 20)), 3, 30, norm_vars=True)
add_cmn("cmn_w10_m3_10x2", frames_first(logmel(2, 10)), 10, 3)  # exactly cmn_window frames
add_cmn("cmn_w10_m3_center_10x2", frames_first(logmel(2, 10)), 10, 3, center=True)
add_cmn("cmn_default_50x40", frames_first(logmel(40, 50)))  # fewer than min_cmn_window
add_cmn("cmn_default_norm_vars_50x2", frames_first(logmel(2, 50)), norm_vars=True)
add_cmn("cmn_default_300x40", frames_first(logmel(40, 300)))  # fewer than cmn_window
add_cmn("cmn_default_center_300x40", frames_first(logmel(40, 300)), center=True)
add_cmn("cmn_default_600x13", frames_first(logmel(13, 600)))  # exactly cmn_window
add_cmn("cmn_default_center_600x13", frames_first(logmel(13, 600)), center=True)
SQUEEZE_NOTE = "one frame, 2-D input: torchaudio squeezes the output to shape (features,)"
add_cmn("cmn_default_1x13", frames_first(logmel(13, 1)), note=SQUEEZE_NOTE)
# one frame with norm_vars: n == 1, so zeros
add_cmn(
    "cmn_default_norm_vars_1x13", frames_first(logmel(13, 1)), norm_vars=True, note=SQUEEZE_NOTE
)
add_cmn("cmn_default_batch_2x1x13", frames_first(logmel(13, 1, batch=(2,))))  # 3-D: no squeeze
add_cmn("cmn_w10_m3_norm_vars_2x2", frames_first(logmel(2, 2)), 10, 3, norm_vars=True)
add_cmn("cmn_default_257x1", frames_first(logmel(1, 257)))
add_cmn("cmn_w10_m3_batch_2x100x40", frames_first(logmel(40, 100, batch=(2,))), 10, 3)
add_cmn(
    "cmn_w10_m3_center_norm_vars_batch_2x3x50x2",
    frames_first(logmel(2, 50, batch=(2, 3))),
    10,
    3,
    center=True,
    norm_vars=True,
)
add_cmn("cmn_default_float64_1000x13", frames_first(logmel(13, 1000, dtype=np.float64)))

# -- write -------------------------------------------------------------------------------------
meta = {}
arrays = {}
for name, c in cases.items():
    meta[name] = {k: c[k] for k in ("fn", "kind", "params", "layout") if k in c}
    if "note" in c:
        meta[name]["note"] = c["note"]
    for key in ("x", "y", "y64", "zf", "zf_first", "y_whole"):
        if key in c:
            arrays[f"{name}/{key}"] = c[key]
np.savez_compressed(HERE / "frames_golden.npz", meta=np.array(json.dumps(meta, indent=1)), **arrays)
for name, text, message in raised:
    print(f"raised (not stored): {name}: {text}: {message}")
print(f"wrote {len(cases)} cases to {HERE / 'frames_golden.npz'}")
