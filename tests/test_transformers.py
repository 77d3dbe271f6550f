"""fastmel.transformers against transformers 5.23 (golden arrays; live when installed)."""

import json
import logging
import pathlib

import numpy as np
import pytest

import fastmel
import fastmel.transformers as ft

DATA = pathlib.Path(__file__).parent / "data"
with np.load(DATA / "whisper_extractor_golden.npz") as _d:
    GOLDEN = {k: _d[k] for k in _d.files}
META = json.loads(str(GOLDEN.pop("meta")))


def _input(case):
    names = case["x"]
    form = case["form"]
    if form == "array":
        return GOLDEN[f"inputs/{names}"]
    if form == "array2d":
        return GOLDEN[f"inputs/{names}"]
    if form == "list":
        return GOLDEN[f"inputs/{names}"].tolist()
    if form == "lists":
        return [GOLDEN[f"inputs/{n}"].tolist() for n in names]
    return [GOLDEN[f"inputs/{n}"] for n in names]  # "arrays"


@pytest.mark.parametrize("name", sorted(META["cases"]))
def test_whisper_golden(name):
    case = META["cases"][name]
    fe = ft.WhisperFeatureExtractor(**case["init"])
    out = fe(_input(case), return_tensors="np", **case["call"])
    assert sorted(out) == sorted(case["outputs"])
    for key, shape in case["outputs"].items():
        got, want = out[key], GOLDEN[f"{name}/{key}"]
        assert list(got.shape) == shape and got.dtype == want.dtype, key
        if key == "attention_mask":
            np.testing.assert_array_equal(got, want)
        else:  # FRONTENDS.md: whisper within 1e-4
            np.testing.assert_allclose(got, want, atol=1e-4, rtol=0)


def test_whisper_config_round_trip_and_filters(tmp_path):
    for name, entry in META["to_dict"].items():
        assert ft.WhisperFeatureExtractor(**entry["init"]).to_dict() == entry["to_dict"], name
        fe = ft.WhisperFeatureExtractor.from_dict(entry["to_dict"])
        assert fe.to_dict() == entry["to_dict"], name
        if f"mel_filters/{name}" in GOLDEN:
            np.testing.assert_allclose(fe.mel_filters, GOLDEN[f"mel_filters/{name}"], atol=1e-7)
    (tmp_path / "preprocessor_config.json").write_text(
        json.dumps(
            dict(META["to_dict"]["chunk_10"]["to_dict"], mel_filters=[[0.0]], processor_class="P")
        )
    )
    fe = ft.WhisperFeatureExtractor.from_pretrained(tmp_path)
    assert fe.n_samples == 160000 and not hasattr(fe, "processor_class")  # dropped, as there


def test_whisper_errors_and_warnings(caplog):
    fe = ft.WhisperFeatureExtractor()
    with pytest.raises(ValueError, match="extractor: WhisperFeatureExtractor was trained"):
        fe(np.zeros(100, np.float32), sampling_rate=8000)
    with pytest.raises(ValueError, match="mono-channel"):
        fe(np.zeros((1, 2, 100), np.float32))
    with caplog.at_level(logging.WARNING, logger="fastmel.transformers"):
        fe(np.zeros(100, np.float32))
    assert "sampling_rate" in caplog.text
    with pytest.raises(ValueError, match="different lengths"):
        fe([np.zeros(100), np.zeros(200)], padding=False, sampling_rate=16000)
    with pytest.raises(ValueError, match="not a valid PaddingStrategy"):
        fe(np.zeros(100), padding="sideways", sampling_rate=16000)
    with pytest.raises(ValueError, match="padding_side"):
        ft.WhisperFeatureExtractor(padding_side="middle")


def test_whisper_batch_rows_equal_single_clips():
    fe = ft.WhisperFeatureExtractor(num_threads=2)
    rng = np.random.default_rng(0)
    clips = [rng.standard_normal(n).astype(np.float32) * g for n, g in [(16000, 1), (70001, 1e-3)]]
    batch = fe(clips, sampling_rate=16000).input_features
    for clip, row in zip(clips, batch, strict=True):
        np.testing.assert_array_equal(fe(clip, sampling_rate=16000).input_features[0], row)


def test_live_against_transformers():
    transformers = pytest.importorskip("transformers")
    ref = transformers.WhisperFeatureExtractor()
    fe = ft.WhisperFeatureExtractor.from_feature_extractor(ref)
    rng = np.random.default_rng(1)
    clips = [rng.standard_normal(n).astype(np.float32) for n in (12345, 160000)]
    want = ref(clips, sampling_rate=16000, return_tensors="np", padding="longest")
    got = fe(clips, sampling_rate=16000, return_tensors="np", padding="longest")
    np.testing.assert_allclose(got.input_features, want.input_features, atol=1e-4, rtol=0)


def test_importing_needs_neither_torch_nor_transformers():
    import subprocess
    import sys

    code = (
        "import sys, fastmel.transformers as ft, numpy as np; "
        "ft.WhisperFeatureExtractor()(np.zeros(1000, np.float32), sampling_rate=16000); "
        "print(sorted(m for m in ('torch', 'transformers') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def _whisper_preset(fe):
    """fastmel's "whisper" preset with the extractor's sizes, the clamp per clip."""
    return fastmel.MelSpectrogram.from_preset(
        "whisper",
        fft_length=fe.n_fft,
        sequence_stride=fe.hop_length,
        sampling_rate=fe.sampling_rate,
        num_mel_bins=fe.feature_size,
        max_freq=8000.0,
        top_db_scope="example",
        dtype="float32",
    )


@pytest.mark.parametrize("n_fft, hop", [(400, 160), (512, 128), (401, 100)])
def test_whisper_zero_padding_skipped_exactly(n_fft, hop):
    """Frames that read only the zero padding skip their FFTs in the engine:
    the features are bit-identical to those of the whole padded batch."""
    fe = ft.WhisperFeatureExtractor(n_fft=n_fft, hop_length=hop, chunk_length=2)
    rng = np.random.default_rng(2)
    lengths = [1, 199, 200, 201, 5000, 31999, 32000]
    clips = [rng.standard_normal(n).astype(np.float32) for n in lengths]
    got = fe(clips, sampling_rate=16000).input_features
    batch = np.zeros((len(clips), 32000), np.float32)
    for row, clip in zip(batch, clips, strict=True):
        row[: clip.size] = clip
    # nothing skipped, nothing imagined: the zeros stored
    np.testing.assert_array_equal(got, fe._features(batch, None, batch.shape[1], 1))
    if n_fft % 2 == 0:  # the preset's bank is the reference's for an even n_fft
        np.testing.assert_allclose(got, _whisper_preset(fe)(batch), atol=1e-5)
    # one clip goes to the engine as it is, its padding not stored
    for row, clip in zip(got, clips, strict=True):
        np.testing.assert_array_equal(fe(clip, sampling_rate=16000).input_features[0], row)
    # a batch of short clips is stored only as wide as its longest clip
    np.testing.assert_array_equal(fe(clips[:5], sampling_rate=16000).input_features, got[:5])
    strided = np.repeat(clips[4], 2)[::2]  # not contiguous
    np.testing.assert_array_equal(fe(strided, sampling_rate=16000).input_features[0], got[4])


def test_whisper_odd_fft_bank_is_the_references():
    """For an odd n_fft transformers places the bins at linspace(0, sr // 2,
    n_fft // 2 + 1), not at the FFT's frequencies: its bank, not the true one."""
    fe = ft.WhisperFeatureExtractor(n_fft=401)
    bins = np.linspace(0, 8000, 201)
    true_bins = np.fft.rfftfreq(401, 1 / 16000)
    assert not np.allclose(bins, true_bins)
    lib = _whisper_preset(fe).filter_bank("float64")  # the preset's bank, on the true bins
    assert np.abs(fe.mel_filters - lib).max() > 1e-3


def test_whisper_negative_max_length_slices_as_python():
    fe = ft.WhisperFeatureExtractor()
    x = np.random.default_rng(0).standard_normal(16000).astype(np.float32)
    out = fe([x], padding="max_length", max_length=-5, truncation=True, sampling_rate=16000)
    np.testing.assert_array_equal(
        out.input_features, fe([x[:-5]], padding="longest", sampling_rate=16000).input_features
    )
