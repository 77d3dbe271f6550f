"""Worst differences between fastmel and the real peers, live, on hard signals.

    python bench/accuracy.py                      # every row, Keras on numpy and jax
    python bench/accuracy.py --only librosa       # rows whose name contains "librosa"
    python bench/accuracy.py --only kaldi mfcc    # the Kaldi and MFCC rows
    python bench/accuracy.py --keras-backends jax

Needs the peers installed next to fastmel: torch, torchaudio (its transforms
and compliance.kaldi only: the compiled extension is not used), librosa,
openai-whisper, keras, jax and kaldi-native-fbank. bench/accuracy.txt was
made in a venv of its own:

    python3.11 -m venv venv-ref
    venv-ref/bin/pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu
    venv-ref/bin/pip install torchaudio==2.11.0 'librosa==0.11.*' openai-whisper \
        'keras==3.15.*' 'jax[cpu]' kaldi-native-fbank==1.22.5 .
    rm venv-ref/lib/python3.11/site-packages/torchaudio/lib/*.so   # needs CUDA libraries
    venv-ref/bin/python bench/accuracy.py > bench/accuracy.txt

Keras runs in child processes (KERAS_BACKEND is read when keras is
imported): one per backend measured, and one on JAX with 64-bit types that
makes the float64 reference; everything else runs here.

Every row of the README's migration table is computed on the same set of hard
signals, all at full scale: silence, an impulse, a -60 dB channel next to a
loud one, cosines at the band edges (min_freq, or bin 1 when it is 0; max_freq,
or the Nyquist frequency when max_freq is Nyquist), at bin 100 and above
max_freq (when below Nyquist), DC, uniform noise, a clipped square wave, odd
lengths (16001, one more than a hop multiple), clips shorter than fft_length
and than fft_length / 2; plus the friendly signal of
tests/data/make_peer_golden.py (noise + a swept tone) for reference. The 4-D
AmplitudeToDB row stacks each signal as (3 items, 2 channels, n) at several
gains. float64 runs get the float32 samples widened, so both precisions
see the same input.

The Kaldi rows (fastmel.kaldi's fbank, mfcc and spectrogram against
torchaudio.compliance.kaldi's, and Fbank/Mfcc.from_knf_options against
kaldi-native-fbank's OnlineFbank/OnlineMfcc) take the same signals times
32768 (Kaldi reads int16 samples as numbers of that size); of the
two-channel case, the functions compute each channel alone (channel=c, on
both sides) and knf runs one OnlineFbank per channel against fastmel's batch
call, the results stacked. torchaudio's float64 run has torch's default
dtype float64 during the call (its window, banks, DCT and lifter then in
float64). kaldi-native-fbank computes in float32 only: its rows' float64
reference is torchaudio's float64 run with the equivalent keywords, so their
"peer32 - peer64" is knf's own float32 error against it. Where a peer raises
(torchaudio, for a signal shorter than one frame), the case says so and
gives fastmel's frame count. The MFCC rows (fastmel.MFCC.from_preset against
librosa.feature.mfcc and torchaudio.transforms.MFCC) and the Kaldi MFCC rows
are in cepstral coefficients. For each case four differences are printed:

    fm32 - peer32   fastmel float32 against the peer's float32 result
    peer32 - peer64 the peer's own float32 error: its float32 result against
                    the same computation run in float64
    fm32 - peer64   fastmel float32 against the peer's float64 result
    fm64 - peer64   fastmel float64 against the peer's float64 result

each as the largest |difference| over all values ("all") and over the values
within 40 dB of the peak power ("near"). Log outputs are in their own units
(dB, whisper units, ln units); power outputs give all = max |diff| / peak
power and near = the largest relative difference |a - b| / b among the
values within 40 dB of the peak. "a" after a power figure: the reference is
all zeros (silence), so the figure is the absolute difference. Cepstral
outputs give "abs", the largest |difference|, and "rel", the largest
|difference| over the largest |coefficient| of the reference's frame; a
frame whose reference coefficients are all below 1e-3 in magnitude (zero but
for rounding: silence whose log-energy is floored at log 1 = 0 in place of
C0) counts its absolute difference, and "a" marks a rel figure that comes
from such a frame.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import io
import json
import os
import pathlib
import platform
import subprocess
import sys
import tempfile
import textwrap
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import fastmel

warnings.simplefilter("ignore")
N = 16000  # samples of the standard cases
SEED = 20261126
NEAR_DB = 40.0
CEPS_ZERO = 1e-3  # a cepstral frame whose |coefficients| are all below this is zero
UNITS = {
    "db": "dB",
    "power": "of the peak",
    "whisper": "whisper units",
    "natural": "ln units",
    "cepstral": "cepstral coefficients; abs, and rel to the frame's largest |coefficient|",
}
TO_POWER: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "power": lambda y: y,
    "db": lambda y: 10.0 ** (y / 10.0),
    "natural": np.exp,
    "whisper": lambda y: 10.0 ** (4.0 * (y - 1.0)),
}
COMPARISONS = (
    ("fm32 - peer32", "fm32", "peer32"),
    ("peer32 - peer64", "peer32", "peer64"),
    ("fm32 - peer64", "fm32", "peer64"),
    ("fm64 - peer64", "fm64", "peer64"),
)


# -- signals ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Framing:
    """What the hard signals are built from: a row's rate, FFT, hop and band limits."""

    sr: float
    fft: int
    hop: int
    fmin: float
    fmax: float


def hard_signals(f: Framing) -> dict[str, np.ndarray]:
    """The cases for one framing, as float32 arrays (1-D, or (2, n) for the two-channel one)."""
    rng = np.random.default_rng(SEED)
    nyq = f.sr / 2

    def t(n: int = N) -> np.ndarray:
        return np.arange(n) / f.sr

    def cos(freq: float, n: int = N) -> np.ndarray:
        return np.cos(2 * np.pi * freq * t(n))

    def busy(n: int) -> np.ndarray:  # noise plus a tone, for the length cases
        return 0.3 * rng.uniform(-1, 1, n) + 0.5 * cos(1234.5, n)

    tt = t()
    cases: dict[str, np.ndarray] = {
        "friendly (noise+sweep)": 0.1 * rng.standard_normal(N)
        + 0.5 * np.sin(2 * np.pi * (200.0 + 0.2 * f.sr * tt) * tt),
        "digital silence": np.zeros(N),
    }
    impulse = np.zeros(N)
    impulse[N // 2] = 1.0
    cases["one impulse in silence"] = impulse
    loud = 0.9 * rng.uniform(-1, 1, N)
    cases["loud + -60 dB channel"] = np.stack([loud, 1e-3 * rng.uniform(-1, 1, N) * 0.9])
    lo = f.fmin if f.fmin > 0 else f.sr / f.fft
    cases[f"tone {lo:.4g} Hz (low edge)"] = cos(lo)
    if f.fmax < nyq:
        cases[f"tone {f.fmax:g} Hz = max_freq"] = cos(f.fmax)
        cases[f"tone {(f.fmax + nyq) / 2:g} Hz > max_freq"] = cos((f.fmax + nyq) / 2)
    else:
        cases[f"tone {nyq:g} Hz = Nyquist"] = cos(nyq)
    cases[f"tone {100 * f.sr / f.fft:g} Hz (bin 100)"] = cos(100 * f.sr / f.fft)
    cases["DC offset 0.5"] = np.full(N, 0.5)
    cases["white noise full scale"] = rng.uniform(-1, 1, N)
    cases["clipped square 441 Hz"] = np.clip(4 * np.sin(2 * np.pi * 441 * tt), -1, 1)
    plus1 = f.hop * -(-N // f.hop) + 1
    if plus1 == N + 1:
        cases[f"length {N + 1} (hops+1)"] = busy(N + 1)
    else:
        cases[f"length {N + 1}"] = busy(N + 1)
        cases[f"length {plus1} (hops+1)"] = busy(plus1)
    cases[f"length {3 * f.fft // 4} (< fft)"] = busy(3 * f.fft // 4)
    cases[f"length {f.fft // 4} (< fft/2)"] = busy(f.fft // 4)
    return {k: v.astype(np.float32) for k, v in cases.items()}


def batch_channels(cases: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """(3 items, 2 channels, n) from each 1-D case: item 0 the signal and a -60 dB copy,
    item 1 a -60 dB copy and silence, item 2 two -100 dB copies (one reversed)."""
    out = {}
    for name, s in cases.items():
        if s.ndim != 1:
            continue
        out[name] = np.stack(
            [
                np.stack([s, 1e-3 * s]),
                np.stack([1e-3 * s, np.zeros_like(s)]),
                np.stack([1e-5 * s, 1e-5 * s[::-1]]),
            ]
        ).astype(np.float32)
    return out


# -- rows -------------------------------------------------------------------------------------


Peer = Callable[[np.ndarray], np.ndarray]


@dataclass
class Row:
    name: str
    call: str  # the peer call, for the reader
    fastmel_call: str
    kind: str  # "db", "power", "whisper", "natural", "cepstral"
    framing: Framing
    layer: Any  # a fastmel.MelSpectrogram, or any callable of the signal
    peer32: Peer | None = None
    peer64: Peer | None = None
    ref64: str = ""  # what the float64 reference is
    four_d: bool = False
    keras: dict[str, Any] | None = None  # Keras arguments (computed in a child process)
    notes: list[str] = field(default_factory=list)
    scale: float = 1.0  # the hard signals are multiplied by this (Kaldi's int16 scale)
    feature_axis: int = -2  # the output's feature axis (the other of the last two: frames)
    show_frames: bool = False  # where the peer raises, give fastmel's frame count


def bank_note(peer32: Any, peer64: Any, layer: fastmel.MelSpectrogram) -> str:
    """The peer's float32 filter bank against fastmel's and against float64."""
    p32 = np.asarray(peer32, np.float64)
    p64 = np.asarray(peer64, np.float64)
    fm32 = layer.filter_bank("float32").astype(np.float64)
    fm64 = layer.filter_bank("float64")
    top = p64.max()
    return (
        f"filter bank, relative to its largest weight: peer float32 vs fastmel float32 "
        f"{fmt(float(np.abs(p32 - fm32).max() / top))}; vs float64: peer float32 "
        f"{fmt(float(np.abs(p32 - p64).max() / top))}, fastmel float32 "
        f"{fmt(float(np.abs(fm32 - p64).max() / top))}, fastmel float64 "
        f"{fmt(float(np.abs(fm64 - p64).max() / top))}"
    )


def torch_rows() -> list[Row]:
    import librosa
    import torch
    import torchaudio
    import whisper

    torch.set_num_threads(1)
    T = torchaudio.transforms
    rows: list[Row] = []

    def numpy_of(t: Any) -> np.ndarray:
        return np.asarray(t.detach().numpy(), dtype=np.float64)

    def in_float64(make: Callable[[], Any]) -> Any:
        """Build a torchaudio transform with float64 as torch's default dtype, so that
        its window and filter bank are computed in float64."""
        old = torch.get_default_dtype()
        torch.set_default_dtype(torch.float64)
        try:
            return make()
        finally:
            torch.set_default_dtype(old)

    # -- librosa --
    def librosa_row(name, call, fm_call, kind, framing, layer, kw, to_db, db_kw=None):
        def run(x: np.ndarray) -> np.ndarray:
            extra = {"dtype": np.float64} if x.dtype == np.float64 else {}
            s = librosa.feature.melspectrogram(y=x, **kw, **extra)
            return np.asarray(librosa.power_to_db(s, **(db_kw or {})) if to_db else s, np.float64)

        rows.append(
            Row(
                name,
                call,
                fm_call,
                kind,
                framing,
                layer,
                run,
                run,
                "librosa on float64 input with dtype=np.float64 filters (all float64)",
            )
        )
        fkw = {"n_fft": 2048}
        fkw.update(
            {k: kw[k] for k in ("sr", "n_fft", "n_mels", "fmin", "fmax", "htk", "norm") if k in kw}
        )
        rows[-1].notes.append(
            bank_note(
                librosa.filters.mel(**fkw).T,
                librosa.filters.mel(**fkw, dtype=np.float64).T,
                layer,
            )
        )

    lib22 = Framing(22050, 2048, 512, 0.0, 11025.0)
    librosa_row(
        "librosa dB",
        "librosa.power_to_db(librosa.feature.melspectrogram(y=x, sr=22050))",
        'from_preset("librosa", sampling_rate=22050)',
        "db",
        lib22,
        fastmel.MelSpectrogram.from_preset("librosa"),
        {"sr": 22050},
        True,
    )
    librosa_row(
        "librosa power",
        "librosa.feature.melspectrogram(y=x, sr=22050)",
        'from_preset("librosa", power_to_db=False)',
        "power",
        lib22,
        fastmel.MelSpectrogram.from_preset("librosa", power_to_db=False),
        {"sr": 22050},
        False,
    )
    htk = dict(
        sr=16000,
        n_fft=512,
        hop_length=160,
        win_length=400,
        n_mels=64,
        fmin=50.0,
        fmax=7000.0,
        htk=True,
        norm=None,
    )
    librosa_row(
        "librosa htk dB",
        "librosa.power_to_db(librosa.feature.melspectrogram(y=x, sr=16000, n_fft=512, "
        "hop_length=160, win_length=400, n_mels=64, fmin=50, fmax=7000, htk=True, norm=None))",
        'from_preset("librosa", sampling_rate=16000, fft_length=512, sequence_stride=160, '
        'sequence_length=400, num_mel_bins=64, min_freq=50, max_freq=7000, mel_scale="htk", '
        "norm=None)",
        "db",
        Framing(16000, 512, 160, 50.0, 7000.0),
        fastmel.MelSpectrogram.from_preset(
            "librosa",
            sampling_rate=16000,
            fft_length=512,
            sequence_stride=160,
            sequence_length=400,
            num_mel_bins=64,
            min_freq=50.0,
            max_freq=7000.0,
            mel_scale="htk",
            norm=None,
        ),
        htk,
        True,
    )
    librosa_row(
        "librosa center=False",
        "librosa.feature.melspectrogram(y=x, sr=22050, center=False)",
        'from_preset("librosa", power_to_db=False, center=False)',
        "power",
        lib22,
        fastmel.MelSpectrogram.from_preset("librosa", power_to_db=False, center=False),
        {"sr": 22050, "center": False},
        False,
    )
    librosa_row(
        "librosa pad_mode=reflect",
        "librosa.feature.melspectrogram(y=x, sr=22050, pad_mode='reflect')",
        'from_preset("librosa", power_to_db=False, pad_mode="reflect")',
        "power",
        lib22,
        fastmel.MelSpectrogram.from_preset("librosa", power_to_db=False, pad_mode="reflect"),
        {"sr": 22050, "pad_mode": "reflect"},
        False,
    )

    # -- torchaudio --
    ta16 = Framing(16000, 400, 200, 0.0, 8000.0)
    ta64_note = (
        "torchaudio on float64 tensors, the transform built with torch's default dtype "
        "float64 (window and filter bank computed in float64)"
    )

    def torchaudio_row(name, call, fm_call, kind, framing, layer, make, post=None, four_d=False):
        t32 = make()
        t64 = in_float64(make)

        def run32(x: np.ndarray) -> np.ndarray:
            y = t32(torch.from_numpy(x))
            return numpy_of(post(y) if post else y)

        def run64(x: np.ndarray) -> np.ndarray:
            y = t64(torch.from_numpy(x))
            return numpy_of(post(y) if post else y)

        rows.append(Row(name, call, fm_call, kind, framing, layer, run32, run64, ta64_note, four_d))
        rows[-1].notes.append(bank_note(t32.mel_scale.fb, t64.mel_scale.fb, layer))

    torchaudio_row(
        "torchaudio default",
        "torchaudio.transforms.MelSpectrogram()(x)",
        'from_preset("torchaudio")',
        "power",
        ta16,
        fastmel.MelSpectrogram.from_preset("torchaudio"),
        T.MelSpectrogram,
    )
    slaney = dict(
        sample_rate=16000,
        n_fft=512,
        win_length=400,
        hop_length=160,
        n_mels=80,
        f_min=20.0,
        f_max=7600.0,
        norm="slaney",
        mel_scale="slaney",
    )
    torchaudio_row(
        "torchaudio slaney",
        "torchaudio.transforms.MelSpectrogram(n_fft=512, win_length=400, hop_length=160, "
        "n_mels=80, f_min=20, f_max=7600, norm='slaney', mel_scale='slaney')(x)",
        'from_preset("torchaudio", fft_length=512, sequence_length=400, sequence_stride=160, '
        'num_mel_bins=80, min_freq=20, max_freq=7600, norm="slaney", mel_scale="slaney")',
        "power",
        Framing(16000, 512, 160, 20.0, 7600.0),
        fastmel.MelSpectrogram.from_preset(
            "torchaudio",
            fft_length=512,
            sequence_length=400,
            sequence_stride=160,
            num_mel_bins=80,
            min_freq=20.0,
            max_freq=7600.0,
            norm="slaney",
            mel_scale="slaney",
        ),
        lambda: T.MelSpectrogram(**slaney),
    )

    def amplitude_to_db(y: Any) -> Any:
        return T.AmplitudeToDB(stype="power", top_db=80.0)(y)

    db_layer = fastmel.MelSpectrogram.from_preset("torchaudio", power_to_db=True, top_db=80.0)
    torchaudio_row(
        "AmplitudeToDB 2-D",
        "AmplitudeToDB(stype='power', top_db=80)(MelSpectrogram()(x))  # 2-D; 3-D for 2 channels",
        'from_preset("torchaudio", power_to_db=True, top_db=80)',
        "db",
        ta16,
        db_layer,
        T.MelSpectrogram,
        amplitude_to_db,
    )
    scope_note = ""
    try:
        layer4 = db_layer.replace(top_db_scope="channels")
        scope = "channels"
    except ValueError:
        layer4 = db_layer.replace(top_db_scope="example")
        scope = "example"
        scope_note = (
            'top_db_scope="channels" is not available in this fastmel yet (ValueError); '
            'measured with "example", which floors each channel alone'
        )
    torchaudio_row(
        "AmplitudeToDB 4-D",
        "AmplitudeToDB(stype='power', top_db=80)(MelSpectrogram()(x))  # x: (3 items, 2 ch, n)",
        f'from_preset("torchaudio", power_to_db=True, top_db=80, top_db_scope="{scope}")',
        "db",
        ta16,
        layer4,
        T.MelSpectrogram,
        amplitude_to_db,
        four_d=True,
    )
    if scope_note:
        rows[-1].notes.append(scope_note)

    # -- whisper --
    def whisper_row(n_mels: int, preset: str) -> None:
        def run32(x: np.ndarray) -> np.ndarray:
            return numpy_of(whisper.log_mel_spectrogram(torch.from_numpy(x), n_mels=n_mels))

        filters = whisper.audio.mel_filters("cpu", n_mels).to(torch.float64)
        window = torch.hann_window(whisper.audio.N_FFT, dtype=torch.float64)

        def run64(x: np.ndarray) -> np.ndarray:
            # whisper.log_mel_spectrogram's steps, in float64 (the function itself
            # cannot take float64: its window and filters are float32 tensors).
            audio = torch.from_numpy(x)
            stft = torch.stft(
                audio,
                whisper.audio.N_FFT,
                whisper.audio.HOP_LENGTH,
                window=window,
                return_complex=True,
            )
            mag = stft[..., :-1].abs() ** 2
            log_spec = torch.clamp(filters @ mag, min=1e-10).log10()
            log_spec = torch.maximum(log_spec, log_spec.max() - 8.0)
            return numpy_of((log_spec + 4.0) / 4.0)

        try:
            whisper.log_mel_spectrogram(torch.zeros(1000, dtype=torch.float64), n_mels=n_mels)
            direct = "whisper.log_mel_spectrogram accepts float64 here"
        except RuntimeError as e:
            direct = f"whisper.log_mel_spectrogram refuses float64 ({e})"
        rows.append(
            Row(
                f"whisper {n_mels}",
                f"whisper.log_mel_spectrogram(x, n_mels={n_mels})",
                f'from_preset("{preset}")',
                "whisper",
                Framing(16000, 400, 160, 0.0, 8000.0),
                fastmel.MelSpectrogram.from_preset(preset),
                run32,
                run64,
                f"whisper's steps run by this script in float64 (stft, |X|^2, its stored "
                f"float32 filter bank widened, log10, max-8, (x+4)/4); {direct}",
            )
        )
        rows[-1].notes.append(
            bank_note(
                filters.T,
                librosa.filters.mel(sr=16000, n_fft=400, n_mels=n_mels, dtype=np.float64).T,
                rows[-1].layer,
            )
            + " (the float64 reference keeps whisper's stored float32 bank)"
        )

    whisper_row(80, "whisper")
    whisper_row(128, "whisper-128")

    # -- torch.log --
    torchaudio_row(
        "torch.log(mel + 1e-6)",
        "torch.log(torchaudio.transforms.MelSpectrogram()(x) + 1e-6)",
        'from_preset("torchaudio", power_to_db=True, log_mode="natural", log_offset=1e-6, '
        "top_db=None)",
        "natural",
        ta16,
        fastmel.MelSpectrogram.from_preset(
            "torchaudio", power_to_db=True, log_mode="natural", log_offset=1e-6, top_db=None
        ),
        T.MelSpectrogram,
        lambda y: torch.log(y + 1e-6),
    )
    return rows


# -- Kaldi: torchaudio.compliance.kaldi and kaldi-native-fbank ------------------------------


KALDI_SCALE = 32768.0  # Kaldi's recipes read int16 samples as numbers of that size
KALDI16 = Framing(16000, 512, 160, 20.0, 8000.0)  # 25 ms / 10 ms frames, FFT 512


@contextlib.contextmanager
def torch_default_dtype(dtype: Any) -> Any:
    """torch's default dtype set for the block, restored after."""
    import torch

    old = torch.get_default_dtype()
    torch.set_default_dtype(dtype)
    try:
        yield
    finally:
        torch.set_default_dtype(old)


def per_channel(call: Callable[[np.ndarray, int], np.ndarray]) -> Peer:
    """`call(x2, c)` on a (channels, time) view of the signal for each channel, stacked
    ((frames, bins) for a 1-D signal, (channels, frames, bins) for a 2-D one)."""

    def run(x: np.ndarray) -> np.ndarray:
        x2 = x[None] if x.ndim == 1 else x
        outs = [np.asarray(call(x2, c), np.float64) for c in range(x2.shape[0])]
        return outs[0] if x.ndim == 1 else np.stack(outs)

    return run


def torchaudio_kaldi(name: str, kw: dict[str, Any]) -> Peer:
    """torchaudio.compliance.kaldi.<name>(x, channel=c, **kw), in the input's precision:
    float64 input runs with torch's default dtype float64."""
    import torch
    import torchaudio.compliance.kaldi as ta_kaldi

    fn = getattr(ta_kaldi, name)

    def call(x2: np.ndarray, c: int) -> np.ndarray:
        t = torch.from_numpy(np.ascontiguousarray(x2))
        dtype = torch.float64 if x2.dtype == np.float64 else torch.float32
        with torch_default_dtype(dtype):
            return fn(t, channel=c, **kw).numpy()

    return per_channel(call)


def knf_to_torchaudio(d: dict[str, Any], name: str) -> dict[str, Any]:
    """torchaudio.compliance.kaldi's keywords for knf's options (their as_dict())."""
    fr, mel = d["frame_opts"], d["mel_opts"]
    kw = {
        "sample_frequency": fr["samp_freq"],
        "frame_length": fr["frame_length_ms"],
        "frame_shift": fr["frame_shift_ms"],
        "dither": fr["dither"],
        "preemphasis_coefficient": fr["preemph_coeff"],
        "remove_dc_offset": fr["remove_dc_offset"],
        "window_type": fr["window_type"],
        "round_to_power_of_two": fr["round_to_power_of_two"],
        "blackman_coeff": fr["blackman_coeff"],
        "snip_edges": fr["snip_edges"],
        "num_mel_bins": mel["num_bins"],
        "low_freq": mel["low_freq"],
        "high_freq": mel["high_freq"],
        "vtln_low": mel["vtln_low"],
        "vtln_high": mel["vtln_high"],
        "use_energy": d["use_energy"],
        "energy_floor": d["energy_floor"],
        "raw_energy": d["raw_energy"],
        "htk_compat": d["htk_compat"],
    }
    if name == "fbank":
        kw.update(use_log_fbank=d["use_log_fbank"], use_power=d["use_power"])
    else:
        kw.update(num_ceps=d["num_ceps"], cepstral_lifter=d["cepstral_lifter"])
    return kw


def knf_online(make_opts: Callable[[], Any], online: Any) -> Peer:
    """kaldi-native-fbank: accept_waveform of the whole signal, input_finished, then
    get_frame(i) for every ready frame, stacked (float32 in, float32 out)."""

    def call(x2: np.ndarray, c: int) -> np.ndarray:
        opts = make_opts()
        f = online(opts)
        f.accept_waveform(opts.frame_opts.samp_freq, np.ascontiguousarray(x2[c], np.float32))
        f.input_finished()
        n = f.num_frames_ready
        return np.array([f.get_frame(i) for i in range(n)], np.float32).reshape(n, f.dim)

    return per_channel(call)


def kaldi_bank_note(kw: dict[str, Any]) -> str:
    """torchaudio's Kaldi mel bank as it builds it (float32) against its float64 build."""
    import torch
    import torchaudio.compliance.kaldi as ta_kaldi

    rate = float(kw.get("sample_frequency", 16000.0))
    size = int(rate * kw.get("frame_length", 25.0) * 0.001)
    fft = 1 << (size - 1).bit_length()
    high = float(kw.get("high_freq", 0.0))
    vhigh = float(kw.get("vtln_high", -500.0))
    args = (
        int(kw.get("num_mel_bins", 23)),
        fft,
        rate,
        float(kw.get("low_freq", 20.0)),
        high,
        float(kw.get("vtln_low", 100.0)),
        vhigh,
        float(kw.get("vtln_warp", 1.0)),
    )
    b32 = ta_kaldi.get_mel_banks(*args)[0].numpy().astype(np.float64)
    with torch_default_dtype(torch.float64):
        b64 = ta_kaldi.get_mel_banks(*args)[0].numpy()
    return (
        f"torchaudio's Kaldi mel bank (get_mel_banks, float32) against its float64 build: "
        f"{fmt(float(np.abs(b32 - b64).max() / b64.max()))} of the largest weight (fastmel "
        "builds it in float64)"
    )


def kaldi_rows() -> list[Row]:
    import kaldi_native_fbank as knf
    import torch

    import fastmel.kaldi as fk

    torch.set_num_threads(1)
    rows: list[Row] = []
    ta64 = (
        "torchaudio.compliance.kaldi on float64 input with torch's default dtype float64 "
        "during the call (window, mel bank, DCT and lifter in float64)"
    )
    kinds = {"fbank": "natural", "mfcc": "cepstral", "spectrogram": "natural"}

    def torchaudio_kaldi_row(name: str, fn: str, kw: dict[str, Any]) -> None:
        args = ", ".join(f"{k}={v!r}" for k, v in kw.items())
        sep = ", " if args else ""
        fm = getattr(fk, fn)
        peer = torchaudio_kaldi(fn, kw)
        rows.append(
            Row(
                name,
                f"torchaudio.compliance.kaldi.{fn}(x{sep}{args})",
                f"fastmel.kaldi.{fn}(x{sep}{args})",
                kinds[fn],
                KALDI16,
                per_channel(lambda x2, c: fm(x2, channel=c, **kw)),
                peer,
                peer,
                ta64,
                scale=KALDI_SCALE,
                feature_axis=-1,
                show_frames=True,
            )
        )
        if fn != "spectrogram":
            rows[-1].notes.append(kaldi_bank_note(kw))

    torchaudio_kaldi_row("kaldi fbank default", "fbank", {})
    torchaudio_kaldi_row("kaldi fbank 80 bins", "fbank", {"num_mel_bins": 80})
    torchaudio_kaldi_row("kaldi fbank use_energy", "fbank", {"use_energy": True})
    torchaudio_kaldi_row("kaldi fbank no snip_edges", "fbank", {"snip_edges": False})
    torchaudio_kaldi_row("kaldi fbank hamming", "fbank", {"window_type": "hamming"})
    torchaudio_kaldi_row("kaldi fbank vtln_warp=0.9", "fbank", {"vtln_warp": 0.9})
    torchaudio_kaldi_row("kaldi mfcc default", "mfcc", {})
    torchaudio_kaldi_row("kaldi mfcc use_energy", "mfcc", {"use_energy": True})
    torchaudio_kaldi_row("kaldi mfcc htk_compat", "mfcc", {"htk_compat": True})
    torchaudio_kaldi_row("kaldi spectrogram default", "spectrogram", {})

    def knf_row(name: str, what: str, changes: dict[str, Any]) -> None:
        options, online, cls = {
            "Fbank": (knf.FbankOptions, knf.OnlineFbank, fk.Fbank),
            "Mfcc": (knf.MfccOptions, knf.OnlineMfcc, fk.Mfcc),
        }[what]

        def make() -> Any:
            opts = options()
            opts.frame_opts.dither = 0.0  # knf's default dither is random
            for key, value in changes.items():
                part, field_name = key.split(".")
                setattr(getattr(opts, part), field_name, value)
            return opts

        set_ = "".join(f"; opts.{k} = {v!r}" for k, v in changes.items())
        peer64 = torchaudio_kaldi(what.lower(), knf_to_torchaudio(make().as_dict(), what.lower()))
        rows.append(
            Row(
                name,
                f"opts = kaldi_native_fbank.{what}Options(); opts.frame_opts.dither = 0.0{set_}; "
                f"Online{what}(opts): accept_waveform(rate, x), input_finished(), "
                "get_frame(i) stacked",
                f"fastmel.kaldi.{what}.from_knf_options(opts)(x)",
                kinds[what.lower()],
                KALDI16,
                cls.from_knf_options(make()),
                knf_online(make, online),
                peer64,
                "kaldi-native-fbank has no float64 mode: torchaudio.compliance.kaldi."
                f"{what.lower()} in float64 (as in the torchaudio rows) with the equivalent "
                "keywords, so peer32 - peer64 is knf's own float32 error against it",
                scale=KALDI_SCALE,
                feature_axis=-1,
                show_frames=True,
            )
        )

    knf_row("kaldi-native Fbank default", "Fbank", {})
    knf_row("kaldi-native Fbank 80 bins", "Fbank", {"mel_opts.num_bins": 80})
    knf_row("kaldi-native Fbank no snip", "Fbank", {"frame_opts.snip_edges": False})
    knf_row("kaldi-native Mfcc default", "Mfcc", {})
    knf_row("kaldi-native Mfcc 80 bins", "Mfcc", {"mel_opts.num_bins": 80})
    knf_row("kaldi-native Mfcc no snip", "Mfcc", {"frame_opts.snip_edges": False})
    return rows


# -- MFCC presets: librosa.feature.mfcc and torchaudio.transforms.MFCC ------------------------


def mfcc_rows() -> list[Row]:
    import librosa
    import torch
    import torchaudio

    torch.set_num_threads(1)
    rows: list[Row] = []
    lib22 = Framing(22050, 2048, 512, 0.0, 11025.0)

    def librosa_mfcc_row(name: str, kw: dict[str, Any]) -> None:
        def run(x: np.ndarray) -> np.ndarray:
            extra = {"dtype": np.float64} if x.dtype == np.float64 else {}
            return np.asarray(librosa.feature.mfcc(y=x, sr=22050, **kw, **extra), np.float64)

        args = "".join(f", {k}={v!r}" for k, v in kw.items())
        layer = fastmel.MFCC.from_preset("librosa", **kw)
        rows.append(
            Row(
                name,
                f"librosa.feature.mfcc(y=x, sr=22050{args})",
                f'fastmel.MFCC.from_preset("librosa"{args})',
                "cepstral",
                lib22,
                layer,
                run,
                run,
                "librosa on float64 input with dtype=np.float64 filters (all float64)",
            )
        )
        fkw = {"sr": 22050, "n_fft": 2048, "n_mels": 128}
        rows[-1].notes.append(
            bank_note(
                librosa.filters.mel(**fkw).T,
                librosa.filters.mel(**fkw, dtype=np.float64).T,
                layer,
            )
        )

    librosa_mfcc_row("librosa MFCC", {})
    librosa_mfcc_row("librosa MFCC lifter=22", {"lifter": 22})

    def torchaudio_mfcc_row(name: str, kw: dict[str, Any], fm_kw: dict[str, Any]) -> None:
        def make() -> Any:
            return torchaudio.transforms.MFCC(**kw)

        t32 = make()
        with torch_default_dtype(torch.float64):
            t64 = make()

        def run32(x: np.ndarray) -> np.ndarray:
            return np.asarray(t32(torch.from_numpy(x)).numpy(), np.float64)

        def run64(x: np.ndarray) -> np.ndarray:
            return np.asarray(t64(torch.from_numpy(x)).numpy(), np.float64)

        args = ", ".join(f"{k}={v!r}" for k, v in kw.items())
        fm_args = "".join(f", {k}={v!r}" for k, v in fm_kw.items())
        layer = fastmel.MFCC.from_preset("torchaudio", **fm_kw)
        rows.append(
            Row(
                name,
                f"torchaudio.transforms.MFCC({args})(x)",
                f'fastmel.MFCC.from_preset("torchaudio"{fm_args})',
                "cepstral",
                Framing(16000, 400, 200, 0.0, 8000.0),
                layer,
                run32,
                run64,
                "torchaudio on float64 tensors, the transform built with torch's default "
                "dtype float64 (window, filter bank and DCT computed in float64)",
            )
        )
        rows[-1].notes.append(
            bank_note(t32.MelSpectrogram.mel_scale.fb, t64.MelSpectrogram.mel_scale.fb, layer)
        )
        dct32 = t32.dct_mat.numpy().astype(np.float64)
        dct64 = t64.dct_mat.numpy()
        rows[-1].notes.append(
            "torchaudio's DCT matrix (float32) against its float64 build: "
            f"{fmt(float(np.abs(dct32 - dct64).max()))}; fastmel's float64 DCT against it: "
            f"{fmt(float(np.abs(layer.dct_matrix().T - dct64).max()))}"
        )

    torchaudio_mfcc_row("torchaudio MFCC", {}, {})
    torchaudio_mfcc_row(
        "torchaudio MFCC log_mels",
        {"log_mels": True},
        {"log_mode": "natural", "log_offset": 1e-6, "top_db": None},
    )
    return rows


KERAS_CONFIGS = {
    "default": {},
    "speech": dict(fft_length=512, sequence_length=400, sequence_stride=160, num_mel_bins=80),
}


def keras_rows(backends: list[str]) -> list[Row]:
    rows = []
    for backend in backends:
        for cname, kw in KERAS_CONFIGS.items():
            layer = fastmel.MelSpectrogram(**kw)
            args = ", ".join(f"{k}={v}" for k, v in kw.items())
            rows.append(
                Row(
                    f"Keras {cname} ({backend})",
                    f"keras.layers.MelSpectrogram({args})(x)  # KERAS_BACKEND={backend}",
                    f"fastmel.MelSpectrogram({args})",
                    "db",
                    Framing(
                        layer.sampling_rate,
                        layer.fft_length,
                        layer.sequence_stride,
                        float(layer.min_freq),
                        float(layer.max_freq),
                    ),
                    layer,
                    ref64="Keras's layer on JAX with JAX_ENABLE_X64=1, floatx float64, "
                    "dtype='float64', its linear_to_mel_weight_matrix called with "
                    "dtype='float64' (the layer's own call builds the bank in float32 "
                    "whatever the dtype)",
                    keras={"backend": backend, "config": cname, "kwargs": kw},
                )
            )
    return rows


# -- Keras in a child process ---------------------------------------------------------------


KERAS_CHILDREN = {
    # name: (KERAS_BACKEND, extra environment)
    "numpy": ("numpy", {}),
    "jax": ("jax", {}),
    "jax-x64": ("jax", {"JAX_ENABLE_X64": "1"}),
}


def keras_worker(child: str, folder: str) -> None:
    """Child: compute every Keras case of `folder/signals.npz` as `child` says.

    "numpy", "jax": the float32 layer on the float32 samples ("|32"); "numpy"
    also runs a dtype="float64" layer ("|np64"), which Keras's numpy backend
    computes in float32. "jax-x64": the float64 reference ("|64"): JAX with
    64-bit types, floatx float64, and the layer's filter bank asked for in the
    compute dtype (Keras's call builds it in float32 whatever the dtype).
    """
    import keras

    assert keras.backend.backend() == KERAS_CHILDREN[child][0], keras.backend.backend()
    d = pathlib.Path(folder)
    with np.load(d / "signals.npz") as z:
        signals = {k: z[k] for k in z.files}
    jobs = json.loads((d / "jobs.json").read_text())

    class Keras64(keras.layers.MelSpectrogram):
        def linear_to_mel_weight_matrix(self, *args: Any, **kwargs: Any) -> Any:
            kwargs["dtype"] = self.compute_dtype
            return super().linear_to_mel_weight_matrix(*args, **kwargs)

    if child == "jax-x64":
        keras.config.set_floatx("float64")
        makers = {"64": lambda kw: Keras64(**kw, dtype="float64")}
    elif child == "numpy":
        makers = {
            "32": lambda kw: keras.layers.MelSpectrogram(**kw),
            "np64": lambda kw: keras.layers.MelSpectrogram(**kw, dtype="float64"),
        }
    else:
        makers = {"32": lambda kw: keras.layers.MelSpectrogram(**kw)}
    layers = {(c, s): make(kw) for c, kw in KERAS_CONFIGS.items() for s, make in makers.items()}
    out: dict[str, np.ndarray] = {}
    errors: dict[str, str] = {}
    for key, cname in jobs.items():
        for suffix in makers:
            x = signals[key] if suffix == "32" else signals[key].astype(np.float64)
            try:
                y = layers[(cname, suffix)](x)
                out[f"{key}|{suffix}"] = np.asarray(keras.ops.convert_to_numpy(y))
            except Exception as e:  # the peer may refuse a case; report it
                errors[f"{key}|{suffix}"] = f"{type(e).__name__}: {short(e)}"
    for (cname, suffix), layer in layers.items():
        if suffix in ("32", "64"):  # the bank as the layer's call builds it
            bank = layer.linear_to_mel_weight_matrix(
                num_mel_bins=layer.num_mel_bins,
                num_spectrogram_bins=layer.fft_length // 2 + 1,
                sampling_rate=layer.sampling_rate,
                lower_edge_hertz=layer.min_freq,
                upper_edge_hertz=layer.max_freq,
            )
            out[f"bank|{cname}|{suffix}"] = np.asarray(keras.ops.convert_to_numpy(bank))
    versions = {"keras": keras.__version__, "backend": keras.backend.backend()}
    if keras.backend.backend() == "jax":
        import jax

        versions["jax"] = jax.__version__
        versions["x64"] = str(jax.config.jax_enable_x64)
    if child == "jax-x64":
        versions["floatx"] = keras.config.floatx()
    np.savez(d / f"keras_{child}.npz", **out)
    (d / f"keras_{child}.json").write_text(json.dumps({"errors": errors, "versions": versions}))


def short(e: Exception) -> str:
    """An exception's message: its first line, at most 60 characters."""
    text = (str(e).strip().splitlines() or [""])[0]
    return text if len(text) <= 60 else text[:57] + "..."


def run_keras(rows: list[Row], children: list[str], signals: dict) -> dict[str, Any]:
    """Run the Keras children; returns {child: (outputs, errors, versions)}."""
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        d = pathlib.Path(tmp)
        arrays, jobs = {}, {}
        for row in rows:
            if row.keras is None:
                continue
            for case, x in signals[row.name].items():
                key = f"{row.keras['config']}|{case}"
                arrays[key] = x
                jobs[key] = row.keras["config"]
        np.savez(d / "signals.npz", **arrays)
        (d / "jobs.json").write_text(json.dumps(jobs))
        for child in children:
            backend, extra = KERAS_CHILDREN[child]
            env = dict(os.environ, KERAS_BACKEND=backend, **extra)
            cmd = [sys.executable, str(pathlib.Path(__file__).resolve()), "--keras-worker"]
            proc = subprocess.run(
                [*cmd, child, tmp], env=env, capture_output=True, text=True, check=False
            )
            if proc.returncode != 0:
                results[child] = ({}, {"*": proc.stderr.strip()[-600:]}, {})
                continue
            with np.load(d / f"keras_{child}.npz") as z:
                outs = {k: z[k] for k in z.files}
            meta = json.loads((d / f"keras_{child}.json").read_text())
            results[child] = (outs, meta["errors"], meta["versions"])
    return results


# -- comparison --------------------------------------------------------------------------------


def compare(
    got: np.ndarray, ref: np.ndarray, kind: str, feature_axis: int = -2
) -> tuple[float, float, bool]:
    """(all, near, absolute): the differences described in the module docstring (for
    cepstral outputs: abs, rel to the largest |coefficient| along `feature_axis`)."""
    got = np.asarray(got, np.float64)
    ref = np.asarray(ref, np.float64)
    if got.shape != ref.shape:
        raise ValueError(f"shapes differ: {got.shape} vs {ref.shape}")
    d = np.abs(got - ref)
    if kind == "cepstral":
        top = np.abs(ref).max(axis=feature_axis, keepdims=True)
        zero = np.broadcast_to(top < CEPS_ZERO, d.shape)
        rel = np.where(zero, d, d / np.where(zero, 1.0, top))
        worst = float(rel.max())
        return float(d.max()), worst, bool(zero.any()) and worst == float(d[zero].max())
    power = TO_POWER[kind](ref)
    peak = power.max()
    near = power >= peak * 10.0 ** (-NEAR_DB / 10.0)
    if kind != "power":
        return float(d.max()), float(d[near].max()), False
    if peak == 0:
        return float(d.max()), float(d.max()), True
    rel = d[near] / np.maximum(ref[near], np.finfo(np.float64).tiny)
    return float(d.max() / peak), float(rel.max()), False


def fmt(v: float | None, absolute: bool = False) -> str:
    if v is None:
        return "-"
    if v == 0:
        return "0"
    return f"{v:.2g}" + ("a" if absolute else "")


def run_row(row: Row, cases: dict[str, np.ndarray], keras_out: Any) -> dict[str, Any]:
    """Compute every case of a row; returns the per-case figures and the worst."""
    assert row.layer is not None
    per_case: dict[str, dict[str, Any]] = {}
    for case, x in cases.items():
        x32 = x if row.scale == 1.0 else (x * np.float32(row.scale)).astype(np.float32)
        x64 = x32.astype(np.float64)
        res: dict[str, Any] = {"errors": []}
        outs: dict[str, np.ndarray | None] = {
            "fm32": row.layer(x32).astype(np.float64),
            "fm64": row.layer(x64),
        }
        if row.keras is not None:
            key = f"{row.keras['config']}|{case}"
            for label, child, suffix in (
                ("peer32", row.keras["backend"], "32"),
                ("peer64", "jax-x64", "64"),
            ):
                got, errors, _ = keras_out.get(child, ({}, {"*": "not run"}, {}))
                outs[label] = got.get(f"{key}|{suffix}")
                for k in (f"{key}|{suffix}", "*"):
                    if k in errors:
                        res["errors"].append(f"Keras {child} {label}: {errors[k]}")
            if row.keras["backend"] == "numpy":
                got = keras_out["numpy"][0]
                a, b = got.get(f"{key}|32"), got.get(f"{key}|np64")
                res["np64 same"] = None if a is None or b is None else bool(np.array_equal(a, b))
        else:
            failed: dict[str, str] = {}
            for label, fn, xin in (("peer32", row.peer32, x32), ("peer64", row.peer64, x64)):
                try:
                    outs[label] = None if fn is None else fn(xin)
                except Exception as e:  # the peer may refuse a case; report it
                    outs[label] = None
                    failed[label] = f"{type(e).__name__}: {short(e)}"
                    if not row.show_frames:
                        res["errors"].append(f"{label}: {failed[label]}")
            if row.show_frames:
                frames_axis = -1 if row.feature_axis == -2 else -2
                frames = outs["fm32"].shape[frames_axis]  # type: ignore[union-attr]
                for msg in sorted(set(failed.values())):
                    who = " and ".join(k for k, v in failed.items() if v == msg)
                    res["errors"].append(
                        f"peer raises ({who}): {msg}; fastmel gives {frames} "
                        f"frame{'' if frames == 1 else 's'}"
                    )
        empty = []
        for title, a, b in COMPARISONS:
            if outs.get(a) is None or outs.get(b) is None:
                res[title] = None
                continue
            got, ref = outs[a], outs[b]
            if got.size == 0 and ref.size == 0 and got.shape == ref.shape:  # type: ignore
                res[title] = None  # nothing to compare: both give no frame
                empty.append(title)
                continue
            try:
                res[title] = compare(got, ref, row.kind, row.feature_axis)  # type: ignore
            except ValueError as e:
                res[title] = None
                res["errors"].append(f"{title}: {e}")
        if empty:
            shape = outs[COMPARISONS[0][1]].shape  # type: ignore[union-attr]
            res["errors"].append(f"no frame: both sides give shape {shape} ({', '.join(empty)})")
        per_case[case] = res
    worst: dict[str, Any] = {}
    for title, _, _ in COMPARISONS:
        for part in (0, 1):
            best = None
            for case, res in per_case.items():
                v = res[title]
                if v is not None and (best is None or not v[part] <= best[0]):
                    best = (v[part], case, v[2] and not (row.kind == "cepstral" and part == 0))
            worst[(title, part)] = best
    return {"cases": per_case, "worst": worst}


def part_labels(row: Row) -> tuple[str, str]:
    """The names of a row's two figures."""
    return ("abs", "rel") if row.kind == "cepstral" else ("all", "near")


def say(text: str) -> None:
    """Print a row's line of prose, wrapped at 100 columns and indented."""
    print(textwrap.fill(text, 100, initial_indent="   ", subsequent_indent="       "))


def print_row(row: Row, result: dict[str, Any]) -> None:
    print()
    print(f"== {row.name}  [{UNITS[row.kind]}]")
    say(f"peer:    {row.call}")
    say(f"fastmel: {row.fastmel_call}")
    say(f"float64 reference: {row.ref64}")
    for note in row.notes:
        say(f"note: {note}")
    labels = part_labels(row)
    head = "".join(f"{t:>17s}" for t, _, _ in COMPARISONS)
    sub = "".join(f"{labels[0]:>9s}{labels[1]:>8s}" for _ in COMPARISONS)
    print(f"   {'case':25s}{head}")
    print(f"   {'':25s}{sub}")
    for case, res in result["cases"].items():
        cells = []
        for title, _, _ in COMPARISONS:
            v = res[title]
            if v is None:
                cells.append(f"{'-':>9s}{'-':>8s}")
            else:
                first, second = fmt(v[0], v[2] and row.kind != "cepstral"), fmt(v[1], v[2])
                if len(second) < 8:
                    cells.append(f"{first:>9s}{second:>8s}")
                else:  # keep a space between the two
                    cells.append(f"{first:>8s} {second:>8s}")
        print(f"   {case[:25]:25s}{''.join(cells)}")
        for err in res["errors"]:
            print(f"       ({err})")
    same = [r["np64 same"] for r in result["cases"].values() if r.get("np64 same") is not None]
    if same:
        say(
            f"Keras's numpy backend with dtype='float64' (not used as the reference): output "
            f"bit-identical to its float32 output in {sum(same)} of {len(same)} cases (its stft "
            "converts the input to float32)"
        )
    print("   worst:")
    for title, _, _ in COMPARISONS:
        parts = []
        for part, label in enumerate(labels):
            w = result["worst"][(title, part)]
            parts.append("-" if w is None else f"{label} {fmt(w[0], w[2])} ({w[1]})")
        print(f"     {title:16s} " + "; ".join(parts))


def scope_check(row: Row, cases: dict[str, np.ndarray]) -> None:
    """For the 4-D row: how far each top_db_scope is from the peer, so the scope is seen to
    matter (worst fm32 - peer32 in dB over the cases the peer computes)."""
    assert row.layer is not None and row.peer32 is not None
    worst: dict[str, float] = {}
    for x in cases.values():
        try:
            want = row.peer32(x)
        except Exception:  # cases the peer refuses are reported in the table
            continue
        for scope in ("batch", "example", "channels"):
            try:
                layer = row.layer.replace(top_db_scope=scope)
            except ValueError:
                continue
            d = float(np.abs(layer(x).astype(np.float64) - want).max())
            worst[scope] = max(worst.get(scope, 0.0), d)
    shown = ", ".join(f'"{k}" {fmt(v)}' for k, v in worst.items())
    say(f"top_db_scope check, worst fm32 - peer32 in dB with each scope: {shown}")


def bank_check(row: Row, keras_out: dict[str, Any]) -> None:
    """For a Keras row: its float32 filter bank against fastmel's and against the float64
    one (the largest source of the float32 differences there)."""
    assert row.layer is not None and row.keras is not None
    cname = row.keras["config"]
    bank32 = keras_out.get(row.keras["backend"], ({},))[0].get(f"bank|{cname}|32")
    bank64 = keras_out.get("jax-x64", ({},))[0].get(f"bank|{cname}|64")
    if bank32 is None or bank64 is None:
        say("filter bank: not available from the Keras children")
        return
    fm32 = row.layer.filter_bank("float32")
    fm64 = row.layer.filter_bank("float64")
    inside = bank64 > 0
    rel = np.abs(bank32.astype(np.float64) - bank64)[inside] / bank64[inside]
    say(
        f"filter bank ({bank32.dtype}, as the layer's call builds it): max |w - fastmel "
        f"float32 w| {fmt(float(np.abs(bank32.astype(np.float64) - fm32).max()))}; vs the "
        f"float64 bank {fmt(float(np.abs(bank32 - bank64).max()))} (largest relative "
        f"{fmt(float(rel.max()))}); fastmel float32 vs float64 bank "
        f"{fmt(float(np.abs(fm32 - bank64).max()))}; fastmel float64 vs it "
        f"{fmt(float(np.abs(fm64 - bank64).max()))}"
    )


def print_surprises(rows: list[Row], results: dict[str, Any]) -> None:
    """Per row, the cases where fastmel float32 is more than twice as far from the peer's
    float64 result as the peer's own float32 result is (ignoring gaps below 1e-6)."""
    print()
    print("== where fastmel float32 is farther from the float64 result than the peer's float32")
    print("   (fm32 - peer64 > 2 x peer32 - peer64, and > 1e-6; figures in the row's units)")
    found = False
    for row in rows:
        for part, label in enumerate(part_labels(row)):
            hits = []
            for case, res in results[row.name]["cases"].items():
                a, b = res["fm32 - peer64"], res["peer32 - peer64"]
                if a is not None and b is not None and a[part] > 2 * b[part] and a[part] > 1e-6:
                    hits.append((a[part], b[part], case))
            if not hits:
                continue
            found = True
            a, b, case = max(hits)
            n = len(results[row.name]["cases"])
            print(
                f"  {row.name:24s} {label:4s} {len(hits):2d}/{n}, worst {case}: "
                f"fm32 {fmt(a)}, peer32 {fmt(b)}"
            )
    if not found:
        print("  none")


def print_summary(rows: list[Row], results: dict[str, Any]) -> None:
    print()
    print("== summary: worst over the hard cases (the friendly case excluded), all / near")
    head = "".join(f"{t:>16s}" for t, _, _ in COMPARISONS)
    print(f"{'row':26s}{'units':>8s}{head}")
    for row in rows:
        result = results[row.name]
        cells = []
        for title, _, _ in COMPARISONS:
            vals = [
                res[title]
                for case, res in result["cases"].items()
                if not case.startswith("friendly") and res[title] is not None
            ]
            if not vals:
                cells.append(f"{'-':>16s}")
                continue
            a = max(v[0] for v in vals)
            n = max(v[1] for v in vals)
            cells.append(f"{fmt(a) + '/' + fmt(n):>16s}")
        units = {
            "db": "dB",
            "power": "peak|rel",
            "whisper": "w.units",
            "natural": "ln",
            "cepstral": "ceps|rel",
        }[row.kind]
        print(f"{row.name[:26]:26s}{units:>8s}{''.join(cells)}")
    print("friendly case alone (noise + swept tone, the golden-file signal), fm32 - peer32:")
    for row in rows:
        res = results[row.name]["cases"]["friendly (noise+sweep)"]["fm32 - peer32"]
        print(f"  {row.name:28s} {'-' if res is None else fmt(res[0]) + ' / ' + fmt(res[1])}")


def print_kaldi_facts() -> None:
    """Where torchaudio.compliance.kaldi and kaldi-native-fbank disagree, measured here,
    and what fastmel.kaldi does in each case."""
    import inspect

    import kaldi_native_fbank as knf
    import torch
    import torchaudio.compliance.kaldi as ta_kaldi

    import fastmel.kaldi as fk

    def ta_default(fn: Any, name: str) -> Any:
        return inspect.signature(fn).parameters[name].default

    def knf_run(opts: Any, x: np.ndarray, online: Any = knf.OnlineFbank) -> np.ndarray:
        return knf_online(lambda: opts, online)(x.astype(np.float32))

    print()
    print("== where the Kaldi references disagree (measured here), and what fastmel.kaldi does")
    silence = np.zeros(16000, np.float32)
    fo, mo = knf.FbankOptions(), knf.MfccOptions()
    runs = [knf_run(knf.FbankOptions(), silence) for _ in range(2)]
    fo0 = knf.FbankOptions()
    fo0.frame_opts.dither = 0.0
    seeded = fk.Fbank.from_knf_options(fo, dither_seed=1)
    fresh = fk.Fbank.from_knf_options(fo)
    say(
        f"dither: torchaudio's default {ta_default(ta_kaldi.fbank, 'dither')}, knf's "
        f"{fo.frame_opts.dither:.3g}. knf twice on the same digital silence with its default: "
        f"outputs differ by up to {fmt(float(np.abs(runs[0] - runs[1]).max()))} ln units "
        f"(mean {runs[0].mean():.4g}; with dither 0 {knf_run(fo0, silence).mean():.4g}). "
        f"fastmel: fastmel.kaldi.fbank's default {ta_default(fk.fbank, 'dither')}, "
        f"from_knf_options(FbankOptions()) {fresh.dither:.3g}; seeded (dither_seed=1) twice "
        f"{'bit-identical' if np.array_equal(seeded(silence), seeded(silence)) else 'DIFFER'}, "
        f"unseeded twice "
        f"{'differ' if not np.array_equal(fresh(silence), fresh(silence)) else 'identical'}"
    )
    ta_energy = ta_kaldi.fbank(torch.from_numpy(silence)[None], use_energy=True)[:, 0]
    fe = knf.FbankOptions()
    fe.frame_opts.dither = 0.0
    fe.use_energy = True
    say(
        f"energy_floor: torchaudio's default {ta_default(ta_kaldi.fbank, 'energy_floor')}, "
        f"knf's {fo.energy_floor}. The log-energy column (use_energy=True) of digital silence: "
        f"torchaudio {float(ta_energy.max()):.4g} (floored at log 1), knf "
        f"{float(knf_run(fe, silence)[:, 0].max()):.4g} (log FLT_EPSILON); fastmel.kaldi.fbank "
        f"{float(fk.fbank(silence, use_energy=True)[:, 0].max()):.4g}, from_knf_options "
        f"{float(fk.Fbank.from_knf_options(fe)(silence)[:, 0].max()):.4g}"
    )
    mo0 = knf.MfccOptions()
    mo0.frame_opts.dither = 0.0
    say(
        f"MFCC use_energy: torchaudio's default {ta_default(ta_kaldi.mfcc, 'use_energy')}, "
        f"knf's MfccOptions {mo.use_energy} (C0 replaced by the log-energy; energy_floor "
        f"{mo.energy_floor}). fastmel: fastmel.kaldi.mfcc's default "
        f"{ta_default(fk.mfcc, 'use_energy')}, Mfcc.from_knf_options(MfccOptions()) "
        f"{fk.Mfcc.from_knf_options(mo0).use_energy}"
    )
    # Frame sizes: int(rate * ms * 0.001) in double (torchaudio, Kaldi) against knf's float32.
    f32 = np.float32
    rate = 22050.0
    grid = np.round(np.arange(10000, 50001) * 0.001, 3)
    ta_n = np.array([int(rate * ms * 0.001) for ms in grid])
    knf_n = np.array([int(f32(f32(rate) * f32(0.001)) * f32(ms)) for ms in grid])
    differ = grid[ta_n != knf_n]
    ms = 30.839
    ta_w = int(rate * ms * 0.001)
    k = knf.FbankOptions()
    k.frame_opts.dither = 0.0
    k.frame_opts.samp_freq = rate
    k.frame_opts.frame_length_ms = ms
    knf_frames = {n: knf_run(k, np.ones(n, np.float32)).shape[0] for n in (ta_w, ta_w + 1)}
    knf_w = ta_w if knf_frames[ta_w] == 1 else ta_w + 1
    fm = fk.Fbank(sample_frequency=rate, frame_length=ms)
    fmk = fk.Fbank.from_knf_options(k)
    default = fk.Fbank(sample_frequency=rate)
    say(
        f"frame sizes at 22.05 kHz: the defaults (25 ms, 10 ms) are {default.window_size} and "
        f"{default.window_shift} samples (FFT {default.fft_length}) for both. knf counts in "
        f"float32: of the frame lengths 10.000 to 50.000 ms in 0.001 ms steps, {differ.size} "
        f"give knf one sample more than torchaudio's int(rate * ms * 0.001) (first: "
        f"{', '.join(f'{v:.3f}' for v in differ[:3])} ms). Measured at {ms} ms: torchaudio "
        f"{ta_w} samples, knf {knf_w} (its frames for {ta_w} and {ta_w + 1} samples: "
        f"{knf_frames[ta_w]}, {knf_frames[ta_w + 1]}); fastmel.kaldi.Fbank {fm.window_size}, "
        f"from_knf_options {fmk.window_size}"
    )
    parts = []
    for n in (100, 384):
        x = np.ones(n, np.float32)
        try:
            ta_kaldi.fbank(torch.from_numpy(x)[None])
            ta = "computes"
        except Exception as e:
            ta = f"raises {type(e).__name__}: {short(e)}"
        counts = []
        for snip in (True, False):
            ko = knf.FbankOptions()
            ko.frame_opts.dither = 0.0
            ko.frame_opts.snip_edges = snip
            counts.append(
                f"snip_edges={snip}: knf {knf_run(ko, x).shape[0]}, fastmel.kaldi.fbank "
                f"{fk.fbank(x, snip_edges=snip).shape[0]}, from_knf_options "
                f"{fk.Fbank.from_knf_options(ko)(x).shape[0]}"
            )
        parts.append(f"{n} samples: torchaudio {ta}; frames with " + "; ".join(counts))
    say("signals shorter than one frame (400 samples at 16 kHz): " + ". ".join(parts))


# -- header -----------------------------------------------------------------------------------


def version_of(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def print_header(keras_versions: dict[str, Any]) -> None:
    cpu = platform.processor() or "?"
    with contextlib.suppress(OSError):
        for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    print("fastmel accuracy against the peers on hard signals (python bench/accuracy.py)")
    print(f"machine: {cpu}, {os.cpu_count()} cores, {platform.platform()}")
    print(f"python {platform.python_version()} ({sys.executable})")
    with contextlib.redirect_stdout(io.StringIO()):
        info = fastmel.show_config()
    where = pathlib.Path(fastmel.__file__).parent
    origin = ""
    with contextlib.suppress(Exception):  # how pip installed it, when it says
        from importlib.metadata import distribution

        url = json.loads(distribution("fastmel").read_text("direct_url.json") or "{}")
        editable = url.get("dir_info", {}).get("editable", False)
        origin = f", installed from {url['url']}{' (editable)' if editable else ''}"
    built = ""
    cores = sorted(where.glob("_core*.so"))
    if cores:
        stamp = datetime.datetime.fromtimestamp(cores[0].stat().st_mtime)
        built = f", core built {stamp:%Y-%m-%d %H:%M}"
    line = f"fastmel {fastmel.__version__} in {where}{origin}{built}, kernel {info['kernel']}"
    print(textwrap.fill(line, 100, subsequent_indent="    "))
    names = ["numpy", "scipy", "torch", "torchaudio", "librosa", "openai-whisper", "keras"]
    names += ["jax", "jaxlib", "kaldi-native-fbank"]
    packages = "packages: " + ", ".join(f"{n} {version_of(n)}" for n in names)
    print(textwrap.fill(packages, 100, subsequent_indent="    "))
    for backend, v in keras_versions.items():
        print(f"keras child ({backend}): " + ", ".join(f"{k} {x}" for k, x in v.items()))
    print(
        f"threads: torch 1; near = within {NEAR_DB:g} dB of the peak power of the reference "
        "(the second of each pair)"
    )
    print(__doc__.split("For each case four differences are printed:")[1].rstrip())


# -- main -------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--only", nargs="*", default=[], help="rows whose name contains any of these")
    p.add_argument(
        "--keras-backends",
        default="numpy,jax",
        help="comma-separated Keras backends to measure (default numpy,jax; empty for none); "
        "the float64 reference always comes from Keras on JAX with 64-bit types",
    )
    p.add_argument("--keras-worker", nargs=2, metavar=("BACKEND", "DIR"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.keras_worker:
        keras_worker(*args.keras_worker)
        return
    backends = [b for b in args.keras_backends.split(",") if b]
    rows = keras_rows(backends) + torch_rows() + kaldi_rows() + mfcc_rows()
    if args.only:
        rows = [r for r in rows if any(o.lower() in r.name.lower() for o in args.only)]
    signals: dict[str, dict[str, np.ndarray]] = {}
    for row in rows:
        cases = hard_signals(row.framing)
        signals[row.name] = batch_channels(cases) if row.four_d else cases
    keras_out: dict[str, Any] = {}
    used = sorted({r.keras["backend"] for r in rows if r.keras is not None})
    if used:
        # the jax-x64 child makes the float64 reference for every backend
        keras_out = run_keras(rows, [*used, "jax-x64"], signals)
    print_header({b: v[2] for b, v in keras_out.items()})
    results = {}
    for row in rows:
        results[row.name] = run_row(row, signals[row.name], keras_out)
        print_row(row, results[row.name])
        if row.four_d:
            scope_check(row, signals[row.name])
        if row.keras is not None:
            bank_check(row, keras_out)
    if any(r.show_frames for r in rows):
        print_kaldi_facts()
    print_surprises(rows, results)
    print_summary(rows, results)


if __name__ == "__main__":
    main()
