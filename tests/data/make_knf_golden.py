"""Regenerate knf_golden.npz from the real kaldi-native-fbank (knf).

    python tests/data/make_knf_golden.py

Made with kaldi-native-fbank 1.22.5 (the PyPI wheel, pip install
'kaldi-native-fbank==1.22.*') in the venv of make_kaldi_golden.py (Python 3.11,
torch 2.13.0+cpu, torchaudio 2.11.0; see there). The tests only read the .npz.

Each case stores its kind ("fbank": knf.OnlineFbank, "mfcc": knf.OnlineMfcc,
"bank": knf.MelBanks(...).get_matrix()), its options as knf holds them
(``opts.as_dict()``: the exact knf field names, nested frame_opts / mel_opts,
float fields as the float32 values knf stores, e.g. preemph_coeff
0.9700000286102295; ``FbankOptions.from_dict`` rebuilds them), the name of its
input (float32, stored once under inputs/) and knf's output: the whole input
given to one ``accept_waveform(samp_freq, x)``, then ``input_finished()``, and
every frame ``get_frame(i)`` for ``i < num_frames_ready`` stacked as
(frames, dim) float32 ((0, dim) when there is none). It also stores the frame
length and shift in samples that knf uses (float32 arithmetic:
``int(float32(float32(samp_freq) * 0.001f) * frame_ms)``), and where the case
can be said in torchaudio.compliance.kaldi's keywords (``torchaudio`` in the
meta), that call's output in float64 (``ta64``: torch's default dtype float64,
so its banks are float64 too), which bounds knf's own float32 error.

knf's dither (default 3e-5, Gaussian, drawn per frame from the C library's
rand()) is not reproducible from outside: every case sets dither 0. Inputs are
int16-scaled (noise plus a swept tone), except "unit" (the same divided by
32768, knf's usual scale) and "silence".
"""

import contextlib
import copy
import json
import os
import pathlib
import platform
import warnings

import kaldi_native_fbank as knf
import numpy as np
import torch
import torchaudio
from torchaudio.compliance import kaldi

warnings.simplefilter("ignore")
HERE = pathlib.Path(__file__).parent
rng = np.random.default_rng(20261127)
F32 = np.float32
FLT_EPSILON = float(np.finfo(np.float32).eps)


def signal(n, rate=16000, scale=32768.0):
    """Int16-scaled noise plus a swept tone."""
    t = np.arange(n) / rate
    tone = 0.4 * np.sin(2 * np.pi * (100.0 + 0.2 * rate * t) * t)
    return ((0.05 * rng.standard_normal(n) + tone) * scale).astype(np.float32)


long = signal(8000)
inputs = {
    "long": long,
    "long_dc": long + F32(3000.0),
    "unit": long / F32(32768.0),
    "short_100": signal(100),
    "short_399": signal(399),
    "silence": np.zeros(4000, np.float32),
    "long_22050": signal(11025, rate=22050),
}
cases = {}


def knf_samples(rate, ms):
    """knf's FrameExtractionOptions::WindowSize / WindowShift (float32 arithmetic)."""
    return int(F32(F32(rate) * F32(0.001)) * F32(ms))


@contextlib.contextmanager
def quiet_stderr():
    """debug_mel prints every frame's mel energies to C's stderr."""
    saved = os.dup(2)
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(null)
        os.close(saved)


def make_opts(kind, changes):
    """knf options: the defaults with dither 0, then ``changes`` ("frame_opts.x": v)."""
    d = (knf.FbankOptions() if kind == "fbank" else knf.MfccOptions()).as_dict()
    d["frame_opts"]["dither"] = 0.0
    for key, value in changes.items():
        *path, field = key.split(".")
        target = d
        for part in path:
            target = target[part]
        assert field in target, key
        target[field] = value
    cls = knf.FbankOptions if kind == "fbank" else knf.MfccOptions
    return cls.from_dict(d)


def compute(kind, opts, x):
    online = (knf.OnlineFbank if kind == "fbank" else knf.OnlineMfcc)(opts)
    online.accept_waveform(opts.frame_opts.samp_freq, x)
    online.input_finished()
    n = online.num_frames_ready
    if not n:
        return np.zeros((0, online.dim), np.float32)
    return np.stack([np.array(online.get_frame(i)) for i in range(n)])


def torchaudio_kwargs(kind, d):
    """The same call in torchaudio's keywords, or None where knf has no equivalent."""
    fo, mo = d["frame_opts"], d["mel_opts"]
    if fo["window_type"] not in ("hamming", "hanning", "povey", "rectangular", "blackman"):
        return None
    if mo["is_librosa"] or mo["htk_mode"] or mo["num_bins"] <= 3:
        return None
    if kind == "fbank" and (not d["use_log_floor"] or d["eps"] != FLT_EPSILON):
        return None
    rate = fo["samp_freq"]
    for ms in (fo["frame_length_ms"], fo["frame_shift_ms"]):
        if int(rate * ms * 0.001) != knf_samples(rate, ms):
            return None  # torchaudio frames differently
    kw = {
        "sample_frequency": rate,
        "frame_length": fo["frame_length_ms"],
        "frame_shift": fo["frame_shift_ms"],
        "dither": 0.0,
        "preemphasis_coefficient": fo["preemph_coeff"],
        "remove_dc_offset": fo["remove_dc_offset"],
        "window_type": fo["window_type"],
        "round_to_power_of_two": fo["round_to_power_of_two"],
        "blackman_coeff": fo["blackman_coeff"],
        "snip_edges": fo["snip_edges"],
        "num_mel_bins": mo["num_bins"],
        "low_freq": mo["low_freq"],
        "high_freq": mo["high_freq"],
        "vtln_low": mo["vtln_low"],
        "vtln_high": mo["vtln_high"],
        "use_energy": d["use_energy"],
        "energy_floor": d["energy_floor"],
        "raw_energy": d["raw_energy"],
        "htk_compat": d["htk_compat"],
    }
    if kind == "fbank":
        kw.update(use_log_fbank=d["use_log_fbank"], use_power=d["use_power"])
    else:
        kw.update(num_ceps=d["num_ceps"], cepstral_lifter=d["cepstral_lifter"])
    return kw


def add(name, kind, x, **changes):
    assert name not in cases, name
    opts = make_opts(kind, changes)
    d = opts.as_dict()
    fo = d["frame_opts"]
    with quiet_stderr():
        y = compute(kind, opts, inputs[x])
        again = compute(kind, type(opts).from_dict(copy.deepcopy(d)), inputs[x])
    assert np.array_equal(y, again), name  # the stored dict rebuilds the same options
    size = len(knf.FeatureWindowFunction(opts.frame_opts).window)
    shift = knf_samples(fo["samp_freq"], fo["frame_shift_ms"])
    assert size == knf_samples(fo["samp_freq"], fo["frame_length_ms"]), name
    n = inputs[x].size
    if fo["snip_edges"]:
        assert y.shape[0] == (0 if n < size else 1 + (n - size) // shift), name
    else:
        assert y.shape[0] == (n + shift // 2) // shift, name
    case = {
        "fn": kind,
        "opts": d,
        "x": x,
        "window_size": size,
        "window_shift": shift,
        "torchaudio": None,
        "y": y,
    }
    kw = torchaudio_kwargs(kind, d)
    if kw is not None:
        torch.set_default_dtype(torch.float64)
        try:
            wave = torch.from_numpy(inputs[x].astype(np.float64))[None]
            ta64 = getattr(kaldi, kind)(wave, **kw).numpy()
        except (AssertionError, RuntimeError, ValueError):
            ta64 = None  # torchaudio refuses (e.g. a signal shorter than a frame)
        finally:
            torch.set_default_dtype(torch.float32)
        if ta64 is not None and ta64.shape == y.shape:
            case["torchaudio"] = kw
            case["ta64"] = ta64
    cases[name] = case


def add_bank(name, warp=1.0, **changes):
    mel = knf.MelBanksOptions()
    frame = knf.FrameExtractionOptions()
    for key, value in changes.items():
        group, field = key.split(".")
        setattr(mel if group == "mel_opts" else frame, field, value)
    y = np.asarray(knf.MelBanks(mel, frame, warp).get_matrix(), dtype=np.float32)
    cases[name] = {
        "fn": "bank",
        "opts": {"mel_opts": mel.as_dict(), "frame_opts": frame.as_dict()},
        "vtln_warp_factor": warp,
        "x": None,
        "y": y,
    }


# -- fbank: the defaults (dither 0), then each field -------------------------------
add("fbank_default", "fbank", "long")
add("fbank_unit_scale", "fbank", "unit")
add("fbank_silence", "fbank", "silence")
for window in ["hamming", "hanning", "povey", "rectangular", "blackman", "hann", "sine"]:
    add(f"fbank_window_{window}", "fbank", "long", **{"frame_opts.window_type": window})
add(
    "fbank_blackman_coeff",
    "fbank",
    "long",
    **{"frame_opts.window_type": "blackman", "frame_opts.blackman_coeff": 0.5},
)
add("fbank_dc_kept", "fbank", "long_dc", **{"frame_opts.remove_dc_offset": False})
add("fbank_dc_removed", "fbank", "long_dc", **{"frame_opts.remove_dc_offset": True})
add("fbank_no_preemph", "fbank", "long", **{"frame_opts.preemph_coeff": 0.0})
add("fbank_preemph_1", "fbank", "long", **{"frame_opts.preemph_coeff": 1.0})
add("fbank_no_pow2", "fbank", "long", **{"frame_opts.round_to_power_of_two": False})  # 400
add(
    "fbank_no_pow2_512",
    "fbank",
    "long",
    **{"frame_opts.round_to_power_of_two": False, "frame_opts.frame_length_ms": 32.0},
)
add("fbank_no_snip", "fbank", "long", **{"frame_opts.snip_edges": False})
for x in ["short_100", "short_399"]:
    add(f"fbank_snip_{x}", "fbank", x)  # 0 frames
    add(f"fbank_no_snip_{x}", "fbank", x, **{"frame_opts.snip_edges": False})
add(
    "fbank_frame_20_12_5",
    "fbank",
    "long",
    **{"frame_opts.frame_length_ms": 20.0, "frame_opts.frame_shift_ms": 12.5},
)
add(
    "fbank_no_snip_shift_7",
    "fbank",
    "long",
    **{"frame_opts.snip_edges": False, "frame_opts.frame_shift_ms": 7.0},
)
add(
    "fbank_8k",
    "fbank",
    "long",
    **{"frame_opts.samp_freq": 8000.0, "mel_opts.num_bins": 15},
)
add("fbank_22050", "fbank", "long_22050", **{"frame_opts.samp_freq": 22050.0})
# knf's float32 sample counts differ from int(rate * ms * 0.001) in float64 here:
# 30.839 ms at 22050 Hz is 680 samples in knf, 679 in Python; 1000 * 249 / 22050 ms
# is 249 in knf, 248 in Python (with the float32 value knf stores, too).
add(
    "fbank_22050_length_680",
    "fbank",
    "long_22050",
    **{"frame_opts.samp_freq": 22050.0, "frame_opts.frame_length_ms": 30.839},
)
add(
    "fbank_22050_shift_249",
    "fbank",
    "long_22050",
    **{"frame_opts.samp_freq": 22050.0, "frame_opts.frame_shift_ms": 1000.0 * 249 / 22050},
)
add(
    "fbank_22050_both_no_snip",
    "fbank",
    "long_22050",
    **{
        "frame_opts.samp_freq": 22050.0,
        "frame_opts.frame_length_ms": 30.839,
        "frame_opts.frame_shift_ms": 1000.0 * 249 / 22050,
        "frame_opts.snip_edges": False,
    },
)
# mel_opts
add("fbank_80", "fbank", "long", **{"mel_opts.num_bins": 80})
add("fbank_bins_3", "fbank", "long", **{"mel_opts.num_bins": 3})  # torchaudio needs > 3
add(
    "fbank_freqs",
    "fbank",
    "long",
    **{"mel_opts.low_freq": 64.0, "mel_opts.high_freq": -400.0, "mel_opts.num_bins": 40},
)
add("fbank_high_7000", "fbank", "long", **{"mel_opts.high_freq": 7000.0})
add("fbank_low_0", "fbank", "long", **{"mel_opts.low_freq": 0.0})
add(
    "fbank_vtln_cutoffs",  # no effect: OnlineFbank never warps
    "fbank",
    "long",
    **{"mel_opts.vtln_low": 300.0, "mel_opts.vtln_high": 6000.0},
)
add("fbank_debug_mel", "fbank", "long", **{"mel_opts.debug_mel": True})  # no effect
add("fbank_htk_mode", "fbank", "long", **{"mel_opts.htk_mode": True})
add("fbank_htk_mode_silence", "fbank", "silence", **{"mel_opts.htk_mode": True})
add(
    "fbank_htk_mode_low_0", "fbank", "long", **{"mel_opts.htk_mode": True, "mel_opts.low_freq": 0.0}
)
librosa = {"mel_opts.is_librosa": True, "mel_opts.low_freq": 0.0}
add("fbank_librosa", "fbank", "long", **librosa, **{"mel_opts.num_bins": 80})
add("fbank_librosa_low_20", "fbank", "long", **{"mel_opts.is_librosa": True})
add("fbank_librosa_no_norm", "fbank", "long", **librosa, **{"mel_opts.norm": ""})
add(
    "fbank_librosa_htk_scale",
    "fbank",
    "long",
    **librosa,
    **{"mel_opts.use_slaney_mel_scale": False},
)
add(
    "fbank_librosa_int_bins",
    "fbank",
    "long",
    **librosa,
    **{"mel_opts.floor_to_int_bin": True, "mel_opts.num_bins": 40},
)
add(
    "fbank_librosa_int_bins_no_norm",
    "fbank",
    "long",
    **librosa,
    **{"mel_opts.floor_to_int_bin": True, "mel_opts.norm": "", "mel_opts.num_bins": 40},
)
add("fbank_librosa_high", "fbank", "long", **librosa, **{"mel_opts.high_freq": -400.0})
# knf's wheel is built without its checks: any norm but "" is "slaney"
add("fbank_librosa_norm_other", "fbank", "long", **librosa, **{"mel_opts.norm": "1"})
add(
    "fbank_librosa_flags_kaldi",  # norm, scale and int bins only act with is_librosa
    "fbank",
    "long",
    **{
        "mel_opts.norm": "",
        "mel_opts.use_slaney_mel_scale": False,
        "mel_opts.floor_to_int_bin": True,
    },
)
# the top-level fields
add("fbank_energy", "fbank", "long", use_energy=True)
add("fbank_energy_htk", "fbank", "long", use_energy=True, htk_compat=True)
add("fbank_htk_no_energy", "fbank", "long", htk_compat=True)  # no effect
add("fbank_energy_windowed", "fbank", "long", use_energy=True, raw_energy=False)
add("fbank_energy_floor_1", "fbank", "long", use_energy=True, energy_floor=1.0)
add("fbank_energy_floor_high", "fbank", "long", use_energy=True, energy_floor=1e12)
for floor in [0.0, 1.0]:
    add(
        f"fbank_silence_energy_floor_{floor:g}",
        "fbank",
        "silence",
        use_energy=True,
        energy_floor=floor,
    )
add("fbank_magnitude", "fbank", "long", use_power=False)
add("fbank_linear", "fbank", "long", use_log_fbank=False)
add("fbank_linear_energy", "fbank", "long", use_log_fbank=False, use_energy=True)
add("fbank_log_add_eps", "fbank", "unit", use_log_floor=False)
add("fbank_log_add_eps_nemo", "fbank", "unit", use_log_floor=False, eps=2.0**-24)
add("fbank_log_floor_eps_1e-3", "fbank", "unit", eps=1e-3)
add("fbank_log_add_eps_silence", "fbank", "silence", use_log_floor=False, use_energy=True, eps=1e-3)

# -- mfcc ---------------------------------------------------------------------------
add("mfcc_default", "mfcc", "long")  # knf's MFCC default: use_energy=True
add("mfcc_no_energy", "mfcc", "long", use_energy=False)
add("mfcc_htk", "mfcc", "long", use_energy=False, htk_compat=True)
add("mfcc_energy_htk", "mfcc", "long", htk_compat=True)
add("mfcc_windowed_energy", "mfcc", "long", raw_energy=False)
add("mfcc_no_lifter", "mfcc", "long", cepstral_lifter=0.0)
add("mfcc_ceps_23", "mfcc", "long", num_ceps=23, cepstral_lifter=10.0)
add(
    "mfcc_40",
    "mfcc",
    "long",
    num_ceps=20,
    **{"mel_opts.num_bins": 40, "mel_opts.high_freq": -400.0},
)
add("mfcc_silence", "mfcc", "silence")
add("mfcc_silence_floor_1", "mfcc", "silence", energy_floor=1.0)
add("mfcc_no_snip", "mfcc", "long", **{"frame_opts.snip_edges": False})
add("mfcc_hamming", "mfcc", "long", **{"frame_opts.window_type": "hamming"})
add("mfcc_librosa", "mfcc", "long", **librosa)

# -- banks (knf.MelBanks; VTLN warps only here: OnlineFbank always uses 1.0) --------
add_bank("bank_default", **{"mel_opts.num_bins": 23})
add_bank("bank_warp_0.9", 0.9, **{"mel_opts.num_bins": 23})
add_bank(
    "bank_warp_1.1",
    1.1,
    **{"mel_opts.num_bins": 40, "mel_opts.vtln_low": 200.0, "mel_opts.vtln_high": 6000.0},
)
add_bank("bank_htk_mode", **{"mel_opts.num_bins": 23, "mel_opts.htk_mode": True})
add_bank("bank_librosa", **{"mel_opts.num_bins": 80, "mel_opts.is_librosa": True})
add_bank(
    "bank_librosa_int_bins",
    **{"mel_opts.num_bins": 40, "mel_opts.is_librosa": True, "mel_opts.floor_to_int_bin": True},
)

# -- write -------------------------------------------------------------------------
meta = {
    "versions": {
        "kaldi_native_fbank": knf.__version__,
        "torch": torch.__version__,
        "torchaudio": torchaudio.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
    },
    "cases": {
        name: {k: v for k, v in c.items() if k not in ("y", "ta64")} for name, c in cases.items()
    },
}
arrays = {f"inputs/{k}": v for k, v in inputs.items()}
for name, c in cases.items():
    arrays[f"{name}/y"] = c["y"]
    if "ta64" in c:
        arrays[f"{name}/ta64"] = c["ta64"]
out = HERE / "knf_golden.npz"
np.savez_compressed(out, meta=json.dumps(meta, indent=1), **arrays)
for name, c in cases.items():
    gap = ""
    if "ta64" in c:
        gap = f"  |knf - torchaudio64| <= {np.abs(c['y'] - c['ta64']).max():.3g}"
    print(f"{name:34s} {str(c['y'].shape):10s}{gap}")
print(f"wrote {len(cases)} cases to {out} ({out.stat().st_size} bytes)")
