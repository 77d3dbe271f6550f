"""atheris harness for fastmel.kaldi's classes and fastmel.transformers'
extractors: every option, any input.

    pip install atheris && python tests/fuzz/fuzz_frontends.py -max_total_time=600 \
        -max_len=4096 -artifact_prefix=build/fuzz/ build/fuzz/frontends-corpus

A front end is built from plausible or arbitrary values of its keywords (as
fuzz_layer.py draws them; kaldi-native-fbank option dicts too), then called
on signals of any dtype, shape and values, as a single array, a list of clips
or a padded batch with ``lengths=``. A call may raise ValueError or TypeError
with a message; anything else is a finding. Accepted calls must:
  - Kaldi: give ``(..., num_frames(n), num_features)`` in the documented
    dtype; the same values with any num_threads and after a pickle; each row
    of a ``lengths=`` batch as the row alone (frames past its own: 0); a
    stream in random pieces equal to the call (without dither or
    ``subtract_mean``, which need the whole signal or draw per call);
  - transformers: give the documented keys with float32 features of one
    shape per batch, the same values with any num_threads and after a pickle
    (without dither).
"""

import pickle
import sys

import atheris
import numpy as np
from fuzz_layer import instrument_fastmel, value

import fastmel.kaldi as fk
import fastmel.transformers as ft

ACCEPTED = (ValueError, TypeError)
MAX_SAMPLES = 40_000

KALDI = {
    "blackman_coeff": [0.42, 0.5, 0.0],
    "dither": [0.0, 1.0],
    "energy_floor": [1.0, 0.0, 5.0],
    "frame_length": [25.0, 10.0, 64.0, 1.0],
    "frame_shift": [10.0, 5.0, 25.0, 0.5],
    "min_duration": [0.0, 0.5, 0.1],
    "preemphasis_coefficient": [0.97, 0.0, 1.0],
    "raw_energy": [True, False],
    "remove_dc_offset": [True, False],
    "round_to_power_of_two": [True, False],
    "sample_frequency": [16000.0, 8000.0, 22050.0, 44100.0],
    "snip_edges": [True, False],
    "subtract_mean": [False, True],
    "window_type": ["povey", "hamming", "hanning", "rectangular", "blackman", "hann", "sine"],
    "high_freq": [0.0, -400.0, 7000.0],
    "htk_compat": [False, True],
    "low_freq": [20.0, 0.0, 300.0],
    "num_mel_bins": [23, 80, 4, 128],
    "use_energy": [False, True],
    "vtln_high": [-500.0, 6000.0],
    "vtln_low": [100.0, 400.0],
    "vtln_warp": [1.0, 0.9, 1.1, 0.5],
    "use_log_fbank": [True, False],
    "use_power": [True, False],
    "num_ceps": [13, 1, 40],
    "cepstral_lifter": [22.0, 0.0],
    "is_librosa": [False, True],
    "norm": ["slaney", ""],
    "use_slaney_mel_scale": [True, False],
    "floor_to_int_bin": [False, True],
    "htk_mode": [False, True],
    "use_log_floor": [True, False],
    "eps": [1e-10, 1e-6],
    "dither_seed": [None, 0, 7],
    "num_threads": [None, 1, 2],
}
KALDI_CLASSES = [fk.Fbank, fk.Mfcc, fk.Spectrogram]

EXTRACTORS = {
    ft.WhisperFeatureExtractor: {
        "feature_size": [80, 128, 1],
        "sampling_rate": [16000, 8000],
        "hop_length": [160, 100, 1],
        "chunk_length": [30, 1, 2],
        "n_fft": [400, 512, 64],
        "padding_value": [0.0, 1.0],
        "dither": [0.0],
        "return_attention_mask": [False, True],
    },
    ft.ASTFeatureExtractor: {
        "num_mel_bins": [128, 40, 4],
        "max_length": [1024, 10, 1],
        "do_normalize": [True, False],
        "mean": [-4.2677393, 0.0],
        "std": [4.5689974, 1.0, 0.0],
        "return_attention_mask": [False, True],
    },
    ft.SeamlessM4TFeatureExtractor: {
        "num_mel_bins": [80, 128, 4],
        "padding_value": [0.0, 1.0],
        "stride": [2, 1, 3],
        "sampling_rate": [16000, 44100],
    },
    ft.ParakeetFeatureExtractor: {
        "feature_size": [80, 64, 1],
        "hop_length": [160, 10],
        "n_fft": [512, 256, 1024],
        "win_length": [400, 256, 1],
        "preemphasis": [0.97, None, 0.0],
        "padding_value": [0.0, 1.0],
        "padding_side": ["right", "left"],
    },
}
CALL_KWARGS = {
    "padding": [True, "longest", "max_length", False, "do_not_pad"],
    "max_length": [None, 0, 1, 160, 16000, 3000],
    "truncation": [False, True],
    "pad_to_multiple_of": [None, 2, 3, 128],
    "return_attention_mask": [None, True, False],
}


def options(fdp, plausible):
    params = {}
    for key, values in plausible.items():
        if fdp.ConsumeIntInRange(0, 2) == 0:
            params[key] = fdp.PickValueInList(values) if fdp.ConsumeIntInRange(0, 3) else value(fdp)
    return params


def signal(fdp):
    lead = tuple(fdp.ConsumeIntInRange(0, 3) for _ in range(fdp.ConsumeIntInRange(0, 2)))
    n = fdp.ConsumeIntInRange(0, 6000)
    size = int(np.prod(lead + (n,)))
    raw = np.frombuffer(fdp.ConsumeBytes(4 * size).ljust(4 * size, b"\0"), dtype=np.float32)
    x = raw.reshape(lead + (n,))
    dtype = fdp.PickValueInList([np.float32, np.float64, np.int16, np.float16, np.complex64])
    with np.errstate(all="ignore"):
        return x.astype(dtype)


KNF = {
    "frame_opts": {
        "samp_freq": [16000.0, 8000.0, 22050.0],
        "frame_shift_ms": [10.0, 12.5],
        "frame_length_ms": [25.0, 30.839],
        "dither": [0.0],
        "preemph_coeff": [0.97, 0.0],
        "window_type": ["povey", "hann", "sine", "hamming"],
        "snip_edges": [True, False],
        "frame_lenght_ms": [25.0],  # misspelt: must be refused
    },
    "mel_opts": {
        "num_bins": [23, 80, 3],
        "low_freq": [20.0, 0.0],
        "high_freq": [0.0, -400.0],
        "is_librosa": [False, True],
        "norm": ["slaney", ""],
        "htk_mode": [False, True],
        "debug_mel": [False],
    },
    "top": {"use_energy": [False, True], "energy_floor": [0.0, 1.0], "use_log_floor": [True]},
}


def knf_options(fdp):
    d = {g: options(fdp, KNF[g]) for g in ("frame_opts", "mel_opts")}
    d.update(options(fdp, KNF["top"]))
    return d


def check_kaldi(fdp):
    cls = fdp.PickValueInList(KALDI_CLASSES)
    try:
        if cls is not fk.Spectrogram and fdp.ConsumeIntInRange(0, 4) == 0:
            front = cls.from_knf_options(knf_options(fdp))
        else:
            front = cls(**options(fdp, KALDI))
    except ACCEPTED:
        return
    x = signal(fdp)
    if x.size > MAX_SAMPLES or front.num_features > 4096:
        return
    try:
        y = front(x)
    except ACCEPTED:
        return
    n = x.shape[-1]
    if y.shape != x.shape[:-1] + (front.num_frames(n), front.num_features):
        raise AssertionError(f"{front!r}: shape {y.shape} for {x.shape}")
    want = x.dtype if x.dtype in (np.float32, np.float64) else np.dtype(np.float32)
    if y.dtype != want:
        raise AssertionError(f"{front!r}: dtype {y.dtype} for {x.dtype}")
    seeded = not front.dither or front.dither_seed is not None
    if seeded:
        threads = fdp.PickValueInList([2, 3, -1])
        if not np.array_equal(front(x, num_threads=threads), y, equal_nan=True):
            raise AssertionError(f"{front!r}: num_threads={threads} changed the values")
        if not np.array_equal(pickle.loads(pickle.dumps(front))(x), y, equal_nan=True):
            raise AssertionError(f"{front!r}: a pickle computes otherwise")
    if seeded and x.ndim == 2 and x.shape[0] and not front.subtract_mean and fdp.ConsumeBool():
        lengths = [fdp.ConsumeIntInRange(0, n) for _ in range(x.shape[0])]
        out, counts = front(x, lengths=lengths)
        for r, m in enumerate(lengths):
            alone = front(x[r, :m]) if m else np.zeros((0, front.num_features), out.dtype)
            if counts[r] != alone.shape[0] or not np.array_equal(
                out[r, : counts[r]], alone, equal_nan=True
            ):
                raise AssertionError(f"{front!r}: row {r} of lengths {lengths} != alone")
            if np.any(out[r, counts[r] :] != 0):
                raise AssertionError(f"{front!r}: frames past row {r}'s own are not 0")
    if not front.dither and not front.subtract_mean and x.ndim and n:
        try:
            stream = front.stream()
        except ACCEPTED:
            return
        cuts = sorted(fdp.ConsumeIntInRange(0, n) for _ in range(fdp.ConsumeIntInRange(0, 5)))
        edges = [0, *cuts, n]
        parts = [stream.push(x[..., a:b]) for a, b in zip(edges[:-1], edges[1:], strict=True)]
        got = np.concatenate([*parts, stream.flush()], axis=-2)
        if got.shape != y.shape or not np.array_equal(got, y, equal_nan=True):
            raise AssertionError(f"{front!r}: a stream differs from the call")


def check_extractor(fdp):
    cls = fdp.PickValueInList(list(EXTRACTORS))
    try:
        fe = cls(**options(fdp, EXTRACTORS[cls]))
    except ACCEPTED:
        return
    x = signal(fdp)
    if x.size > MAX_SAMPLES or max(getattr(fe, "num_mel_bins", 0), fe.feature_size) > 4096:
        return  # (bounded memory: AST pads to max_length frames of every band)
    if x.ndim == 2 and fdp.ConsumeBool():
        clips = [c[: fdp.ConsumeIntInRange(0, c.size)] for c in x]
        inputs = clips if fdp.ConsumeBool() else [c.tolist() for c in clips]
    else:
        inputs = x
    kwargs = options(fdp, CALL_KWARGS)
    rate = getattr(fe, "sampling_rate", 16000)
    try:
        out = fe(inputs, sampling_rate=rate, **kwargs)
    except ACCEPTED:
        return
    keys = set(out.keys())
    if not keys <= {"input_features", "input_values", "attention_mask"} or not keys:
        raise AssertionError(f"{fe!r}: keys {sorted(keys)}")
    feats = out.get("input_features", out.get("input_values"))
    if feats.dtype != np.float32:
        raise AssertionError(f"{fe!r}: features of dtype {feats.dtype}")
    if "attention_mask" in out and out["attention_mask"].shape[:2] != feats.shape[:2]:
        if not isinstance(fe, ft.WhisperFeatureExtractor):  # (its mask is per sample)
            raise AssertionError(f"{fe!r}: mask {out['attention_mask'].shape}, {feats.shape}")
    if getattr(fe, "dither", 0.0) == 0.0:
        again = pickle.loads(pickle.dumps(fe))(inputs, sampling_rate=rate, num_threads=3, **kwargs)
        for k in keys:
            if not np.array_equal(np.asarray(again[k]), np.asarray(out[k]), equal_nan=True):
                raise AssertionError(f"{fe!r}: {k} changed with a pickle and threads")


def TestOneInput(data):
    fdp = atheris.FuzzedDataProvider(data)
    if fdp.ConsumeBool():
        check_kaldi(fdp)
    else:
        check_extractor(fdp)


if __name__ == "__main__":
    np.seterr(all="ignore")
    print(f"INFO: instrumented {instrument_fastmel()} fastmel functions", file=sys.stderr)
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()
