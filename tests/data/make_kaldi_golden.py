"""Regenerate kaldi_golden.npz from the real torchaudio.compliance.kaldi.

    python tests/data/make_kaldi_golden.py

Made in a venv of its own with torch 2.13.0+cpu and torchaudio 2.11.0 (whose
compiled extension needs CUDA libraries that the CPU torch lacks: its
lib/*.so files were deleted; compliance.kaldi is pure Python over torch.fft
and imports without them). The tests only read the .npz.

Each case stores the function ("fbank", "mfcc", "spectrogram" or "banks"), its
keyword arguments (JSON), the name of its input (float32 or float64, shape
(channels, time), stored once under inputs/) and torchaudio's output; for
float32 input also y64, the same call on the input widened to float64 with
torch's default dtype float64 (so that torchaudio's banks, DCT and lifter are
float64 too): the reference's own float32 error, which the tolerance allows
for. "banks" cases store get_mel_banks' matrix, in float32 and (y64) float64.
Every keyword of the three functions takes each of its values in some case.
Dither is random in torchaudio: it has no golden case (the tests check its
statistics instead).
"""

import json
import pathlib
import warnings

import numpy as np
import torch
import torchaudio
from torchaudio.compliance import kaldi

warnings.simplefilter("ignore")
HERE = pathlib.Path(__file__).parent
rng = np.random.default_rng(20261126)
cases = {}


def signal(n, rate=16000, channels=1, dtype=np.float32, scale=32768.0):
    """Int16-scaled noise plus a swept tone, one row per channel at its own level."""
    t = np.arange(n) / rate
    tone = 0.4 * np.sin(2 * np.pi * (100.0 + 0.2 * rate * t) * t)
    rows = [(0.05 * rng.standard_normal(n) + tone) * scale * 10.0**-c for c in range(channels)]
    return np.stack(rows).astype(dtype)


inputs = {}  # each input stored once, by name


def add(name, fn, kwargs, x):
    x = np.asarray(x)
    key = next((k for k, v in inputs.items() if v is x), f"input_{len(inputs)}")
    inputs[key] = x
    y = getattr(kaldi, fn)(torch.from_numpy(x), **kwargs).numpy()
    cases[name] = dict(fn=fn, kwargs=kwargs, x=key, y=y)
    if x.dtype == np.float32:
        # torchaudio's own float32 error: the same call in float64, banks, DCT and
        # lifter included (they follow torch's default dtype).
        torch.set_default_dtype(torch.float64)
        try:
            y64 = getattr(kaldi, fn)(torch.from_numpy(x.astype(np.float64)), **kwargs)
        finally:
            torch.set_default_dtype(torch.float32)
        cases[name]["y64"] = y64.numpy()


# -- filter banks, VTLN included --------------------------------------------------
banks = []
for args in [
    (23, 512, 16000.0, 20.0, 0.0, 100.0, -500.0, 1.0),
    (80, 512, 16000.0, 20.0, 0.0, 100.0, -500.0, 1.0),
    (40, 256, 8000.0, 0.0, 3800.0, 100.0, -500.0, 1.0),
    (128, 1024, 22050.0, 64.0, -200.0, 100.0, -500.0, 1.0),
    (80, 512, 16000.0, 20.0, 0.0, 100.0, -500.0, 0.85),
    (80, 512, 16000.0, 20.0, 0.0, 100.0, -500.0, 1.15),
    (23, 512, 16000.0, 20.0, 7000.0, 300.0, 6000.0, 0.9),
    (100, 256, 16000.0, 20.0, 0.0, 100.0, -500.0, 1.0),  # bands with no bin
]:
    bank, _ = kaldi.get_mel_banks(*args)
    torch.set_default_dtype(torch.float64)  # the same bank computed in float64
    try:
        bank64, _ = kaldi.get_mel_banks(*args)
    finally:
        torch.set_default_dtype(torch.float32)
    name = f"banks_{len(banks)}"
    banks.append(name)
    cases[name] = dict(
        fn="banks",
        x=None,
        kwargs=dict(
            zip(
                [
                    "num_bins",
                    "window_length_padded",
                    "sample_freq",
                    "low_freq",
                    "high_freq",
                    "vtln_low",
                    "vtln_high",
                    "vtln_warp_factor",
                ],
                args,
                strict=True,
            )
        ),
        y=bank.numpy(),
        y64=bank64.numpy(),
    )

# -- fbank: every keyword, each value ---------------------------------------------
x1 = signal(8000)
add("fbank_default", "fbank", {}, x1)
x64 = signal(8000, dtype=np.float64)
add("fbank_float64", "fbank", {}, x64)
for window in ["hamming", "hanning", "povey", "rectangular", "blackman"]:
    add(f"fbank_window_{window}", "fbank", {"window_type": window}, x1)
add("fbank_blackman_coeff", "fbank", {"window_type": "blackman", "blackman_coeff": 0.5}, x1)
add("fbank_no_snip", "fbank", {"snip_edges": False}, signal(16037))
add("fbank_no_snip_odd", "fbank", {"snip_edges": False, "frame_shift": 7.0}, signal(1234))
add("fbank_energy", "fbank", {"use_energy": True}, x1)
add("fbank_energy_htk", "fbank", {"use_energy": True, "htk_compat": True}, x1)
add("fbank_energy_windowed", "fbank", {"use_energy": True, "raw_energy": False}, x1)
add("fbank_energy_floor0", "fbank", {"use_energy": True, "energy_floor": 0.0}, x1)
add("fbank_energy_floor_high", "fbank", {"use_energy": True, "energy_floor": 1e12}, x1)
add("fbank_no_dc", "fbank", {"remove_dc_offset": False}, x1 + 3000)
add("fbank_no_preemph", "fbank", {"preemphasis_coefficient": 0.0}, x1)
add("fbank_preemph_1", "fbank", {"preemphasis_coefficient": 1.0, "window_type": "hamming"}, x1)
add("fbank_no_pow2", "fbank", {"round_to_power_of_two": False}, x1)  # 400-point FFT
add("fbank_magnitude", "fbank", {"use_power": False}, x1)
add("fbank_linear", "fbank", {"use_log_fbank": False}, x1)
add("fbank_linear_energy", "fbank", {"use_log_fbank": False, "use_energy": True}, x1)
add("fbank_subtract_mean", "fbank", {"subtract_mean": True}, x1)
add("fbank_80", "fbank", {"num_mel_bins": 80}, x1)
add("fbank_freqs", "fbank", {"low_freq": 64.0, "high_freq": -400.0, "num_mel_bins": 40}, x1)
add("fbank_vtln", "fbank", {"vtln_warp": 0.9, "num_mel_bins": 40}, x1)
add(
    "fbank_vtln_cutoffs",
    "fbank",
    {"vtln_warp": 1.1, "vtln_low": 200.0, "vtln_high": 6000.0, "high_freq": 7500.0},
    x1,
)
add("fbank_8k", "fbank", {"sample_frequency": 8000.0, "num_mel_bins": 15}, signal(8000, 8000))
add(
    "fbank_22k",
    "fbank",
    {"sample_frequency": 22050.0, "frame_length": 20.0, "frame_shift": 12.5},
    signal(22050, 22050),
)
add("fbank_channel_1", "fbank", {"channel": 1}, signal(8000, channels=3))
add("fbank_channel_default", "fbank", {"channel": -1}, signal(8000, channels=2))
add("fbank_min_duration_met", "fbank", {"min_duration": 0.5}, x1)  # 0.5 s exactly
add("fbank_min_duration_unmet", "fbank", {"min_duration": 0.6}, x1)  # torchaudio: shape (0,)
add(
    "fbank_silence",
    "fbank",
    {"use_energy": True, "energy_floor": 0.0},
    np.zeros((1, 4000), np.float32),
)
add("fbank_one_frame", "fbank", {}, signal(400))
add("fbank_unscaled", "fbank", {}, signal(8000, scale=1.0))

# -- mfcc --------------------------------------------------------------------------
add("mfcc_default", "mfcc", {}, x1)
add("mfcc_float64", "mfcc", {}, x64)
add("mfcc_energy", "mfcc", {"use_energy": True}, x1)
add("mfcc_htk", "mfcc", {"htk_compat": True}, x1)
add("mfcc_energy_htk", "mfcc", {"use_energy": True, "htk_compat": True}, x1)
add("mfcc_no_lifter", "mfcc", {"cepstral_lifter": 0.0}, x1)
add("mfcc_ceps", "mfcc", {"num_ceps": 23, "num_mel_bins": 23, "cepstral_lifter": 10.0}, x1)
add("mfcc_40", "mfcc", {"num_mel_bins": 40, "num_ceps": 20, "high_freq": -400.0}, x1)
add("mfcc_subtract_mean", "mfcc", {"subtract_mean": True, "snip_edges": False}, x1)
add("mfcc_vtln", "mfcc", {"vtln_warp": 1.05}, x1)
add("mfcc_silence", "mfcc", {}, np.zeros((1, 4000), np.float32))
add(
    "mfcc_window_hamming",
    "mfcc",
    {"window_type": "hamming", "raw_energy": False, "use_energy": True},
    x1,
)

# -- spectrogram --------------------------------------------------------------------
add("spectrogram_default", "spectrogram", {}, x1)
add("spectrogram_float64", "spectrogram", {}, x64)
add("spectrogram_windowed_energy", "spectrogram", {"raw_energy": False, "energy_floor": 0.0}, x1)
add("spectrogram_no_snip", "spectrogram", {"snip_edges": False, "window_type": "hanning"}, x1)
add("spectrogram_subtract_mean", "spectrogram", {"subtract_mean": True}, x1)
add(
    "spectrogram_no_pow2", "spectrogram", {"round_to_power_of_two": False, "frame_length": 20.0}, x1
)

# -- write -----------------------------------------------------------------------
meta = {
    "versions": {
        "torch": torch.__version__,
        "torchaudio": torchaudio.__version__,
        "numpy": np.__version__,
    },
    "cases": {k: {"fn": c["fn"], "kwargs": c["kwargs"], "x": c["x"]} for k, c in cases.items()},
}
arrays = {f"inputs/{k}": v for k, v in inputs.items()}
for name, c in cases.items():
    arrays[f"{name}/y"] = c["y"]
    if "y64" in c:
        arrays[f"{name}/y64"] = c["y64"]
np.savez_compressed(HERE / "kaldi_golden.npz", meta=json.dumps(meta, indent=1), **arrays)
print(f"wrote {len(cases)} cases to {HERE / 'kaldi_golden.npz'}")
