"""The front-end protocol (fastmel.FrontEnd) on every front end: values that
pickle, copy and compare by configuration, run in spawned worker processes,
and take their thread count from the call, the constructor or the context."""

import concurrent.futures
import copy
import inspect
import multiprocessing
import pickle
import threading

import numpy as np
import pytest

import fastmel
import fastmel.kaldi as fk
import fastmel.transformers as ft
from fastmel import _windows
from fastmel._engine import Bank
from fastmel._filters import dense

RNG = np.random.default_rng(7)
CLIP = (RNG.standard_normal(12000) * 0.1).astype(np.float32)

# One of each front end, with options away from the defaults where it matters.
FRONT_ENDS = {
    "mel": lambda: fastmel.MelSpectrogram(fft_length=512, sequence_stride=160, num_mel_bins=40),
    "mel_array_window": lambda: fastmel.MelSpectrogram(
        fft_length=64, sequence_stride=16, num_mel_bins=8, window=np.hanning(64)
    ),
    "mfcc": lambda: fastmel.MFCC.from_preset("librosa", sampling_rate=16000, n_mfcc=13),
    "fbank": lambda: fk.Fbank(num_mel_bins=40, dither=1.0, dither_seed=3),
    "kaldi_mfcc": lambda: fk.Mfcc(num_ceps=20, num_mel_bins=30),
    "spectrogram": lambda: fk.Spectrogram(window_type="hann"),
    "whisper": lambda: ft.WhisperFeatureExtractor(feature_size=80, chunk_length=2),
    "ast": lambda: ft.ASTFeatureExtractor(max_length=64, num_mel_bins=64),
    "seamless": lambda: ft.SeamlessM4TFeatureExtractor(stride=2),
    "parakeet": lambda: ft.ParakeetFeatureExtractor(feature_size=64, some_extra_key=[1, 2]),
    "speecht5": lambda: ft.SpeechT5FeatureExtractor(num_mel_bins=40, fmin=0),
    "speech2text": lambda: ft.Speech2TextFeatureExtractor(num_mel_bins=40),
    "voxtral_realtime": lambda: ft.VoxtralRealtimeFeatureExtractor(global_log_mel_max=None),
    "qwen3_asr": lambda: ft.Qwen3ASRFeatureExtractor(chunk_length=2, n_window=10),
    "moss": lambda: ft.MossTranscribeDiarizeFeatureExtractor(chunk_length=1),
    "dots3_note": lambda: ft.Dots3NoteFeatureExtractor(chunk_seconds=2),
    "gemma3n": lambda: ft.Gemma3nAudioFeatureExtractor(per_bin_mean=[0.5] * 128),
    "gemma4": lambda: ft.Gemma4AudioFeatureExtractor(preemphasis=0.97, fft_overdrive=True),
    "phi4": lambda: ft.Phi4MultimodalFeatureExtractor(mel_max_frequency=7000.0),
    "granite_speech": lambda: ft.GraniteSpeechFeatureExtractor(n_mels=64, hop_length=128),
    "nemotron": lambda: ft.NemotronAsrStreamingFeatureExtractor(mel_filters_dtype="bfloat16"),
    "granite_speech5": lambda: ft.GraniteSpeech5FeatureExtractor(delta_win_length=5),
    "neucodec": lambda: ft.NeuCodecFeatureExtractor(padding_value=0.0),
    "xcodec2": lambda: ft.Xcodec2FeatureExtractor(hop_length=160),
    "lasr": lambda: ft.LasrFeatureExtractor(feature_size=64),
    "inkling": lambda: ft.InklingFeatureExtractor(audio_token_duration_s=0.02),
    "univnet": lambda: ft.UnivNetFeatureExtractor(sampling_rate=16000, center=True),
    "fun_asr_nano": lambda: ft.FunAsrNanoFeatureExtractor(window="hanning", stride_lfr=3),
    "clvp": lambda: ft.ClvpFeatureExtractor(sampling_rate=16000, mel_norms=[2.0] * 80),
    "cohere_asr": lambda: ft.CohereAsrFeatureExtractor(feature_size=64, max_audio_clip_s=0.5),
    "clap": lambda: ft.ClapFeatureExtractor(sampling_rate=16000, max_length_s=1, padding="repeat"),
    "musicgen_melody": lambda: ft.MusicgenMelodyFeatureExtractor(
        sampling_rate=16000, n_fft=1024, hop_length=256, num_chroma=24
    ),
    "deltas": lambda: fastmel.Deltas.from_preset("librosa", order=2),
    "pcen": lambda: fastmel.PCEN(sampling_rate=16000, hop_length=160, power=0.25),
    "cmvn": lambda: fastmel.SlidingCMVN(cmn_window=30, center=True, axis=-1),
    "stack": lambda: fastmel.StackFrames(size=5, step=3, axis=-1),
}


MEL = fastmel.MelSpectrogram(fft_length=512, sequence_stride=160, num_mel_bins=40)
MEL_POWER = MEL.replace(power_to_db=False)


def features(front, x):
    """The front end's array for one clip, whichever call convention it has
    (the stages along frames: of the clip's mel spectrogram)."""
    if isinstance(front, (fastmel.Deltas, fastmel.SlidingCMVN, fastmel.StackFrames)):
        return front(MEL(x))
    if isinstance(front, fastmel.PCEN):
        return front(MEL_POWER(x) * 2**31)
    if isinstance(front, ft.GraniteSpeechFeatureExtractor):  # (its call takes the audio only)
        return np.asarray(front(x)["input_features"])
    if isinstance(front, ft.SpeechT5FeatureExtractor):
        return front(audio_target=x, sampling_rate=16000, return_tensors="np")["input_values"]
    if type(front).__module__.startswith("fastmel.transformers"):
        out = front(x, sampling_rate=16000, return_tensors="np")
        return out["input_features" if "input_features" in out else front.model_input_names[0]]
    return front(x)


def _in_worker(front, x):
    return features(front, x)


@pytest.fixture(params=sorted(FRONT_ENDS))
def front(request):
    return FRONT_ENDS[request.param]()


def test_every_front_end_is_one(front):
    assert isinstance(front, fastmel.Configured)
    # a front end computes from audio; the stages along frames from features
    along_frames = isinstance(
        front, (fastmel.Deltas, fastmel.PCEN, fastmel.SlidingCMVN, fastmel.StackFrames)
    )
    assert isinstance(front, fastmel.FrontEnd) != along_frames


def test_the_configuration_holds_every_argument(front):
    """get_config (what pickles and copies carry) names every constructor
    argument: a class that left one out of its configuration would lose it
    in a pickle."""
    params = inspect.signature(type(front)).parameters.values()
    names = {p.name for p in params if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)}
    if isinstance(front, fastmel.MFCC):  # and MelSpectrogram's through **mel_options
        names |= set(fastmel.MelSpectrogram._DEFAULTS)
    if isinstance(front, ft.Dots3NoteFeatureExtractor):  # it replaces chunk_length, as there
        names.discard("chunk_seconds")
    if isinstance(front, (ft.Gemma3nAudioFeatureExtractor, ft.Gemma4AudioFeatureExtractor)):
        # the milliseconds are held in samples, as there (frame_length, hop_length)
        assert {"frame_length", "hop_length"} <= set(front.get_config())
        names -= {"frame_length_ms", "hop_length_ms"}
    if isinstance(front, ft.GraniteSpeechFeatureExtractor):  # held in melspec_kwargs, as there
        assert {"n_fft", "win_length", "hop_length", "n_mels"} <= set(
            front.get_config()["melspec_kwargs"]
        )
        names -= {"n_fft", "win_length", "hop_length", "n_mels"}
    if not names:  # fastmel.kaldi's classes take their options through **kwargs
        names = set(type(front)._DEFAULTS)
    assert names and not names - set(front.get_config())


def test_pickle_copy_deepcopy_equal_and_compute_the_same(front):
    want = features(front, CLIP)
    blob = pickle.dumps(front)
    assert len(blob) < 4096  # the configuration, not the plans
    for clone in (pickle.loads(blob), copy.copy(front), copy.deepcopy(front)):
        assert type(clone) is type(front)
        assert clone == front and hash(clone) == hash(front)
        assert clone.get_config() == front.get_config()
        np.testing.assert_array_equal(features(clone, CLIP), want)


def test_replace_config_and_immutability(front):
    config = front.get_config()
    assert type(front).from_config(config) == front
    assert front.replace() == front
    with pytest.raises(TypeError, match="unknown"):
        front.replace(no_such_option=1)
    with pytest.raises(AttributeError, match="immutable"):
        front.sampling_rate = 1  # type: ignore[misc]
    with pytest.raises(AttributeError, match="immutable"):
        front.anything_new = 1
    with pytest.raises(AttributeError, match="immutable"):
        del front.num_threads
    changed = front.replace(num_threads=2)
    assert changed != front and changed.num_threads == 2
    np.testing.assert_array_equal(features(changed, CLIP), features(front, CLIP))


def test_front_ends_run_in_a_spawned_pool():
    # As datasets.map(num_proc=...) and spawn-based DataLoader workers send them.
    fronts = [FRONT_ENDS[name]() for name in sorted(FRONT_ENDS)]
    ctx = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=2, mp_context=ctx) as pool:
        results = list(pool.map(_in_worker, fronts, [CLIP] * len(fronts)))
    for f, got in zip(fronts, results, strict=True):
        np.testing.assert_array_equal(got, features(f, CLIP))


def test_streams_of_a_front_end_that_cannot_stream_say_so():
    with pytest.raises(TypeError, match="does not stream"):
        ft.WhisperFeatureExtractor().stream()


@pytest.mark.parametrize(
    "name", sorted(n for n in FRONT_ENDS if n not in ("deltas", "pcen", "cmvn", "stack"))
)
def test_engine_options_are_public_and_build_the_plans(name):
    front = FRONT_ENDS[name]()
    dt = front._PLAN_DTYPES[0] if front._PLAN_DTYPES else np.dtype(np.float32)
    options = front.engine_options(dt)
    assert options.spectrum.fft_length >= options.framing.frame_length
    assert front.num_frames(16000) >= 1


# -- threads ---------------------------------------------------------------------------


def test_set_num_threads_is_context_local():
    assert fastmel.get_num_threads() == 1
    seen = {}

    def other():
        seen["other"] = fastmel.get_num_threads()

    with fastmel.set_num_threads(3) as n:
        assert n == 3 and fastmel.get_num_threads() == 3
        t = threading.Thread(target=other)
        t.start()
        t.join()
        with fastmel.set_num_threads(None):
            assert fastmel.get_num_threads() == 1
        assert fastmel.get_num_threads() == 3
    assert fastmel.get_num_threads() == 1 and seen["other"] == 1
    for bad, err in ((0, ValueError), (fastmel.MAX_THREADS + 1, ValueError), (1.5, TypeError)):
        with pytest.raises(err):
            with fastmel.set_num_threads(bad):
                pass


def test_thread_count_precedence(front):
    # The call's, else the constructor's, else the context's.
    assert front._call_threads() == 1
    with fastmel.set_num_threads(3):
        assert front._call_threads() == 3
        assert front._call_threads(2) == 2
        assert front.replace(num_threads=4)._call_threads() == 4
        got = features(front, CLIP)
    np.testing.assert_array_equal(got, features(front, CLIP))


@pytest.mark.parametrize("name", ["whisper", "ast", "seamless", "parakeet"])
def test_extractors_take_num_threads_per_call(name):
    fe = FRONT_ENDS[name]()
    key = "input_values" if name == "ast" else "input_features"
    want = fe(CLIP, sampling_rate=16000)[key]
    got = fe(CLIP, sampling_rate=16000, num_threads=3)[key]
    np.testing.assert_array_equal(got, want)
    with pytest.raises(ValueError, match="num_threads"):  # taken, so checked
        fe(CLIP, sampling_rate=16000, num_threads=0)


# -- building blocks -------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 2, 7, 400, 512])
def test_windows_match_numpy_and_scipy(n):
    signal = pytest.importorskip("scipy.signal")
    sym = {"hann": np.hanning, "hamming": np.hamming, "blackman": np.blackman}
    for name, numpy_window in sym.items():
        np.testing.assert_allclose(_windows.window(name, n), numpy_window(n), atol=1e-15)
    for name in ("hann", "hamming", "blackman"):
        want = signal.get_window(name, n)  # periodic, scipy's default
        np.testing.assert_allclose(_windows.window(name, n, periodic=True), want, atol=1e-15)
    np.testing.assert_allclose(_windows.window("kaiser", n, beta=8.0), np.kaiser(n, 8.0))
    np.testing.assert_allclose(
        _windows.window("kaiser", n, beta=8.0, periodic=True),
        signal.get_window(("kaiser", 8.0), n),
        atol=1e-15,
    )
    np.testing.assert_array_equal(_windows.window("rectangular", n), np.ones(n))
    povey = _windows.window("povey", n)
    np.testing.assert_allclose(povey, np.hanning(n) ** 0.85 if n > 1 else [1.0], atol=1e-15)
    sine = _windows.window("sine", n, dtype=np.float32)
    assert sine.dtype == np.float32
    if n > 1:
        np.testing.assert_allclose(sine, np.sin(np.pi * np.arange(n) / (n - 1)), atol=1e-7)


def test_window_errors():
    with pytest.raises(ValueError, match="window"):
        _windows.window("hanning", 10)  # Kaldi's name, not fastmel's
    with pytest.raises(ValueError, match="length"):
        _windows.window("hann", 0)


def test_bank_from_dense_round_trip():
    m = RNG.random((33, 7))
    m[m < 0.6] = 0.0
    m[:, 3] = 0.0  # an empty band
    m[5:9, 4] = [1.0, 0.0, 0.0, 2.0]  # zeros inside a band are kept
    bank = Bank.from_dense(m)
    assert bank.length[3] == 0 and bank.first[4] <= 5 and bank.length[4] >= 4
    np.testing.assert_array_equal(dense(bank.first, bank.length, bank.weights, 33), m)


# -- options checked whatever their integer type ---------------------------------------


def test_mfcc_bins_of_a_numpy_integer_type_are_checked():
    with pytest.raises(ValueError, match="n_mfcc"):
        fastmel.MFCC(n_mfcc=41, num_mel_bins=np.int64(40))
    assert fastmel.MFCC(n_mfcc=40, num_mel_bins=np.int64(40))(CLIP).shape[0] == 40


def test_parakeet_refuses_a_huge_fft_before_building_anything():
    with pytest.raises(ValueError, match="n_fft"):
        ft.ParakeetFeatureExtractor(n_fft=2**23, win_length=400)


def test_ast_statistics_are_checked():
    with pytest.raises(ValueError, match="std"):
        ft.ASTFeatureExtractor(std=0.0)
    with pytest.raises(ValueError, match="std"):
        ft.ASTFeatureExtractor(std=-1.0)
    with pytest.raises(TypeError, match="mean"):
        ft.ASTFeatureExtractor(mean="a")
    ft.ASTFeatureExtractor(std=0.0, do_normalize=False)  # unused when not normalising
