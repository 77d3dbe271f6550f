"""Regenerate dropin_golden.npz and dropin_signatures.json for fastmel.torchaudio / fastmel.librosa.

    python tests/data/make_dropin_golden.py

Run in the reference venv (/work/refvenv, outside the repo): torch 2.13.0+cpu,
torchaudio 2.11.0 (its compiled lib/*.so deleted: transforms and functional used
here are pure Python over torch), librosa 0.11.0, scipy 1.17.1, numpy 2.4.6. torch
runs on one thread. The tests only read the two files; the run takes about 5 s.

The cases (about 300, plus about 45 recorded refusals) cover, per reference callable,
every option family a drop-in must honour: for torchaudio.transforms.MelSpectrogram
n_fft 400/401/512/1024/2048 with win_length < n_fft, hop_length (also > win_length),
f_min/f_max (None, a tone at f_max, at Nyquist), pad, n_mels 40/64/80/128, hann /
hamming / blackman windows with wkwargs, power 0.5/1/2, normalized True / "window" /
"frame_length", center False, every torch pad_mode, the ignored onesided, norm x
mel_scale, sample rates 11025/16000/22050/44100, float32 and float64 (.double()),
shapes (n,), (1, n), (2, n), (2, 3, n), odd lengths, silence and too-short inputs;
the same spirit for Spectrogram, MFCC, LFCC, AmplitudeToDB (2-D to 5-D), MelScale,
ComputeDeltas and the functionals; for librosa melspectrogram (y= and S=), mfcc,
delta, stack_memory, filters.mel, power_to_db, amplitude_to_db, db_to_power and pcen.
Each case name says what it varies (ta_* torchaudio, lr_* librosa).

dropin_golden.npz
-----------------
inputs/NAME    shared inputs (float32): 16, 22.05 and 44.1 kHz speech-like signals
               from golden_signals.py (their names say rate and shape), silence,
               tones, a stereo (2, n) and a (2, 3, n) signal, and non-audio arrays
               (feature matrices for delta/stack_memory, power spectrograms for
               MelScale/AmplitudeToDB/pcen).
NAME/x         a case's input when it is not a shared one (dtype as passed).
NAME/y         the reference's output as NumPy (torch via .numpy(); dtype kept).
NAME/zf        pcen's final filter state when return_zf=True.
NAME/<param>   an array-valued parameter (a window array, pcen zi or ref).
meta           JSON: case name -> {
                 "ref": "torchaudio" | "librosa",
                 "fn": dotted name (a transform class or a function),
                 "ctor": constructor kwargs (transforms only, else absent),
                 "module_dtype": "float64" when the module was .double()'d (else
                   absent: buffers float32, torch's default),
                 "params": call kwargs (for transforms {}),
                 "input_arg": the argument the input goes to (passed positionally
                   to a transform's forward / the torch functionals, by keyword to
                   librosa), or null for the bank/DCT makers that take no input,
                 "input": null (no input) or {"shared": "inputs/NAME"} or
                   {"stored": "NAME/x"}, plus
                   "dtype" and "shape" of what was passed (a shared input is cast
                   with np.asarray(a, dtype), an exact widening) and "made": how,
                 "tensor": whether the input was passed as a torch tensor,
                 "warns": [warning messages the call emitted] (may be empty)}
errors         JSON list of calls that raise: {"name", "ref", "fn", "ctor"?,
               "params", "input", "stage": "ctor" | "call", "error": "Type: message"}.
notes          JSON list of strings: behaviour observed but not stored as a case
               (complex outputs).

Tagged JSON for values JSON cannot hold (in meta, errors and the signatures):
  {"float": "inf" | "-inf" | "nan"}    a float
  {"dtype": "float32"}                 a NumPy dtype (np.float32 / np.dtype)
  {"callable": "torch.hann_window"}    a function or class by its public dotted
                                        name (also "numpy.max", "numpy.median")
  {"torch_dtype": "float64"}           a torch dtype (none is used so far)
  {"tuple": [...]}                     a tuple (librosa window ("kaiser", 8.0))
  {"array": "NAME/param"}              an array stored in the npz
  {"repr": "..."}                      anything else (signatures only)
Dict-valued kwargs (melkwargs, speckwargs, wkwargs) are plain JSON objects; their
keys are never one of these tag names.

dropin_signatures.json
----------------------
{"versions": {...}, "callables": {dotted name: {"ref", "type": "class" | "function",
 "params": [...]} (functions) or {"init": [...], "forward": [...]} (classes, self
dropped)}}, each parameter {"name", "kind": "positional-or-keyword" |
"keyword-only" | "var-positional" | "var-keyword" | "positional-only", "default"
(absent when required), "annotation" (text, absent when none)}, from
inspect.signature. InverseMelScale and librosa.core.stft are not included.

Facts read from the installed sources (and checked by running them)
-------------------------------------------------------------------
torchaudio/transforms/_transforms.py (2.11.0):
  Spectrogram(n_fft=400, win_length=None -> n_fft, hop_length=None -> win_length // 2
    (NOT n_fft // 2), pad=0, window_fn=torch.hann_window, power=2.0,
    normalized=False, wkwargs=None, center=True, pad_mode="reflect", onesided=True,
    return_complex=None (deprecated, warns)). The window is window_fn(win_length) or
    window_fn(win_length, **wkwargs), made in torch's default dtype float32 and kept
    as a buffer; a float64 input is transformed with that float32-rounded window
    upcast, and module.double() only casts the buffer, so it too keeps the
    float32-rounded window (checked: both match torch.stft with
    hann_window(400).double() exactly). The same holds for MelScale's fb and MFCC /
    LFCC's dct_mat / filter_mat under .double(): float32-computed, then widened.
    forward = functional.spectrogram.
  functional.spectrogram: pad > 0 first zero-pads both ends by pad
    (torch.nn.functional.pad "constant"), THEN torch.stft(center, pad_mode) pads
    n_fft // 2 per side with pad_mode. Leading dims are flattened to (-1, time) and
    restored. A win_length < n_fft window is zero-padded centred to n_fft (left
    (n_fft - win_length) // 2). normalized: True or "window" divides the complex
    STFT by sqrt(sum(window ** 2)) (so power 2 divides by sum(w ** 2)); "frame_length"
    is torch.stft(normalized=True): multiplies by n_fft ** -0.5 (n_fft, not
    win_length); any other string raises ValueError "Invalid normalized parameter",
    another type TypeError. power None returns the complex STFT; power == 1.0
    returns .abs(), otherwise .abs().pow(power). onesided=False gives n_fft rows.
    pad_mode: torch.stft accepts "reflect", "constant", "replicate", "circular"
    (others: NotImplementedError). reflect needs n_fft // 2 < length (RuntimeError
    "Padding size should be less than ..."); center=False needs length >= n_fft.
  MelScale(n_mels=128, sample_rate=16000, f_min=0.0, f_max=None ->
    float(sample_rate // 2), n_stft=201, norm=None, mel_scale="htk"): f_min > f_max
    raises ValueError "Require f_min: ... <= f_max: ..."; fb = melscale_fbanks(...)
    float32 buffer; forward (spec.transpose(-1, -2) @ fb).transpose(-1, -2), so a
    float64 spectrogram raises RuntimeError "expected m1 and m2 to have the same
    dtype" unless the module is .double()'d.
  MelSpectrogram(sample_rate=16000, n_fft=400, win_length=None, hop_length=None,
    f_min=0.0, f_max=None, pad=0, n_mels=128, window_fn=torch.hann_window,
    power=2.0, normalized=False, wkwargs=None, center=True, pad_mode="reflect",
    onesided=None, norm=None, mel_scale="htk"): Spectrogram(onesided=True) then
    MelScale(n_stft=n_fft // 2 + 1). onesided is deprecated: any non-None value
    warns and is ignored. normalized is passed on, so "window"/"frame_length" work.
    float64 input raises (float32 fb) unless .double(). The defaults (128 mels from
    201 bins at 16 kHz) leave empty HTK filters and warn "At least one mel
    filterbank has all zero values".
  sample_rate matters only through melscale_fbanks / linear_fbanks: bin
    frequencies torch.linspace(0, sample_rate // 2, n_freqs) (integer division:
    11025 Hz -> 5512; for odd n_fft these are not the FFT's bin frequencies) and
    the default f_max = float(sample_rate // 2).
  MFCC(sample_rate=16000, n_mfcc=40, dct_type=2, norm="ortho", log_mels=False,
    melkwargs=None): dct_type other than 2 raises ValueError "DCT type not
    supported"; n_mfcc > n_mels raises ValueError. log_mels: log(mel + 1e-6);
    else AmplitudeToDB("power", top_db=80.0) (fixed: amin 1e-10, ref 1, 10 log10).
    Then mel_db^T @ create_dct(n_mfcc, n_mels, norm). So top_db couples channels as
    amplitude_to_DB does (below): a (2, n) waveform gives a 3-D mel, ONE cutoff for
    both channels; (2, 3, n) gives a cutoff per leading index over its 3 channels
    (ta_mfcc_stereo_shared_topdb: channel 1 differs from MFCC of channel 1 alone by
    up to 30). LFCC likewise.
  LFCC(sample_rate=16000, n_filter=128, f_min=0.0, f_max=None -> float(sr // 2),
    n_lfcc=40, dct_type=2, norm="ortho", log_lf=False, speckwargs=None):
    Spectrogram(**speckwargs) (its power etc. apply), linear_fbanks(n_fft // 2 + 1,
    f_min, f_max, n_filter, sr), then log(x + 1e-6) or AmplitudeToDB("power", 80),
    then create_dct(n_lfcc, n_filter, norm). It only checks n_lfcc <= n_fft (ValueError
    "Cannot select more LFCC coefficients than # fft bins"); n_lfcc > n_filter is
    accepted (DCT rows beyond n_filter are just more cosines).
  AmplitudeToDB(stype="power", top_db=None): multiplier 10 if stype == "power" else
    20 (any other string, e.g. "magnitude" or "amplitude"); amin = 1e-10 for BOTH
    stypes (magnitude floor -200 dB, unlike librosa's -100); ref 1 so
    db_multiplier 0; top_db < 0 raises ValueError in the constructor.
  ComputeDeltas(win_length=5, mode="replicate") -> functional.compute_deltas.
  wkwargs go to window_fn as keywords: torch.hamming_window(400, alpha=0.5) raises
    TypeError (torch's overloads need periodic before alpha / beta); with
    {"periodic": True, "alpha": .., "beta": ..} it works.
  Defaults differ from librosa: torchaudio pads center frames with reflect (librosa:
    zeros), hop win_length // 2 (librosa melspectrogram: 512), HTK mel scale and no
    filter norm (librosa: Slaney scale and "slaney" norm), output float32 only.
torchaudio/functional/functional.py (2.11.0):
  amplitude_to_DB(x, multiplier, amin, db_multiplier, top_db=None):
    multiplier * log10(clamp(x, min=amin)) - multiplier * db_multiplier; if top_db:
    reshaped to (-1, C, F, T) with C = shape[-3] if ndim > 2 else 1, and clamped
    below at amax over the LAST THREE axes (per index of the flattened leading
    dims) minus top_db. So 2-D and 3-D inputs get one global cutoff, 4-D+ one per
    x[i, j, ...] leading index. A 1-D input with top_db raises IndexError (tuple
    index out of range); without top_db it works.
  create_dct(n_mfcc, n_mels, norm): (n_mels, n_mfcc) float32 matrix
    cos(pi / n_mels * (n + 0.5) * k); norm None multiplies by 2; "ortho" row k=0 by
    1/sqrt(2) then all by sqrt(2 / n_mels); another norm raises ValueError.
    n_mfcc > n_mels is allowed here.
  compute_deltas(specgram, win_length=5, mode="replicate"): N = (win_length - 1) //
    2 (an even win_length acts as win_length - 1), win_length < 3 raises
    ValueError; reshape (1, -1, T), F.pad(N, N, mode), conv1d with [-N..N], divide
    by N (N + 1) (2 N + 1) / 3. mode "constant" pads zeros; "reflect"/"circular" work.
  melscale_fbanks / linear_fbanks: see make_banks_golden.py.
librosa 0.11.0:
  feature.melspectrogram(*, y=None, sr=22050, S=None, n_fft=2048, hop_length=512
    (fixed, not win_length // 4 as stft's default), win_length=None, window="hann",
    center=True, pad_mode="constant" (zero padding, NOT reflect), power=2.0,
    **kwargs -> filters.mel(sr=sr, n_fft=n_fft, **kwargs): n_mels, fmin, fmax, htk,
    norm, dtype). All keyword-only. With S given, power is NOT applied (S used as
    is), y is ignored, and n_fft is replaced by 2 * (S.shape[-2] - 1) unless
    n_fft // 2 + 1 == S.shape[-2] (so an odd n_fft survives when it matches). Then
    einsum("...ft,mf->...mt", S, mel_basis). mel_basis is float32 by default:
    float32 y -> float32 output, float64 y -> float64 output; dtype=np.float64
    makes a float32 y's output float64.
  core.stft (as used): window = filters.get_window(window, win_length,
    fftbins=True) (a string / tuple / number -> scipy.signal.get_window periodic; a
    callable -> window(win_length); an array must have length win_length, else
    ParameterError "Window size mismatch"), zero-padded centred to n_fft (util.
    pad_center, left (n_fft - win_length) // 2). y must be a floating ndarray, >= 1-D
    and finite (ParameterError). center: pad n_fft // 2 per side with np.pad(mode=
    pad_mode); "wrap", "maximum", "mean", "median", "minimum" raise ParameterError;
    n_fft > len(y) only warns (np.pad reflect repeats the reflection for pads longer
    than the signal). center=False with n_fft > len(y) raises ParameterError.
    Frames are windowed in float64 (scipy's window is float64), rfft'd in float64
    and stored in complex64 for float32 y; but a float32 window ARRAY keeps float32
    frames, so that rfft runs in float32. |.| ** power (power 1: no pow).
  filters.mel(*, sr, n_fft, n_mels=128, fmin=0.0, fmax=None -> sr / 2, htk=False,
    norm="slaney", dtype=np.float32): bins np.fft.rfftfreq(n_fft, 1 / sr) (true
    bin frequencies, also for odd n_fft); edges mel_frequencies(n_mels + 2) in
    float64; triangles computed in float64, stored into the dtype array row by
    row; norm "slaney" multiplies (in dtype) by 2 / (f[i+2] - f[i]); another string
    raises ParameterError "Unsupported norm"; a number / None goes to
    util.normalize(weights, norm, axis=-1) (per filter: 1, 2, inf, -inf, 0 ...;
    rows with norm below tiny left as they are). Empty filters above f=0 warn
    "Empty filters detected in mel frequency basis".
  feature.mfcc(*, y=None, sr=22050, S=None, n_mfcc=20, dct_type=2, norm="ortho",
    lifter=0, mel_norm="slaney" (new in 0.11; the mel filter norm), **kwargs ->
    melspectrogram): S = power_to_db(melspectrogram(y=y, sr=sr, norm=mel_norm,
    **kwargs)) with power_to_db's defaults (ref 1.0, amin 1e-10, top_db 80 over
    the WHOLE array, so channels are coupled: lr_mfcc_stereo_shared_topdb's quiet
    channel differs from its lone MFCC by up to 125); a given S is used as is.
    scipy.fft.dct(S, axis=-2, type=dct_type, norm=norm)[..., :n_mfcc, :] (dct_type
    1, 2, 3; n_mfcc > n_mels silently returns n_mels rows). lifter > 0: M *= 1 +
    (lifter / 2) * sin(pi * arange(1, n_mfcc + 1) / lifter) (in M's dtype; fails
    with a broadcast ValueError when n_mfcc > n_mels); lifter < 0 raises.
  feature.delta(data, *, width=9, order=1, axis=-1, mode="interp", **kwargs):
    mode "interp" with width > data.shape[axis] raises (checked first); width < 3
    or even raises; order must be a positive int; then scipy.signal.savgol_filter(
    data, width, polyorder=order, deriv=order, axis=axis, mode=mode) (delta 1.0,
    cval 0). order 2 is the second derivative of a quadratic fit, not delta of
    delta; order >= width raises savgol's ValueError. Modes other than interp
    accept width > length. float32 stays float32.
  feature.stack_memory(data, *, n_steps=2, delay=1, **kwargs -> np.pad): n_steps < 1
    or delay == 0 raise; data = np.atleast_2d(data) (1-D -> (1, t)); zero columns
    raise. Pads (n_steps - 1) * |delay| frames at the start (delay > 0) or end
    (delay < 0) with np.pad(mode="constant", constant_values=0 by default; other
    np.pad modes e.g. "edge" and their kwargs pass through). Output (..., d *
    n_steps, t), dtype kept: block k (rows k*d .. (k+1)*d) is x[..., t - k * delay].
  power_to_db(S, *, ref=1.0, amin=1e-10, top_db=80.0): amin <= 0 raises; complex S
    warns and uses |S| (NOT |S| ** 2); ref callable -> ref(|S|) (np.max: global
    max over all channels), else |ref|; 10 log10(max(amin, S)) - 10 log10(max(amin,
    ref)); top_db < 0 raises; top_db clamps at log_spec.max() - top_db over the
    WHOLE array (not per channel). float32 stays float32. A scalar gives a NumPy
    scalar.
  amplitude_to_db(S, *, ref=1.0, amin=1e-5, top_db=80.0): complex warns; |S| ** 2
    then power_to_db(ref=ref_value ** 2, amin=amin ** 2, top_db) (the callable ref
    is applied to |S|, then squared).
  db_to_power(S_db, *, ref=1.0): ref * 10.0 ** (S_db * 0.1) (float32 stays float32).
  pcen(S, *, sr=22050, hop_length=512, gain=0.98, bias=2, power=0.5,
    time_constant=0.4, eps=1e-6, b=None, max_size=1, ref=None, axis=-1,
    max_axis=None, zi=None, return_zf=False):
    negative power/gain/bias, eps <= 0, time_constant <= 0, max_size not a positive
    int, b outside [0, 1] raise ParameterError. b None -> t = time_constant * sr /
    hop_length, b = (sqrt(1 + 4 t^2) - 1) / (2 t^2). complex S warns, |S|. ref None:
    S if max_size == 1; else 1-D raises; else needs max_axis unless S is 2-D
    (then max_axis = (1 - axis) % 2) and ref = scipy.ndimage.maximum_filter1d(S,
    max_size, axis=max_axis) (mode "reflect" = edge-symmetric, centred; size 3 =
    max of the row and its neighbours). zi None -> lfilter_zi([b], [1, b - 1]) =
    [1 - b] (float64, shape (1,) * ndim): the steady state of an input of 1, NOT
    scaled by S. M = lfilter([b], [1, b - 1], ref, zi=zi, axis=axis). smooth =
    exp(-gain * (log(eps) + log1p(M / eps))) = (eps + M) ** -gain. power == 0:
    log1p(S * smooth) (bias ignored); bias == 0: exp(power * (log S + log smooth))
    (= (S * smooth) ** power, log(0) warns); else bias ** power * expm1(power *
    log1p(S * smooth / bias)). Output float64 even for float32 S (the float64 zi
    promotes lfilter); zf has the shape of S with the time axis 1.
"""

import inspect
import json
import math
import pathlib
import time
import warnings

import librosa
import numpy as np
import scipy
import torch
import torchaudio
import torchaudio.compliance.kaldi as kaldi
import torchaudio.functional as F
import torchaudio.transforms as T
from golden_signals import signals  # tests/data is the script's folder

T0 = time.perf_counter()
torch.set_num_threads(1)
HERE = pathlib.Path(__file__).parent
rng = np.random.default_rng(20240611)

arrays = {}  # npz key -> array
meta = {}
errors = []
notes = []

# The reference callables whose signatures dropin_signatures.json holds, by public name.
SIGS = {
    "torchaudio": {
        **{f"torchaudio.transforms.{c}": getattr(T, c) for c in (
            "MelSpectrogram", "Spectrogram", "MFCC", "LFCC", "AmplitudeToDB", "MelScale",
            "ComputeDeltas")},
        **{f"torchaudio.functional.{f}": getattr(F, f) for f in (
            "melscale_fbanks", "linear_fbanks", "create_dct", "amplitude_to_DB",
            "compute_deltas", "spectrogram")},
        **{f"torchaudio.compliance.kaldi.{f}": getattr(kaldi, f) for f in (
            "fbank", "mfcc", "spectrogram")},
    },
    "librosa": {
        "librosa.feature.melspectrogram": librosa.feature.melspectrogram,
        "librosa.feature.mfcc": librosa.feature.mfcc,
        "librosa.feature.delta": librosa.feature.delta,
        "librosa.feature.stack_memory": librosa.feature.stack_memory,
        "librosa.filters.mel": librosa.filters.mel,
        "librosa.power_to_db": librosa.power_to_db,
        "librosa.amplitude_to_db": librosa.amplitude_to_db,
        "librosa.db_to_power": librosa.db_to_power,
        "librosa.pcen": librosa.pcen,
    },
}  # fmt: skip
PUBLIC = {id(obj): name for table in SIGS.values() for name, obj in table.items()}


# -- tagged JSON -----------------------------------------------------------------------
def dotted(obj):
    """A function or class's public dotted name (torch builtins as torch.NAME)."""
    if id(obj) in PUBLIC:
        return PUBLIC[id(obj)]
    name = getattr(obj, "__name__", None)
    for mod_name, mod in (("torch", torch), ("numpy", np)):
        if name and getattr(mod, name, None) is obj:
            return f"{mod_name}.{name}"
    module = getattr(obj, "__module__", None)
    return f"{module}.{getattr(obj, '__qualname__', name)}"


def enc(value, case=None, key=None):
    """value as tagged JSON (see the module docstring); arrays go to the npz under
    CASE/KEY."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return value if math.isfinite(value) else {"float": repr(value)}
    if isinstance(value, torch.dtype):
        return {"torch_dtype": str(value).removeprefix("torch.")}
    if isinstance(value, np.dtype) or (isinstance(value, type) and issubclass(value, np.generic)):
        return {"dtype": np.dtype(value).name}
    if isinstance(value, tuple):
        return {"tuple": [enc(v, case, key) for v in value]}
    if isinstance(value, list):
        return [enc(v, case, key) for v in value]
    if isinstance(value, dict):
        return {k: enc(v, case, k) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        assert case is not None, "array parameter outside a case"
        arrays[f"{case}/{key}"] = value
        return {"array": f"{case}/{key}"}
    if callable(value):
        return {"callable": dotted(value)}
    return {"repr": repr(value)}


# -- shared inputs ---------------------------------------------------------------------
def shared(name, a, made):
    arrays[f"inputs/{name}"] = np.ascontiguousarray(a)
    SHARED_MADE[name] = made


SHARED_MADE = {}
sp16, per16, mix16 = signals(rng, 16000)
sp22, _, _ = signals(rng, 22050)
sp44, _, _ = signals(rng, 44100)


def tone(n, f, sr, amp=0.5):
    return (amp * np.cos(2 * np.pi * f * np.arange(n) / sr)).astype(np.float32)


shared("s16_speech", sp16(8000), "speechy(8000) at 16 kHz (0.5 s)")
shared("s16_long", mix16(24000, 16000), "mixed(24000, speech=16000) at 16 kHz (1.5 s)")
shared("s16_odd", sp16(4001), "speechy(4001) at 16 kHz (odd length)")
shared("s16_stereo", np.stack([sp16(4000), 0.5 * per16(4000)]),
       "(2, 4000): speechy, 0.5 * periodic at 16 kHz")  # fmt: skip
shared("s16_2x3", np.stack([[sp16(1601, amp=0.1 * (1 + i + 3 * j)) for i in range(3)]
                            for j in range(2)]),
       "(2, 3, 1601): speechy with amplitudes 0.1 .. 0.6 at 16 kHz")  # fmt: skip
shared("s16_silence", np.zeros(3200, np.float32), "3200 zeros")
shared("s16_tone4k", tone(4000, 4000.0, 16000), "0.5 cos at 4000 Hz, 16 kHz, 4000 samples")
shared("s16_nyquist", tone(3200, 8000.0, 16000, 0.3), "0.3 cos at 8000 Hz (+-0.3), 16 kHz")
shared("s16_short", sp16(1201), "speechy(1201) at 16 kHz (75 ms)")
shared("s22_speech", sp22(11025, sr=22050), "speechy(11025) at 22.05 kHz (0.5 s)")
shared("s22_long", sp22(22050, sr=22050), "speechy(22050) at 22.05 kHz (1 s)")
shared("s22_odd", sp22(7777, sr=22050), "speechy(7777) at 22.05 kHz (odd length)")
shared("s22_stereo", np.stack([sp22(6000, sr=22050), 1e-3 * sp22(6000, sr=22050)]),
       "(2, 6000): speechy and 1e-3 * speechy at 22.05 kHz (60 dB apart)")  # fmt: skip
shared("s22_2x3", np.stack([[sp22(2001, amp=0.05 * (1 + i + 3 * j), sr=22050)
                             for i in range(3)] for j in range(2)]),
       "(2, 3, 2001): speechy amplitudes 0.05 .. 0.3 at 22.05 kHz")  # fmt: skip
shared("s22_silence", np.zeros(4096, np.float32), "4096 zeros")
shared("s22_tone", tone(5000, 8000.0, 22050), "0.5 cos at 8000 Hz, 22.05 kHz")
shared("s44_speech", sp44(13230, sr=44100), "speechy(13230) at 44.1 kHz (0.3 s)")


def power_spec(shape, lo=-12.0, hi=2.0):
    """Positive power-like values 10 ** U(lo, hi), float32."""
    return (10.0 ** rng.uniform(lo, hi, shape)).astype(np.float32)


def features(shape):
    """Log-mel-like features: a tilt per row, sinusoids and a random walk along time."""
    *lead, d, t = shape
    rows = np.linspace(0, -20, d)[:, None]
    tt = np.arange(t)[None, :]
    base = rows + 3 * np.sin(0.3 * tt + np.arange(d)[:, None])
    walk = np.cumsum(rng.standard_normal((*lead, d, t)), axis=-1)
    return (base + walk).astype(np.float32)


shared("spec201", power_spec((201, 12)), "10 ** U(-12, 2), (201 bins, 12 frames)")
shared("spec257_3d", power_spec((2, 257, 9)), "10 ** U(-12, 2), (2, 257, 9)")
shared("spec513", power_spec((513, 8)), "10 ** U(-12, 2), (513, 8)")
shared("feat", features((20, 30)), "log-mel-like features (20, 30)")
shared("feat3", features((2, 6, 17)), "log-mel-like features (2, 6, 17)")
shared("feat_short", features((8, 5)), "log-mel-like features (8, 5)")

# PCEN input: a librosa mel magnitude spectrogram (sr 22050, hop 512) scaled by 2 ** 31.
_pcen_S = librosa.feature.melspectrogram(
    y=arrays["inputs/s22_long"][:15360], sr=22050, power=1.0, n_mels=40
) * np.float32(2**31)
_pcen_S[5, :] = 0.0  # an exactly silent band (log(0) in the bias=0 branch)
shared("pcen_S", _pcen_S,
       "melspectrogram(y=s22_long[:15360], power=1, n_mels=40) * 2 ** 31 (40, 31), "
       "row 5 zeroed")  # fmt: skip
shared("pcen_S3", np.stack([_pcen_S[:, :15], 0.01 * _pcen_S[:, 15:30]]),
       "(2, 40, 15): pcen_S[:, :15] and 0.01 * pcen_S[:, 15:30]")  # fmt: skip


# -- running one case ------------------------------------------------------------------
def describe(name, x, src):
    """The "input" entry; x stored under NAME/x unless it comes from a shared input."""
    if x is None:
        return None
    if src is not None:
        return {"shared": f"inputs/{src}", "dtype": x.dtype.name, "shape": list(x.shape),
                "made": SHARED_MADE[src]}  # fmt: skip
    arrays[f"{name}/x"] = x
    return {"stored": f"{name}/x", "dtype": x.dtype.name, "shape": list(x.shape)}


def case(name, ref, fn, x=None, *, src=None, dtype=None, ctor=None, params=None,
         input_arg=None, double=False, made=None):  # fmt: skip
    """Run one reference call; store x / y / zf and meta, or the error.

    src names a shared input (cast to dtype); otherwise x is stored. For torchaudio
    classes ctor is the constructor's kwargs and the input goes to forward."""
    assert name not in meta and all(e["name"] != name for e in errors), name
    params = dict(params or {})
    if src is not None:
        x = np.asarray(arrays[f"inputs/{src}"], dtype=dtype)
    elif x is not None and dtype is not None:
        x = np.asarray(x, dtype=dtype)
    is_class = isinstance(fn, type)
    entry = {"ref": ref, "fn": dotted(fn)}
    if is_class:
        entry["ctor"] = enc(ctor or {}, name)
        if double:
            entry["module_dtype"] = "float64"
    stage = "ctor"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            if is_class:
                module = fn(**(ctor or {}))
                if double:
                    module = module.double()
            stage = "call"
            if ref == "torchaudio":
                args = () if x is None else (torch.from_numpy(np.array(x)),)
                y = module(*args) if is_class else fn(*args, **params)
            else:
                kw = dict(params)
                if x is not None:
                    kw[input_arg] = np.array(x)
                y = fn(**kw)
        except Exception as exc:  # the reference's own refusal
            err = {"name": name, "ref": ref, "fn": entry["fn"]}
            if is_class:
                err["ctor"] = entry["ctor"]
            err.update(params=enc(params, name), stage=stage,
                       input=describe_error(x, src, made),
                       error=f"{type(exc).__name__}: {exc}")  # fmt: skip
            errors.append(err)
            return None
    warns = sorted({str(w.message) for w in caught})
    params_json = enc(params, name)
    zf = None
    if isinstance(y, tuple):
        y, zf = y
    y = y.detach().numpy() if isinstance(y, torch.Tensor) else np.asarray(y)
    arrays[f"{name}/y"] = y
    if zf is not None:
        arrays[f"{name}/zf"] = np.asarray(zf)
    inp = describe(name, x, src)
    if inp is not None and made:
        inp["made"] = made
    if is_class and x is not None:  # forward's input: waveform, specgram or x
        input_arg = list(inspect.signature(fn.forward).parameters)[1]
    entry.update(params=params_json, input_arg=input_arg if x is not None else None,
                 input=inp, tensor=ref == "torchaudio" and x is not None, warns=warns)  # fmt: skip
    meta[name] = entry
    return y


def describe_error(x, src, made):
    if x is None:
        return None
    d = {"dtype": x.dtype.name, "shape": list(x.shape)}
    if src is not None:
        d["shared"] = f"inputs/{src}"
    if made:
        d["made"] = made
    return d


def note(text):
    notes.append(text)


# == torchaudio.transforms.MelSpectrogram ==============================================
MS = T.MelSpectrogram


def ms(name, src, dtype=None, double=False, **ctor):
    case(f"ta_melspec_{name}", "torchaudio", MS, src=src, dtype=dtype, ctor=ctor,
         double=double)  # fmt: skip


ms("default", "s16_speech")
ms("long_default", "s16_long", n_mels=80)
ms("nfft512_win400_hop160_m80", "s16_speech", n_fft=512, win_length=400, hop_length=160,
   n_mels=80)  # fmt: skip
ms("nfft1024_win800_hop256_22k", "s22_speech", sample_rate=22050, n_fft=1024, win_length=800,
   hop_length=256)  # fmt: skip
ms("nfft400_win320_hop100_m40", "s16_speech", n_fft=400, win_length=320, hop_length=100,
   n_mels=40)  # fmt: skip
ms("nfft512_win300_default_hop", "s16_speech", n_fft=512, win_length=300, n_mels=64)
ms("hop128", "s16_speech", hop_length=128, n_mels=64)
ms("hop_gt_win", "s16_speech", n_fft=400, hop_length=500, n_mels=40)
ms("fmin20_fmax7600_m64", "s16_speech", f_min=20.0, f_max=7600.0, n_mels=64)
ms("fmin300_fmax_none_22k", "s22_speech", sample_rate=22050, f_min=300.0, f_max=None,
   n_fft=1024, n_mels=64)  # fmt: skip
ms("tone_at_fmax4000", "s16_tone4k", f_max=4000.0, n_fft=512, n_mels=40)
ms("nyquist_tone", "s16_nyquist", n_fft=512, n_mels=40)
ms("pad50", "s16_speech", pad=50, n_mels=40)
ms("pad300_nocenter", "s16_short", pad=300, center=False, n_mels=40)
for m in (40, 64, 128):
    ms(f"nfft512_m{m}_slaney", "s16_speech", n_fft=512, hop_length=160, n_mels=m,
       norm="slaney", mel_scale="slaney")  # fmt: skip
ms("hamming", "s16_speech", window_fn=torch.hamming_window, n_mels=64)
ms("hann_symmetric", "s16_speech", wkwargs={"periodic": False}, n_mels=64)
ms("hamming_symmetric_win300", "s16_speech", window_fn=torch.hamming_window,
   wkwargs={"periodic": False}, n_fft=512, win_length=300, n_mels=64)  # fmt: skip
ms("hamming_alpha_beta", "s16_speech", window_fn=torch.hamming_window,
   wkwargs={"periodic": True, "alpha": 0.5, "beta": 0.5}, n_mels=40)  # fmt: skip
ms("hamming_alpha_only", "s16_speech", window_fn=torch.hamming_window,
   wkwargs={"alpha": 0.5}, n_mels=40)  # fmt: skip  # raises (torch needs periodic first)
ms("blackman", "s16_speech", window_fn=torch.blackman_window, n_mels=40)
ms("power1", "s16_speech", power=1.0, n_mels=64)
ms("power0.5", "s16_speech", power=0.5, n_mels=40)
ms("normalized_true", "s16_speech", normalized=True, n_fft=512, win_length=300, n_mels=64)
ms("normalized_window", "s16_speech", normalized="window", n_fft=512, win_length=300,
   n_mels=40)  # fmt: skip
ms("normalized_frame_length", "s16_speech", normalized="frame_length", n_fft=512,
   win_length=300, n_mels=40, power=1.0)  # fmt: skip
ms("center_false", "s16_speech", center=False, n_mels=64)
ms("center_false_odd", "s16_odd", center=False, n_fft=512, hop_length=160, n_mels=40)
for pm in ("constant", "replicate", "circular"):
    ms(f"pad_mode_{pm}", "s16_short", pad_mode=pm, n_mels=40)
ms("pad_mode_reflect_short", "s16_short", n_fft=2048, hop_length=512, n_mels=40)
ms("onesided_true", "s16_speech", onesided=True, n_mels=40)
ms("onesided_false", "s16_speech", onesided=False, n_mels=40)
ms("norm_slaney_htk", "s16_speech", norm="slaney", n_mels=64)
ms("norm_none_scale_slaney", "s16_speech", mel_scale="slaney", n_mels=64)
ms("norm_slaney_scale_slaney_22k", "s22_speech", sample_rate=22050, n_fft=2048,
   hop_length=512, norm="slaney", mel_scale="slaney")  # fmt: skip
ms("float64_double", "s16_speech", dtype="float64", double=True, n_mels=64)
ms("float64_double_slaney", "s16_odd", dtype="float64", double=True, n_fft=512,
   hop_length=128, n_mels=80, norm="slaney", mel_scale="slaney")  # fmt: skip
ms("float64_no_double", "s16_speech", dtype="float64", n_mels=64)  # raises
ms("stereo", "s16_stereo", n_mels=64)
ms("batch_2x3", "s16_2x3", n_fft=512, hop_length=160, n_mels=40)
ms("odd_length", "s16_odd", n_mels=64)
ms("silence", "s16_silence", n_mels=40)
ms("sr44100_nfft2048", "s44_speech", sample_rate=44100, n_fft=2048, hop_length=512)
ms("sr22050_defaults", "s22_speech", sample_rate=22050)
ms("odd_nfft401", "s16_speech", n_fft=401, hop_length=160, n_mels=40)
ms("sr11025_fmax_default", "s16_speech", sample_rate=11025, n_fft=256, hop_length=128,
   n_mels=40, norm="slaney", mel_scale="slaney")  # fmt: skip
case("ta_melspec_row_vector", "torchaudio", MS, arrays["inputs/s16_odd"][None, :],
     ctor={"n_mels": 40}, made="s16_odd[None, :] (1, 4001)")  # fmt: skip
case("ta_melspec_too_short_reflect", "torchaudio", MS, sp16(150), ctor={"n_mels": 40},
     made="speechy(150)")  # fmt: skip
case("ta_melspec_too_short_constant", "torchaudio", MS, sp16(150),
     ctor={"n_mels": 40, "pad_mode": "constant"}, made="speechy(150)")  # fmt: skip
ms("fmin_above_fmax", "s16_speech", f_min=5000.0, f_max=4000.0)  # raises
ms("win_gt_nfft", "s16_speech", n_fft=256, win_length=400)  # raises
ms("pad_mode_symmetric", "s16_speech", pad_mode="symmetric")  # raises
ms("center_false_too_short", "s16_short", center=False, n_fft=2048)  # raises


# == torchaudio.transforms.Spectrogram =================================================
def sp(name, src, dtype=None, double=False, **ctor):
    case(f"ta_spec_{name}", "torchaudio", T.Spectrogram, src=src, dtype=dtype, ctor=ctor,
         double=double)  # fmt: skip


sp("default", "s16_speech")
sp("power1", "s16_short", power=1.0)
sp("power1.5", "s16_short", power=1.5)
sp("normalized_true_win300", "s16_short", n_fft=512, win_length=300, normalized=True)
sp("normalized_window_power1", "s16_short", n_fft=512, win_length=300, normalized="window",
   power=1.0)  # fmt: skip
sp("normalized_frame_length", "s16_short", n_fft=512, win_length=300,
   normalized="frame_length")  # fmt: skip
sp("center_false", "s16_odd", center=False, hop_length=320)
sp("pad100", "s16_short", pad=100)
sp("pad100_center_false", "s16_short", pad=100, center=False)
sp("pad_mode_constant", "s16_short", pad_mode="constant")
sp("pad_mode_replicate", "s16_short", pad_mode="replicate", n_fft=256)
sp("win256_nfft512", "s16_short", n_fft=512, win_length=256, hop_length=128)
sp("hamming", "s16_short", window_fn=torch.hamming_window)
sp("hann_symmetric", "s16_short", wkwargs={"periodic": False})
sp("onesided_false", "s16_short", onesided=False, n_fft=128, hop_length=64)
sp("float64", "s16_short", dtype="float64")
sp("float64_double", "s16_short", dtype="float64", double=True)
sp("batch_2x3", "s16_2x3", n_fft=256, hop_length=256)
sp("silence", "s16_silence", n_fft=256)
sp("normalized_bad", "s16_short", normalized="energy")  # raises
_c = T.Spectrogram(power=None)(torch.from_numpy(arrays["inputs/s16_short"]))
note(f"torchaudio.transforms.Spectrogram(power=None) returns the complex STFT ({_c.dtype}, "
     f"shape {tuple(_c.shape)} for 1201 samples); fastmel refuses power=None.")  # fmt: skip
with warnings.catch_warnings(record=True) as _w:
    warnings.simplefilter("always")
    T.Spectrogram(return_complex=True)
note("Spectrogram(return_complex=...) warns: " + "; ".join(str(w.message) for w in _w))


# == torchaudio.transforms.MFCC =========================================================
def mf(name, src, dtype=None, double=False, **ctor):
    case(f"ta_mfcc_{name}", "torchaudio", T.MFCC, src=src, dtype=dtype, ctor=ctor,
         double=double)  # fmt: skip


mf("default", "s16_speech")
mf("n13_kaldi_like", "s16_speech", n_mfcc=13,
   melkwargs={"n_fft": 400, "hop_length": 160, "n_mels": 23, "center": False})  # fmt: skip
mf("norm_none", "s16_speech", n_mfcc=20, norm=None, melkwargs={"n_mels": 40})
mf("log_mels", "s16_speech", n_mfcc=20, log_mels=True, melkwargs={"n_mels": 40})
mf("log_mels_silence", "s16_silence", n_mfcc=13, log_mels=True, melkwargs={"n_mels": 40})
mf("slaney_m64", "s16_speech", n_mfcc=30,
   melkwargs={"n_fft": 512, "hop_length": 128, "n_mels": 64, "norm": "slaney",
              "mel_scale": "slaney", "f_min": 20.0, "f_max": 7600.0})  # fmt: skip
mf("sr22050_power1", "s22_speech", sample_rate=22050, n_mfcc=20,
   melkwargs={"n_fft": 1024, "hop_length": 256, "n_mels": 64, "power": 1.0})  # fmt: skip
mf("stereo_shared_topdb", "s16_stereo", n_mfcc=20, melkwargs={"n_mels": 40})
mf("batch_2x3_topdb", "s16_2x3", n_mfcc=13, melkwargs={"n_mels": 40, "hop_length": 160})
mf("silence", "s16_silence", n_mfcc=13, melkwargs={"n_mels": 40})
mf("n_mfcc_eq_n_mels", "s16_short", n_mfcc=40, melkwargs={"n_mels": 40})
mf("float64_double", "s16_short", dtype="float64", double=True, n_mfcc=13,
   melkwargs={"n_mels": 40})  # fmt: skip
mf("n_mfcc_gt_n_mels", "s16_speech", n_mfcc=41, melkwargs={"n_mels": 40})  # raises
mf("dct_type3", "s16_speech", dct_type=3)  # raises
mf("float64_no_double", "s16_short", dtype="float64", n_mfcc=13)  # raises


# == torchaudio.transforms.LFCC =========================================================
def lf(name, src, dtype=None, double=False, **ctor):
    case(f"ta_lfcc_{name}", "torchaudio", T.LFCC, src=src, dtype=dtype, ctor=ctor,
         double=double)  # fmt: skip


lf("default", "s16_speech")
lf("f40_n20_fmin100_fmax6000", "s16_speech", n_filter=40, n_lfcc=20, f_min=100.0,
   f_max=6000.0)  # fmt: skip
lf("log_lf", "s16_speech", n_filter=64, n_lfcc=20, log_lf=True)
lf("speckwargs_center_false", "s16_speech", n_filter=40, n_lfcc=13,
   speckwargs={"n_fft": 512, "hop_length": 160, "center": False})  # fmt: skip
lf("speckwargs_power1_win400", "s16_speech", n_filter=40, n_lfcc=13,
   speckwargs={"n_fft": 512, "win_length": 400, "hop_length": 160, "power": 1.0})  # fmt: skip
lf("norm_none", "s16_short", n_filter=40, n_lfcc=13, norm=None)
lf("n_lfcc_gt_n_filter", "s16_short", n_filter=40, n_lfcc=60)
lf("stereo", "s16_stereo", n_filter=40, n_lfcc=20)
lf("sr22050", "s22_speech", sample_rate=22050, n_filter=50, n_lfcc=20,
   speckwargs={"n_fft": 1024, "hop_length": 256})  # fmt: skip
lf("n_lfcc_gt_n_fft", "s16_short", n_lfcc=401)  # raises
lf("dct_type1", "s16_short", dct_type=1)  # raises


# == torchaudio.transforms.AmplitudeToDB and functional.amplitude_to_DB ================
P2 = power_spec((20, 15))
P3 = power_spec((3, 20, 15))
P3[1] *= 1e-6  # one channel far quieter: a global (2-D/3-D) cutoff vs per channel
P4 = power_spec((2, 3, 20, 15))
P4[1] *= 1e-7  # batch item 1 far quieter: 4-D gives it its own cutoff
P5 = power_spec((2, 2, 2, 10, 8))
P5[0, 1] *= 1e-8
P1 = power_spec((50,))
shared("p2", P2, "10 ** U(-12, 2), (20, 15)")
shared("p3", P3, "10 ** U(-12, 2), (3, 20, 15), channel 1 times 1e-6")
shared("p4", P4, "10 ** U(-12, 2), (2, 3, 20, 15), item 1 times 1e-7")
shared("p5", P5, "10 ** U(-12, 2), (2, 2, 2, 10, 8), [0, 1] times 1e-8")
shared("p1", P1, "10 ** U(-12, 2), (50,)")


def a2db(name, src, dtype=None, **ctor):
    case(f"ta_a2db_{name}", "torchaudio", T.AmplitudeToDB, src=src, dtype=dtype, ctor=ctor)


a2db("power_2d", "p2")
a2db("power_top80_2d", "p2", top_db=80.0)
a2db("power_top80_3d", "p3", top_db=80.0)
a2db("power_top80_4d", "p4", top_db=80.0)
a2db("power_top40_5d", "p5", top_db=40.0)
a2db("magnitude_3d", "p3", stype="magnitude")
a2db("magnitude_top80_4d", "p4", stype="magnitude", top_db=80.0)
a2db("amplitude_top60_3d", "p3", stype="amplitude", top_db=60.0)
a2db("power_top0_2d", "p2", top_db=0.0)
a2db("power_1d", "p1")
a2db("power_float64_top80_3d", "p3", dtype="float64", top_db=80.0)
a2db("power_top80_1d", "p1", top_db=80.0)  # raises
a2db("negative_top_db", "p2", top_db=-1.0)  # raises

for name, src, params in [
    ("power_2d", "p2", dict(multiplier=10.0, amin=1e-10, db_multiplier=0.0)),
    ("amp_ref_half_top80_3d", "p3",
     dict(multiplier=20.0, amin=1e-5, db_multiplier=math.log10(0.5), top_db=80.0)),
    ("power_dbmul1_top60_4d", "p4",
     dict(multiplier=10.0, amin=1e-10, db_multiplier=1.0, top_db=60.0)),
    ("power_1d", "p1", dict(multiplier=10.0, amin=1e-8, db_multiplier=0.0)),
]:  # fmt: skip
    case(f"ta_f_amplitude_to_DB_{name}", "torchaudio", F.amplitude_to_DB, src=src,
         params=params, input_arg="x")  # fmt: skip


# == torchaudio.transforms.MelScale ======================================================
def mscale(name, src, dtype=None, double=False, **ctor):
    case(f"ta_melscale_{name}", "torchaudio", T.MelScale, src=src, dtype=dtype, ctor=ctor,
         double=double)  # fmt: skip


mscale("default", "spec201")
mscale("n40_fmin50_fmax7000_slaney", "spec257_3d", n_stft=257, n_mels=40, f_min=50.0,
       f_max=7000.0, norm="slaney", mel_scale="slaney")  # fmt: skip
mscale("sr22050_fmax_none", "spec513", sample_rate=22050, n_stft=513, n_mels=64)
mscale("float64_double", "spec201", dtype="float64", double=True, n_mels=40)
mscale("float64_no_double", "spec201", dtype="float64", n_mels=40)  # raises
mscale("wrong_n_stft", "spec201", n_stft=257, n_mels=40)  # raises


# == torchaudio.transforms.ComputeDeltas and functional.compute_deltas =================
for w in (3, 5, 7):
    case(f"ta_deltas_win{w}", "torchaudio", T.ComputeDeltas, src="feat",
         ctor={"win_length": w, "mode": "replicate"})  # fmt: skip
case("ta_deltas_default_3d", "torchaudio", T.ComputeDeltas, src="feat3")
case("ta_deltas_win4_even", "torchaudio", T.ComputeDeltas, src="feat", ctor={"win_length": 4})
case("ta_deltas_win9_short", "torchaudio", T.ComputeDeltas, src="feat_short",
     ctor={"win_length": 9})  # fmt: skip
case("ta_deltas_1d", "torchaudio", T.ComputeDeltas, arrays["inputs/feat"][3].copy(),
     made="feat[3] (30,)")  # fmt: skip
case("ta_deltas_float64", "torchaudio", T.ComputeDeltas, src="feat", dtype="float64")
case("ta_deltas_win2", "torchaudio", T.ComputeDeltas, src="feat", ctor={"win_length": 2})
for name, src, params in [
    ("default", "feat", {}),
    ("win9_constant", "feat", {"win_length": 9, "mode": "constant"}),
    ("win5_reflect_3d", "feat3", {"win_length": 5, "mode": "reflect"}),
    ("win3_circular", "feat", {"win_length": 3, "mode": "circular"}),
]:
    case(f"ta_f_compute_deltas_{name}", "torchaudio", F.compute_deltas, src=src,
         params=params, input_arg="specgram")  # fmt: skip


# == torchaudio.functional: melscale_fbanks, linear_fbanks, create_dct ==================
for name, params in [
    ("htk_201_40", dict(n_freqs=201, f_min=0.0, f_max=8000.0, n_mels=40, sample_rate=16000)),
    ("slaney_slaney_257_64", dict(n_freqs=257, f_min=20.0, f_max=7600.0, n_mels=64,
                                  sample_rate=16000, norm="slaney", mel_scale="slaney")),
    ("htk_slaneynorm_513_128", dict(n_freqs=513, f_min=0.0, f_max=11025.0, n_mels=128,
                                    sample_rate=22050, norm="slaney")),
    ("sr11025_129_20", dict(n_freqs=129, f_min=0.0, f_max=5512.5, n_mels=20,
                            sample_rate=11025, mel_scale="slaney")),
    ("empty_htk_201_128", dict(n_freqs=201, f_min=0.0, f_max=8000.0, n_mels=128,
                               sample_rate=16000)),
    ("bad_norm", dict(n_freqs=201, f_min=0.0, f_max=8000.0, n_mels=40, sample_rate=16000,
                      norm="area")),
    ("bad_scale", dict(n_freqs=201, f_min=0.0, f_max=8000.0, n_mels=40, sample_rate=16000,
                       mel_scale="kaldi")),
]:  # fmt: skip
    case(f"ta_f_melscale_fbanks_{name}", "torchaudio", F.melscale_fbanks, params=params)
for name, params in [
    ("201_40", dict(n_freqs=201, f_min=0.0, f_max=8000.0, n_filter=40, sample_rate=16000)),
    ("257_128", dict(n_freqs=257, f_min=0.0, f_max=8000.0, n_filter=128, sample_rate=16000)),
    ("513_20_fmin100", dict(n_freqs=513, f_min=100.0, f_max=9000.0, n_filter=20,
                            sample_rate=22050)),
]:  # fmt: skip
    case(f"ta_f_linear_fbanks_{name}", "torchaudio", F.linear_fbanks, params=params)
for n_mfcc, n_mels, norm in [(13, 40, "ortho"), (40, 128, None), (20, 20, "ortho"),
                             (30, 20, None), (1, 8, "ortho"), (13, 23, None)]:  # fmt: skip
    case(f"ta_f_create_dct_{n_mfcc}_{n_mels}_{norm}", "torchaudio", F.create_dct,
         params=dict(n_mfcc=n_mfcc, n_mels=n_mels, norm=norm))  # fmt: skip
case("ta_f_create_dct_bad_norm", "torchaudio", F.create_dct,
     params=dict(n_mfcc=13, n_mels=40, norm="backward"))  # fmt: skip


# == librosa.feature.melspectrogram =====================================================
LMS = librosa.feature.melspectrogram


def lms(name, src, dtype=None, input_arg="y", **params):
    case(f"lr_melspec_{name}", "librosa", LMS, src=src, dtype=dtype, params=params,
         input_arg=input_arg)  # fmt: skip


lms("default", "s22_speech")
lms("long_default", "s22_long", n_mels=64)
lms("nfft512_hop128", "s22_speech", n_fft=512, hop_length=128, n_mels=64)
lms("nfft512_hop256_win400", "s22_speech", n_fft=512, hop_length=256, win_length=400,
    n_mels=64)  # fmt: skip
lms("hop100", "s22_speech", n_fft=1024, hop_length=100, n_mels=40)
lms("window_hamming", "s22_speech", window="hamming", n_mels=64)
lms("window_kaiser8", "s22_speech", window=("kaiser", 8.0), n_mels=64)
lms("window_blackman_win1000", "s22_speech", window="blackman", win_length=1000, n_mels=40)
_win = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(400) / 400)) ** 0.75
lms("window_array_win400", "s22_speech", n_fft=512, win_length=400, hop_length=160,
    window=_win, n_mels=40)  # fmt: skip
lms("window_array_f32", "s22_odd", n_fft=512, hop_length=160,
    window=np.hamming(512).astype(np.float32), n_mels=40)  # fmt: skip
lms("center_false", "s22_speech", center=False, n_mels=64)
lms("pad_reflect", "s22_speech", pad_mode="reflect", n_mels=64)
lms("pad_edge", "s22_odd", pad_mode="edge", n_fft=1024, hop_length=256, n_mels=40)
lms("pad_symmetric", "s22_odd", pad_mode="symmetric", n_fft=1024, hop_length=256, n_mels=40)
lms("power1", "s22_speech", power=1.0, n_mels=64)
lms("power1.5", "s22_odd", power=1.5, n_mels=40)
for m in (40, 64, 256):
    lms(f"nfft1024_m{m}", "s22_speech", n_fft=1024, hop_length=256, n_mels=m)
lms("fmin50_fmax8000", "s22_speech", fmin=50.0, fmax=8000.0, n_mels=64)
lms("fmax_above_nyquist", "s22_speech", fmax=15000.0, n_mels=64)
lms("tone_at_fmax", "s22_tone", fmax=8000.0, n_mels=40, n_fft=1024, hop_length=256)
lms("htk", "s22_speech", htk=True, n_mels=64)
lms("htk_norm_none", "s22_speech", htk=True, norm=None, n_mels=64)
lms("norm_none", "s22_speech", norm=None, n_mels=64)
lms("norm_1", "s22_speech", norm=1, n_mels=64)
lms("norm_2", "s22_odd", norm=2, n_mels=40)
lms("norm_inf", "s22_speech", norm=np.inf, n_mels=64)
lms("mel_dtype_float64", "s22_speech", dtype=np.float64, n_mels=40)
lms("stereo", "s22_stereo", n_mels=64)
lms("batch_2x3", "s22_2x3", n_fft=1024, hop_length=256, n_mels=40)
lms("float64", "s22_speech", dtype="float64", n_mels=64)
lms("float64_htk_nfft512", "s22_odd", dtype="float64", n_fft=512, hop_length=128, htk=True,
    n_mels=40)  # fmt: skip
lms("odd_length", "s22_odd", n_mels=64)
lms("silence", "s22_silence", n_mels=64)
lms("short_constant", "s16_short", n_fft=2048, n_mels=40)  # n_fft > len: warns
lms("short_reflect", "s16_short", n_fft=4096, hop_length=512, pad_mode="reflect", n_mels=40)
lms("sr16000_nfft400_hop160", "s16_speech", sr=16000, n_fft=400, hop_length=160, n_mels=80)
lms("sr44100", "s44_speech", sr=44100, n_fft=2048, hop_length=512)
shared("S512", np.abs(librosa.stft(arrays["inputs/s22_odd"][:4000], n_fft=512,
                                   hop_length=256)) ** 2,
       "|stft(s22_odd[:4000], n_fft=512, hop_length=256)| ** 2 (257, 16) float32")  # fmt: skip
shared("S511", np.abs(librosa.stft(arrays["inputs/s22_odd"][:3000], n_fft=511,
                                   hop_length=256)) ** 2,
       "|stft(s22_odd[:3000], n_fft=511, hop_length=256)| ** 2 (256, 12) float32")  # fmt: skip
case("lr_melspec_S_nfft512", "librosa", LMS, src="S512", params={"sr": 22050, "n_mels": 40},
     input_arg="S")  # fmt: skip
case("lr_melspec_S_power_ignored", "librosa", LMS, src="S512",
     params={"sr": 22050, "n_mels": 40, "power": 1.0, "n_fft": 2048}, input_arg="S")  # fmt: skip
case("lr_melspec_S_odd_nfft511", "librosa", LMS, src="S511",
     params={"sr": 22050, "n_mels": 40, "n_fft": 511}, input_arg="S")  # fmt: skip
case("lr_melspec_S_odd_nfft_default", "librosa", LMS, src="S511",
     params={"sr": 22050, "n_mels": 40}, input_arg="S")  # fmt: skip
case("lr_melspec_S_stereo_f64", "librosa", LMS,
     np.abs(librosa.stft(arrays["inputs/s22_stereo"][:, :2000].astype(np.float64), n_fft=256,
                         hop_length=128)),
     params={"sr": 22050, "n_mels": 20, "fmax": 8000.0}, input_arg="S",
     made="|stft(s22_stereo[:, :2000] as float64, n_fft=256, hop_length=128)|")  # fmt: skip
lms("pad_wrap", "s22_speech", pad_mode="wrap")  # raises
lms("center_false_too_short", "s16_short", center=False)  # raises
lms("window_array_wrong_length", "s22_speech", n_fft=512, window=np.hanning(400))  # raises
lms("norm_bad", "s22_speech", norm="area")  # raises
case("lr_melspec_int16", "librosa", LMS, (arrays["inputs/s22_odd"] * 3e4).astype(np.int16),
     input_arg="y", made="s22_odd * 3e4 as int16")  # fmt: skip
_nan = arrays["inputs/s16_short"].copy()
_nan[100] = np.nan
case("lr_melspec_nan", "librosa", LMS, _nan, input_arg="y", made="s16_short, x[100] = nan")
case("lr_melspec_no_input", "librosa", LMS, params={"sr": 22050})


# == librosa.feature.mfcc ===============================================================
LMF = librosa.feature.mfcc


def lmf(name, src, dtype=None, **params):
    case(f"lr_mfcc_{name}", "librosa", LMF, src=src, dtype=dtype, params=params,
         input_arg="y")  # fmt: skip


lmf("default", "s22_speech")
lmf("n13", "s22_speech", n_mfcc=13)
for dct_type in (1, 2, 3):
    for norm in ("ortho", None):
        lmf(f"dct{dct_type}_{norm}", "s22_odd", n_mfcc=20, dct_type=dct_type, norm=norm,
            n_mels=40)  # fmt: skip
lmf("lifter22", "s22_speech", lifter=22)
lmf("lifter22_n13", "s22_speech", n_mfcc=13, lifter=22, n_mels=40)
lmf("lifter0.7", "s22_odd", n_mfcc=13, lifter=0.7, n_mels=40)
lmf("kwargs_pass_through", "s16_speech", sr=16000, n_mfcc=13, n_fft=512, hop_length=160,
    win_length=400, n_mels=40, fmin=20.0, fmax=7600.0, htk=True, window="hamming")  # fmt: skip
lmf("mel_norm_none", "s22_speech", n_mfcc=20, mel_norm=None, n_mels=64)
lmf("mel_norm_inf", "s22_odd", n_mfcc=13, mel_norm=np.inf, n_mels=40)
lmf("stereo_shared_topdb", "s22_stereo", n_mfcc=20, n_mels=40)
lmf("batch_2x3", "s22_2x3", n_mfcc=13, n_mels=40, n_fft=1024, hop_length=256)
lmf("float64", "s22_odd", dtype="float64", n_mfcc=13, n_mels=40)
lmf("silence", "s22_silence", n_mfcc=13, n_mels=40)
lmf("n_mfcc_gt_n_mels", "s22_odd", n_mfcc=20, n_mels=16)
lmf("power1_center_false", "s22_speech", n_mfcc=13, power=1.0, center=False, n_mels=40)
_logS = librosa.power_to_db(librosa.feature.melspectrogram(y=arrays["inputs/s22_odd"],
                                                           n_mels=40))  # fmt: skip
for name, params in [("S_default", {}), ("S_n13_lifter22", {"n_mfcc": 13, "lifter": 22}),
                     ("S_dct3_none", {"n_mfcc": 13, "dct_type": 3, "norm": None})]:  # fmt: skip
    case(f"lr_mfcc_{name}", "librosa", LMF, _logS, params=params, input_arg="S",
         made="power_to_db(melspectrogram(y=s22_odd, n_mels=40)) (40, t)")  # fmt: skip
case("lr_mfcc_S_3d_float64", "librosa", LMF, features((2, 24, 11)).astype(np.float64),
     params={"n_mfcc": 12, "dct_type": 2}, input_arg="S",
     made="features((2, 24, 11)) float64")  # fmt: skip
lmf("lifter_n_mfcc_gt_n_mels", "s22_odd", n_mfcc=20, n_mels=16, lifter=22)  # raises
lmf("lifter_negative", "s22_odd", lifter=-1)  # raises
lmf("dct_type4", "s22_odd", dct_type=4, n_mels=40)


# == librosa.feature.delta ==============================================================
LD = librosa.feature.delta


def ld(name, src, dtype=None, **params):
    case(f"lr_delta_{name}", "librosa", LD, src=src, dtype=dtype, params=params,
         input_arg="data")  # fmt: skip


ld("default", "feat")
for width in (3, 5, 9):
    for order in (1, 2):
        ld(f"w{width}_o{order}", "feat", width=width, order=order)
for mode in ("nearest", "mirror", "constant", "wrap"):
    ld(f"w5_{mode}", "feat", width=5, mode=mode)
    ld(f"w9_o2_{mode}_short", "feat_short", width=9, order=2, mode=mode)
ld("axis0", "feat", axis=0, width=5)
ld("axis0_o2_nearest", "feat", axis=0, width=7, order=2, mode="nearest")
ld("3d_axis_last", "feat3", width=5)
ld("3d_axis1", "feat3", width=3, axis=1, mode="mirror")
ld("float64", "feat", dtype="float64", width=7)
ld("o3_w5", "feat", width=5, order=3)
ld("interp_width_gt_len", "feat_short", width=9)  # raises
ld("width_even", "feat", width=4)  # raises
ld("width_1", "feat", width=1)  # raises
ld("order_0", "feat", order=0)  # raises
ld("order_3_width_3", "feat", width=3, order=3)  # raises


# == librosa.feature.stack_memory =======================================================
LSM = librosa.feature.stack_memory


def lsm(name, src, dtype=None, x=None, made=None, **params):
    case(f"lr_stack_memory_{name}", "librosa", LSM, x, src=src, dtype=dtype, params=params,
         input_arg="data", made=made)  # fmt: skip


lsm("default", "feat_short")
for n_steps, delay in [(1, 1), (3, 1), (3, 2), (2, -1), (4, -3), (3, 7)]:
    lsm(f"n{n_steps}_d{delay}", "feat_short", n_steps=n_steps, delay=delay)
lsm("edge", "feat_short", n_steps=3, delay=1, mode="edge")
lsm("edge_negative", "feat_short", n_steps=3, delay=-2, mode="edge")
lsm("constant_values", "feat_short", n_steps=3, mode="constant", constant_values=-80.0)
lsm("1d", None, x=np.arange(7, dtype=np.float32), made="arange(7) float32", n_steps=3)
lsm("3d", "feat3", n_steps=2, delay=2)
lsm("float64", "feat_short", dtype="float64", n_steps=2, delay=-1)
lsm("n_steps_0", "feat_short", n_steps=0)  # raises
lsm("delay_0", "feat_short", delay=0)  # raises
lsm("no_columns", None, x=np.zeros((3, 0), np.float32), made="zeros((3, 0))")  # raises


# == librosa.filters.mel ================================================================
for name, params in [
    ("default_22050_2048", dict(sr=22050, n_fft=2048)),
    ("16k_512_40", dict(sr=16000, n_fft=512, n_mels=40)),
    ("fmin100_fmax8000", dict(sr=22050, n_fft=1024, n_mels=64, fmin=100.0, fmax=8000.0)),
    ("htk", dict(sr=22050, n_fft=2048, n_mels=64, htk=True)),
    ("norm_none", dict(sr=22050, n_fft=1024, n_mels=40, norm=None)),
    ("norm_1", dict(sr=22050, n_fft=1024, n_mels=40, norm=1)),
    ("norm_2", dict(sr=22050, n_fft=1024, n_mels=40, norm=2)),
    ("norm_inf_htk", dict(sr=22050, n_fft=1024, n_mels=40, norm=np.inf, htk=True)),
    ("float64", dict(sr=22050, n_fft=1024, n_mels=64, dtype=np.float64)),
    ("odd_nfft1023", dict(sr=22050, n_fft=1023, n_mels=64)),
    ("whisper_16k_400_80", dict(sr=16000, n_fft=400, n_mels=80)),
    ("empty_filters", dict(sr=16000, n_fft=512, n_mels=256, htk=True)),
    ("fmax_above_nyquist", dict(sr=16000, n_fft=512, n_mels=40, fmax=12000.0)),
    ("sr44100_fmin20", dict(sr=44100, n_fft=2048, n_mels=128, fmin=20.0, fmax=20000.0)),
    ("norm_bad", dict(sr=22050, n_fft=1024, norm="area")),
]:
    case(f"lr_filters_mel_{name}", "librosa", librosa.filters.mel, params=params)


# == librosa.power_to_db / amplitude_to_db / db_to_power ================================
def l2db(name, fn, src=None, x=None, dtype=None, made=None, input_arg="S", **params):
    case(f"lr_{fn.__name__}_{name}", "librosa", fn, x, src=src, dtype=dtype, params=params,
         input_arg=input_arg, made=made)  # fmt: skip


P = librosa.power_to_db
l2db("default", P, "p2")
l2db("ref_max", P, "p2", ref=np.max)
l2db("ref_median", P, "p2", ref=np.median)
l2db("ref_0.01_amin1e-5", P, "p2", ref=0.01, amin=1e-5)
l2db("ref_negative", P, "p2", ref=-2.0)
l2db("top_db_none", P, "p2", top_db=None)
l2db("top_db_40", P, "p2", top_db=40.0)
l2db("top_db_0", P, "p2", top_db=0.0)
l2db("multichannel_global", P, "p3", ref=np.max)
l2db("4d", P, "p4")
l2db("float64", P, "p3", dtype="float64", top_db=60.0)
_cplx = (rng.standard_normal((6, 7)) + 1j * rng.standard_normal((6, 7))).astype(np.complex64)
l2db("complex", P, x=_cplx, made="complex64 normal (6, 7)")
l2db("scalar", P, x=np.float64(0.5), made="np.float64(0.5)")
_neg = rng.standard_normal((5, 6)).astype(np.float32)
l2db("negative_values", P, x=_neg, made="standard normal (5, 6), negatives included")
l2db("amin_0", P, "p2", amin=0.0)  # raises
l2db("top_db_negative", P, "p2", top_db=-1.0)  # raises
A = librosa.amplitude_to_db
l2db("default", A, "p2")
l2db("ref_max", A, "p3", ref=np.max)
l2db("complex", A, x=_cplx, made="complex64 normal (6, 7)")
l2db("amin1e-3_top_none", A, "p2", amin=1e-3, top_db=None)
l2db("ref_2_top_40", A, "p2", ref=2.0, top_db=40.0)
l2db("float64_4d", A, "p4", dtype="float64")
l2db("negative_values", A, x=_neg, made="standard normal (5, 6), negatives included")
D = librosa.db_to_power
_db = rng.uniform(-100, 20, (10, 12)).astype(np.float32)
l2db("default", D, x=_db, made="U(-100, 20) float32 (10, 12)", input_arg="S_db")
l2db("ref_2", D, x=_db, made="U(-100, 20) float32 (10, 12)", input_arg="S_db", ref=2.0)
l2db("float64", D, x=_db.astype(np.float64), made="U(-100, 20) float64 (10, 12)",
     input_arg="S_db")  # fmt: skip


# == librosa.pcen =======================================================================
PC = librosa.pcen


def pc(name, src="pcen_S", dtype=None, x=None, made=None, **params):
    case(f"lr_pcen_{name}", "librosa", PC, x, src=src, dtype=dtype, params=params,
         input_arg="S", made=made)  # fmt: skip


pc("default")
pc("float64", dtype="float64")
pc("gain0.8_bias10_power0.25", gain=0.8, bias=10.0, power=0.25)
pc("gain0", gain=0.0)
pc("time_constant0.06_eps1e-3", time_constant=0.06, eps=1e-3)
pc("sr16000_hop160", sr=16000, hop_length=160)
pc("b0.25", b=0.25)
pc("b1", b=1.0)
pc("max_size3", max_size=3)
pc("max_size1_explicit", max_size=1)
pc("max_size4", max_size=4)
pc("power0_log", power=0.0)
pc("power0_bias0", power=0.0, bias=0.0)
pc("bias0", bias=0.0, power=0.5)
pc("power1", power=1.0)
pc("axis0", x=np.ascontiguousarray(_pcen_S.T), src=None, made="pcen_S.T (frames, 40)", axis=0)
pc("axis0_max_size3", x=np.ascontiguousarray(_pcen_S.T), src=None,
   made="pcen_S.T (frames, 40)", axis=0, max_size=3)  # fmt: skip
_zi = np.linspace(0.0, 5e4, 40)[:, None]
pc("zi_given", zi=_zi)
pc("zi_scalar_shape", zi=np.full((1, 1), 3.0))
pc("return_zf", return_zf=True)
pc("return_zf_zi_f64", dtype="float64", return_zf=True, zi=_zi)
pc("ref_given", ref=np.maximum(_pcen_S, 1e5).astype(np.float32))
pc("multichannel", src="pcen_S3")
pc("multichannel_return_zf", src="pcen_S3", return_zf=True)
pc("multichannel_max3_max_axis", src="pcen_S3", max_size=3, max_axis=-2)
pc("1d", src=None, x=_pcen_S[3].copy(), made="pcen_S[3] (frames,)")
pc("complex", src=None, x=(_pcen_S[:, :20] * (1 + 1j) / np.sqrt(2)).astype(np.complex64),
   made="pcen_S[:, :20] * (1 + 1j) / sqrt 2, complex64")  # fmt: skip
pc("multichannel_max3_no_axis", src="pcen_S3", max_size=3)  # raises
pc("1d_max3", src=None, x=_pcen_S[3].copy(), made="pcen_S[3]", max_size=3)  # raises
pc("b_above_1", b=1.5)  # raises
pc("power_negative", power=-0.5)  # raises
pc("eps_0", eps=0.0)  # raises


# == signatures =========================================================================
KIND = {
    inspect.Parameter.POSITIONAL_ONLY: "positional-only",
    inspect.Parameter.POSITIONAL_OR_KEYWORD: "positional-or-keyword",
    inspect.Parameter.VAR_POSITIONAL: "var-positional",
    inspect.Parameter.KEYWORD_ONLY: "keyword-only",
    inspect.Parameter.VAR_KEYWORD: "var-keyword",
}


def params_of(fn, drop_self=False):
    out = []
    for p in inspect.signature(fn).parameters.values():
        if drop_self and p.name == "self":
            continue
        d = {"name": p.name, "kind": KIND[p.kind]}
        if p.default is not p.empty:
            d["default"] = enc(p.default)
        if p.annotation is not p.empty:
            a = p.annotation
            d["annotation"] = a if isinstance(a, str) else inspect.formatannotation(a)
        out.append(d)
    return out


callables = {}
for ref, table in SIGS.items():
    for dotted_name, obj in table.items():
        if isinstance(obj, type):
            callables[dotted_name] = {
                "ref": ref, "type": "class",
                "init": params_of(obj.__init__, drop_self=True),
                "forward": params_of(obj.forward, drop_self=True),
            }  # fmt: skip
        else:
            callables[dotted_name] = {"ref": ref, "type": "function", "params": params_of(obj)}
versions = {"torch": torch.__version__, "torchaudio": torchaudio.__version__,
            "librosa": librosa.__version__, "numpy": np.__version__,
            "scipy": scipy.__version__}  # fmt: skip
(HERE / "dropin_signatures.json").write_text(
    json.dumps({"versions": versions, "callables": callables}, indent=1) + "\n"
)


# == write ==============================================================================
np.savez_compressed(
    HERE / "dropin_golden.npz",
    meta=np.array(json.dumps(meta, allow_nan=False)),
    errors=np.array(json.dumps(errors, allow_nan=False)),
    notes=np.array(json.dumps(notes)),
    **arrays,
)
counts = {}
for entry in meta.values():
    counts[entry["fn"]] = counts.get(entry["fn"], 0) + 1
for fn, n in sorted(counts.items()):
    print(f"{n:4d}  {fn}")
print(f"{len(meta)} cases, {len(errors)} errors, {len(arrays)} arrays, "
      f"{time.perf_counter() - T0:.1f} s")  # fmt: skip
