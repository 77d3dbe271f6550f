"""fastmel.kaldi against torchaudio.compliance.kaldi (golden arrays and live), and
its own properties: batches, threads, streams, lengths, dither, errors."""

import json
import pathlib
import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fastmel.kaldi as fk

DATA = pathlib.Path(__file__).parent / "data"
with np.load(DATA / "kaldi_golden.npz") as _d:
    GOLDEN = {k: _d[k] for k in _d.files}
META = json.loads(str(GOLDEN.pop("meta")))
EPS = float(np.finfo(np.float32).eps)

# kaldi-native-fbank's golden cases ---------------------------------------------------------------

with np.load(DATA / "knf_golden.npz") as _d:
    KNF = {k: _d[k] for k in _d.files}
KNF_META = json.loads(str(KNF.pop("meta")))
UNSUPPORTED = {  # knf settings that fastmel.kaldi refuses
    "num_mel_bins": lambda o: o["mel_opts"]["num_bins"] <= 3,  # Kaldi's (and torchaudio's) minimum
}


def _tolerance(y, y64):
    """FRONTENDS.md: within max(1e-3, 2x the reference's own float32-vs-float64
    gap on that element, float32 rounding of that element)."""
    allowance = 4 * np.finfo(np.float32).eps * np.abs(y64)
    return np.maximum(np.maximum(1e-3, 2 * np.abs(y.astype(np.float64) - y64)), allowance)


@pytest.mark.parametrize("name", [k for k, c in META["cases"].items() if c["fn"] != "banks"])
def test_golden(name):
    case = META["cases"][name]
    x = GOLDEN[f"inputs/{case['x']}"]
    want = GOLDEN[f"{name}/y"]
    got = getattr(fk, case["fn"])(x, **case["kwargs"])
    assert got.dtype == x.dtype
    if want.shape == (0,):  # min_duration: torchaudio's torch.empty(0)
        assert got.shape[0] == 0 and got.ndim == 2
        return
    assert got.shape == want.shape
    ref = GOLDEN.get(f"{name}/y64", want.astype(np.float64))
    diff = np.abs(got.astype(np.float64) - ref)
    if case["kwargs"].get("use_log_fbank", True):
        np.testing.assert_array_less(diff, _tolerance(want, ref))
    else:  # mel power: float32 rounding relative to each frame's peak
        peak = np.abs(ref[:, 1:] if case["kwargs"].get("use_energy") else ref).max(axis=1)
        gap = 2 * np.abs(want.astype(np.float64) - ref)
        np.testing.assert_array_less(diff, np.maximum(gap, 2e-5 * peak[:, None]))


@pytest.mark.parametrize("name", [k for k, c in META["cases"].items() if c["fn"] == "banks"])
def test_golden_banks(name):
    from fastmel._filters import dense, kaldi_bands

    kw = META["cases"][name]["kwargs"]
    n = kw["window_length_padded"]
    nyquist = kw["sample_freq"] / 2
    high = kw["high_freq"] + nyquist if kw["high_freq"] <= 0 else kw["high_freq"]
    vhigh = kw["vtln_high"] + nyquist if kw["vtln_high"] < 0 else kw["vtln_high"]
    bands = kaldi_bands(
        kw["num_bins"],
        n,
        kw["sample_freq"],
        kw["low_freq"],
        high,
        kw["vtln_low"],
        vhigh,
        kw["vtln_warp_factor"],
        np.float64,
    )
    got = dense(*bands, n // 2).T  # torchaudio: (bins, n / 2), no Nyquist column
    # torchaudio builds its bank in float32 (VTLN-warped edges lose up to 4e-5);
    # the same construction in float64 is fastmel's to the last bits.
    np.testing.assert_allclose(got, GOLDEN[f"{name}/y64"], atol=1e-12, rtol=0)
    np.testing.assert_allclose(got, GOLDEN[f"{name}/y"], atol=1e-4, rtol=0)


def test_every_keyword_value_has_a_golden_case():
    seen = {}
    for case in META["cases"].values():
        for k, v in case["kwargs"].items():
            seen.setdefault((case["fn"], k), set()).add(json.dumps(v))
    # Each keyword in some case of each function, each bool both ways in some
    # case; the framing and energy keywords, shared by the three, mostly in fbank's.
    by_key = {}
    for (_fn, k), values in seen.items():
        by_key.setdefault(k, set()).update(values)
    for fn, cls in (("fbank", fk.Fbank), ("mfcc", fk.Mfcc), ("spectrogram", fk.Spectrogram)):
        assert seen.get((fn, "snip_edges")) and seen.get((fn, "subtract_mean")), fn
        for k, default in cls._DEFAULTS.items():
            if k == "dither":
                continue  # random in torchaudio: tested by its statistics below
            if k in fk._EXTRA:
                continue  # fastmel's own keywords: tested on their own
            if k in ("use_log_floor", "eps") or k in fk._KNF_MEL:
                continue  # kaldi-native-fbank's: in its golden cases below
            assert by_key.get(k), f"no golden case sets {k}"
            if isinstance(default, bool):
                assert json.dumps(not default) in by_key[k], f"no case with {k}={not default}"
    for k in ("num_ceps", "cepstral_lifter", "htk_compat", "use_energy"):
        assert seen.get(("mfcc", k)), f"mfcc: no golden case sets {k}"
    knf_log = {
        (c["opts"].get("use_log_floor"), c["opts"].get("eps"))
        for c in KNF_META["cases"].values()
        if c["fn"] == "fbank"
    }
    assert {flag for flag, _ in knf_log} == {True, False} and len({e for _, e in knf_log}) >= 3
    for k in fk._KNF_MEL:  # knf's mel options, each value in its golden cases
        values = {
            json.dumps(
                bool(c["opts"]["mel_opts"][k]) if k != "norm" else bool(c["opts"]["mel_opts"][k])
            )
            for c in KNF_META["cases"].values()
            if c["fn"] in ("fbank", "mfcc")
        }
        assert values == {"true", "false"}, k
    windows = {json.loads(v) for v in seen[("fbank", "window_type")]}
    # torchaudio's five; knf's "hann" and "sine" are in the knf golden cases.
    assert windows == set(fk.WINDOW_TYPES) - {"hann", "sine"}
    knf_windows = {
        c["opts"]["frame_opts"]["window_type"]
        for c in KNF_META["cases"].values()
        if "opts" in c and "frame_opts" in c["opts"]
    }
    assert knf_windows >= {"hann", "sine"}


# -- properties -----------------------------------------------------------------------

SNIP = [True, False]


def _signal(shape, seed=0, dtype=np.float32):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(shape) * 3000).astype(dtype)


@pytest.mark.parametrize("cls", [fk.Fbank, fk.Mfcc, fk.Spectrogram])
@pytest.mark.parametrize("snip", SNIP)
def test_batches_threads_and_single_calls_agree(cls, snip):
    front = cls(snip_edges=snip, **({"use_energy": True} if cls is not fk.Spectrogram else {}))
    x = _signal((2, 3, 5003))
    got = front(x)
    assert got.shape == (2, 3, front.num_frames(5003), front.num_features)
    for i in range(2):
        for j in range(3):
            np.testing.assert_array_equal(got[i, j], front(x[i, j]))
    for threads in (2, 3, 7):
        np.testing.assert_array_equal(front(x, num_threads=threads), got)


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(0, 3000),
    snip=st.booleans(),
    kind=st.sampled_from(["fbank", "mfcc", "spectrogram"]),
    shift=st.sampled_from([5.0, 10.0, 13.7]),
    data=st.data(),
)
def test_stream_equals_whole_call(n, snip, kind, shift, data):
    cls = {"fbank": fk.Fbank, "mfcc": fk.Mfcc, "spectrogram": fk.Spectrogram}[kind]
    front = cls(
        snip_edges=snip, frame_shift=shift, dither=1.0, dither_seed=7, sample_frequency=8000.0
    )
    x = _signal((2, n), seed=n)
    cuts = sorted(data.draw(st.lists(st.integers(0, n), max_size=6)))
    s = front.stream()
    parts = [s.push(c) for c in np.split(x, cuts, axis=-1)] + [s.flush()]
    got = np.concatenate(parts, axis=-2)
    if n == 0:
        assert got.shape == (2, 0, front.num_features)
        return
    np.testing.assert_array_equal(got, front(x))  # the same dither noise too


def test_short_signals_follow_kaldi():
    """Shorter than a frame: no frame with snip_edges, reflected frames without
    (torchaudio raises for both)."""
    fb = fk.Fbank()
    assert fb(_signal(399)).shape == (0, 23)
    nosnip = fk.Fbank(snip_edges=False)
    for n in (1, 2, 79, 80, 81, 159, 399):
        x = _signal(n, seed=n).astype(np.float64)
        got = nosnip(x)
        frames = (n + 80) // 160
        assert got.shape == (frames, 23)
        if frames == 0:
            continue
        # Frame t starts at t*160 + 80 - 200 of the signal reflected with the edge
        # sample repeated: a snip_edges computation on the padded signal.
        padded = np.pad(x, (120, 400 + 160 * frames), mode="symmetric")
        want = fk.Fbank(snip_edges=True)(padded)[:frames]
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-9)


def test_lengths_give_each_row_its_own_signal():
    fb = fk.Fbank(snip_edges=False, subtract_mean=True, use_energy=True)
    x = _signal((3, 6000))
    lengths = np.array([6000, 2500, 0])
    got, frames = fb(x, lengths=lengths)
    assert frames.tolist() == [fb.num_frames(v) for v in lengths]
    for r, n in enumerate(lengths):
        alone = fb(x[r, :n]) if n else np.zeros((0, fb.num_features), np.float32)
        np.testing.assert_allclose(got[r, : frames[r]], alone, rtol=1e-5, atol=1e-4)
        assert np.all(got[r, frames[r] :] == 0)


def test_dither_is_seeded_and_gaussian():
    # Silence with dither d, no DC removal, no pre-emphasis, a rectangular window:
    # each frame's raw energy is d^2 times a chi-square with W degrees of freedom.
    kw = dict(
        dither=2.0,
        remove_dc_offset=False,
        preemphasis_coefficient=0.0,
        window_type="rectangular",
        energy_floor=0.0,
    )
    x = np.zeros(160_000, np.float64)
    a = fk.Spectrogram(**kw, dither_seed=1)(x)
    np.testing.assert_array_equal(a, fk.Spectrogram(**kw, dither_seed=1)(x))
    assert not np.array_equal(a, fk.Spectrogram(**kw, dither_seed=2)(x))
    unseeded = fk.Spectrogram(**kw)
    assert not np.array_equal(unseeded(x), unseeded(x))  # fresh noise per call
    energy = np.exp(a[:, 0])  # sum of 400 squares of N(0, 4)
    assert abs(energy.mean() / (400 * 4.0) - 1) < 0.01
    assert abs(energy.std() / (np.sqrt(2 * 400) * 4.0) - 1) < 0.1
    # Power per bin of white noise: flat at W d^2 (bins 1 .. n/2 - 1).
    power = np.exp(a[:, 1:-1]).mean(axis=0)
    assert abs(power.mean() / (400 * 4.0) - 1) < 0.01


def test_functions_take_channels_and_time_only():
    x = _signal((3, 4000))
    np.testing.assert_array_equal(fk.fbank(x, channel=2), fk.Fbank()(x[2]))
    np.testing.assert_array_equal(fk.fbank(x), fk.fbank(x[0]))
    with pytest.raises(ValueError, match="channel"):
        fk.fbank(x, channel=3)
    with pytest.raises(ValueError, match="waveform"):
        fk.fbank(x[None])


def test_configuration_pickling_and_immutability():
    for front in (
        fk.Fbank(num_mel_bins=40, dither_seed=3),
        fk.Mfcc(htk_compat=True),
        fk.Spectrogram(window_type="hamming"),
    ):
        again = type(front).from_config(json.loads(json.dumps(front.get_config())))
        assert again == front and hash(again) == hash(front)
        assert pickle.loads(pickle.dumps(front)) == front
        with pytest.raises(AttributeError, match="immutable"):
            front.snip_edges = False
        assert front.replace(snip_edges=False).snip_edges is False
        assert repr(fk.Fbank(num_mel_bins=40)) == "Fbank(num_mel_bins=40)"


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(frame_length=0.1), "frame_length"),
        (dict(frame_shift=0.01), "frame_shift"),
        (dict(frame_shift=-1.0), "frame_shift"),
        (dict(sample_frequency=0.0), "sample_frequency"),
        (dict(num_mel_bins=3), "num_mel_bins"),
        (dict(low_freq=9000.0), "low_freq"),
        (dict(high_freq=9000.0), "high_freq"),
        (dict(low_freq=4000.0, high_freq=3000.0), "low_freq"),
        (dict(vtln_warp=0.9, vtln_low=10.0), "vtln_low"),
        (dict(vtln_warp=0.0), "vtln_warp"),
        (dict(vtln_warp=0.5, vtln_low=4000.0, vtln_high=-500.0, low_freq=200.0), "inverted"),
        (dict(preemphasis_coefficient=1.5), "preemphasis_coefficient"),
        (dict(energy_floor=-1.0), "energy_floor"),
        (dict(dither=-1.0), "dither"),
        (dict(window_type="hanning2"), "window_type"),
        (dict(min_duration=-1.0), "min_duration"),
        (dict(frame_length=1e9), "frame_length"),
    ],
)
def test_bad_options_name_the_keyword(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        fk.Fbank(**kwargs)


def test_mfcc_errors_and_unknown_keywords():
    with pytest.raises(ValueError, match="num_ceps"):
        fk.Mfcc(num_ceps=30)
    with pytest.raises(TypeError, match="unknown"):
        fk.Fbank(num_ceps=13)
    with pytest.raises(ValueError, match="subtract_mean"):
        fk.Fbank(subtract_mean=True).stream()


def test_odd_fft_sizes_are_computed():
    # 25 ms at 16 kHz without rounding: a 400-point FFT; 25.0625 ms: 401 points.
    front = fk.Fbank(round_to_power_of_two=False, frame_length=25.0625)
    assert front.fft_length == 401
    got = front(_signal(4000))
    assert got.shape == (1 + (4000 - 401) // 160, 23) and np.isfinite(got).all()


# -- live, when torchaudio is installed ---------------------------------------------------


def test_live_against_torchaudio():
    torch = pytest.importorskip("torch")
    kaldi = pytest.importorskip("torchaudio.compliance.kaldi")
    x = _signal((1, 12345), seed=5)
    for fn, kw in [
        ("fbank", dict(num_mel_bins=80, use_energy=True, snip_edges=False)),
        ("mfcc", dict(num_ceps=20, num_mel_bins=40, htk_compat=True, window_type="hamming")),
        ("spectrogram", dict(frame_shift=12.0, window_type="blackman")),
    ]:
        want = getattr(kaldi, fn)(torch.from_numpy(x), **kw).numpy()
        torch.set_default_dtype(torch.float64)
        try:
            want64 = getattr(kaldi, fn)(torch.from_numpy(x.astype(np.float64)), **kw).numpy()
        finally:
            torch.set_default_dtype(torch.float32)
        got = getattr(fk, fn)(x, **kw)
        np.testing.assert_array_less(np.abs(got - want64), _tolerance(want, want64))


@pytest.mark.parametrize(
    "name", [k for k, c in KNF_META["cases"].items() if c["fn"] in ("fbank", "mfcc")]
)
def test_knf_golden(name):
    case = KNF_META["cases"][name]
    opts, x = case["opts"], KNF[f"inputs/{case['x']}"]
    cls = fk.Fbank if case["fn"] == "fbank" else fk.Mfcc
    missing = [field for field, test in UNSUPPORTED.items() if test(opts)]
    if missing:
        with pytest.raises(ValueError, match=missing[0]):
            cls.from_knf_options(opts)
        return
    front = cls.from_knf_options(opts)
    assert (front.window_size, front.window_shift) == (case["window_size"], case["window_shift"])
    got, want = front(x), KNF[f"{name}/y"]
    assert got.shape == want.shape
    if got.size == 0:
        return
    ref = KNF.get(f"{name}/ta64", want.astype(np.float64))
    if opts.get("use_log_fbank", True):
        np.testing.assert_array_less(np.abs(got - ref), _tolerance(want, ref))
    else:  # mel power
        peak = np.abs(ref).max(axis=1, keepdims=True)
        np.testing.assert_array_less(np.abs(got - ref), np.broadcast_to(2e-5 * peak, got.shape))


def test_knf_object_and_defaults():
    knf = pytest.importorskip("kaldi_native_fbank")
    opts = knf.FbankOptions()
    front = fk.Fbank.from_knf_options(opts)
    # knf's defaults, which differ from torchaudio's, come along.
    assert front.dither == pytest.approx(3e-5) and front.energy_floor == 0.0
    opts.frame_opts.dither = 0.0
    opts.mel_opts.num_bins = 80
    x = _signal(12345, seed=9)
    online = knf.OnlineFbank(opts)
    online.accept_waveform(16000, x)
    online.input_finished()
    want = np.stack([online.get_frame(i) for i in range(online.num_frames_ready)])
    got = fk.Fbank.from_knf_options(opts)(x)
    np.testing.assert_allclose(got, want, atol=2e-3)


@pytest.mark.parametrize("name", ["bank_default", "bank_warp_0.9", "bank_warp_1.1"])
def test_knf_banks_with_vtln(name):
    """knf's MelBanks (float32) against Kaldi's bank built here in float64."""
    from fastmel._filters import dense

    case = KNF_META["cases"][name]
    front = fk.Fbank.from_knf_options(case["opts"], vtln_warp=case["vtln_warp_factor"])
    bank = front._bank(np.dtype(np.float64))
    got = dense(bank.first, bank.length, bank.weights, front.fft_length // 2 + 1).T
    np.testing.assert_allclose(got, KNF[f"{name}/y"], atol=1e-4, rtol=0)


def test_kaldi_scale_of_melspectrogram_is_torchaudios_bank():
    import fastmel

    layer = fastmel.MelSpectrogram(
        mel_scale="kaldi", fft_length=512, num_mel_bins=23, min_freq=20.0, sampling_rate=16000
    )
    bank = layer.filter_bank("float64")  # (257, 23): the Nyquist row is 0
    assert not bank[256].any()
    np.testing.assert_allclose(bank[:256].T, GOLDEN["banks_0/y64"], atol=1e-12, rtol=0)
    # Centres as torchaudio's get_mel_banks returns them: equally spaced in 1127 ln(1 + f/700).
    mel = 1127 * np.log1p(np.array([20.0, 8000.0]) / 700)
    centres = 700 * np.expm1((mel[0] + np.arange(1, 24) * (mel[1] - mel[0]) / 24) / 1127)
    np.testing.assert_allclose(layer.band_frequencies, centres, rtol=1e-9)
    with pytest.raises(ValueError, match="norm"):
        fastmel.MelSpectrogram(mel_scale="kaldi", norm="slaney")


@pytest.mark.parametrize("cls", [fk.Fbank, fk.Mfcc, fk.Spectrogram])
def test_min_duration_applies_to_each_signal_of_a_padded_batch(cls):
    """A row under min_duration has no frames (its output all 0), as the signal
    alone gives (0, K); the others are as alone (a 7000-sample row of a
    16000-sample batch got 42 frames before)."""
    x = np.random.default_rng(4).standard_normal((3, 16000))
    front = cls(min_duration=0.5)
    out, counts = front(x, lengths=[16000, 7000, 8000])
    assert counts.tolist() == [98, 0, 48]
    assert front(x[1, :7000]).shape == (0, out.shape[-1])
    assert np.all(out[1] == 0)
    np.testing.assert_array_equal(out[0], front(x[0]))
    np.testing.assert_array_equal(out[2, :48], front(x[2, :8000]))
    assert front.num_frames(7000) == 0


@pytest.mark.parametrize(
    ("cls", "opts", "match"),
    [
        (fk.Fbank, {"mel_opts": {"num_bin": 80}}, r"\['num_bin'\] in `mel_opts`"),
        (fk.Fbank, {"use_energi": True}, r"\['use_energi'\]"),
        (fk.Fbank, {"frame_opts": {"samp_freq": 8000.0, "dithr": 0.0}}, r"\['dithr'\]"),
        (fk.Mfcc, {"use_power": True}, r"mfcc option\(s\) \['use_power'\]"),
    ],
)
def test_knf_options_with_unknown_fields_are_refused(cls, opts, match):
    """A misspelt field gave knf's default silently (Fbank(**kw) refuses an
    unknown keyword); knf 1.22.5 and 1.23.0 have the same fields."""
    with pytest.raises(ValueError, match=match):
        cls.from_knf_options(opts)
    with pytest.raises(TypeError, match="must be a dict"):
        cls.from_knf_options({"mel_opts": 80})
    assert (
        fk.Fbank.from_knf_options({"mel_opts": {"num_bins": 40, "debug_mel": True}}).num_mel_bins
        == 40
    )


@pytest.mark.parametrize(
    ("frame_opts", "match"),
    [
        ({"samp_freq": 1e300}, "`frame_length_ms` of 25.0 ms at 1e\\+300 Hz is too long"),
        ({"frame_shift_ms": 1e38, "samp_freq": 1e6}, "`frame_shift_ms` .* too long"),
        ({"frame_length_ms": float("nan")}, "`frame_length_ms` must be finite"),
        ({"samp_freq": -1.0}, "`samp_freq` must be > 0"),
    ],
)
def test_knf_frame_sizes_past_float32_are_refused(frame_opts, match):
    """knf's float32 frame size of a huge rate or length overflowed to infinity:
    an OverflowError (found by tests/fuzz/fuzz_frontends.py)."""
    with pytest.raises(ValueError, match=match):
        fk.Fbank.from_knf_options({"frame_opts": frame_opts})


def test_a_stream_holds_its_frames_until_min_duration():
    """The call gives no frame to a signal under min_duration; the stream gave
    them as the samples came (found by tests/fuzz/fuzz_frontends.py). It now
    waits for min_duration of samples, and gives none to a signal that ends
    shorter."""
    front = fk.Fbank(min_duration=0.5)
    x = np.random.default_rng(5).standard_normal((2, 12000)) * 1000
    for n in (7999, 8000, 12000):
        s = front.stream()
        parts = [s.push(x[:, :3000]), s.push(x[:, 3000:n]), s.flush()]
        assert parts[0].shape == (2, 0, 23)  # 3000 samples: too early to tell
        np.testing.assert_array_equal(np.concatenate(parts, axis=-2), front(x[:, :n]))


def test_frame_sizes_past_the_floats_are_refused():
    """rate x frame_length overflowing to infinity raised OverflowError from int()
    (found by tests/fuzz/fuzz_frontends.py)."""
    with pytest.raises(ValueError, match="`frame_length`=1e\\+308 ms .* more samples"):
        fk.Fbank(frame_length=1e308, sample_frequency=16000.0)
    with pytest.raises(ValueError, match="`frame_shift`"):
        fk.Fbank(frame_shift=1e300, sample_frequency=1e10)
