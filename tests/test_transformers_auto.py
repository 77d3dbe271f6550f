"""fastmel.transformers.AutoFeatureExtractor, from_pretrained on local folders
and huggingface_hub's cache (laid out by the test: no network), and
from_feature_extractor."""

import json
import sys

import numpy as np
import pytest
from conftest import require_extra

import fastmel.transformers as ft
from fastmel.transformers._auto import EXTRACTORS, MODEL_TYPES

EVERY = sorted(EXTRACTORS)


def test_every_class_is_public_and_known():
    public = {
        n for n in ft.__all__ if n.endswith("FeatureExtractor") and n != "AutoFeatureExtractor"
    }
    assert public == set(EXTRACTORS)
    for cls in MODEL_TYPES.values():
        assert EXTRACTORS[cls.__name__] is cls


@pytest.mark.parametrize("name", EVERY)
def test_auto_picks_the_class_a_configuration_names(name, tmp_path):
    fe = EXTRACTORS[name]()
    fe.save_pretrained(tmp_path)
    back = ft.AutoFeatureExtractor.from_pretrained(tmp_path)
    assert type(back) is type(fe) and back == fe
    file = tmp_path / "preprocessor_config.json"
    assert ft.AutoFeatureExtractor.from_pretrained(file) == fe
    assert ft.AutoFeatureExtractor.from_pretrained(str(tmp_path), num_threads=2).num_threads == 2


def test_auto_falls_back_on_the_model_type(tmp_path):
    (tmp_path / "preprocessor_config.json").write_text(json.dumps({"feature_size": 128}))
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "qwen2_audio"}))
    fe = ft.AutoFeatureExtractor.from_pretrained(tmp_path)
    assert type(fe) is ft.WhisperFeatureExtractor and fe.feature_size == 128
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "bert"}))
    with pytest.raises(ValueError, match="model_type 'bert'"):
        ft.AutoFeatureExtractor.from_pretrained(tmp_path)


def test_auto_refuses_what_it_cannot_build(tmp_path):
    (tmp_path / "preprocessor_config.json").write_text(
        json.dumps({"feature_extractor_type": "Wav2Vec2FeatureExtractor"})
    )
    with pytest.raises(ValueError, match="Wav2Vec2FeatureExtractor"):
        ft.AutoFeatureExtractor.from_pretrained(tmp_path)
    with pytest.raises(FileNotFoundError, match="holds no preprocessor_config.json"):
        ft.AutoFeatureExtractor.from_pretrained(tmp_path / "..")
    with pytest.raises(OSError, match="from_pretrained"):
        ft.AutoFeatureExtractor()


def _lay_out_cache(cache, repo, files, revision="0123456789abcdef0123456789abcdef01234567"):
    """huggingface_hub's cache layout: models--org--name/{refs/main, snapshots/<rev>/}."""
    root = cache / ("models--" + repo.replace("/", "--"))
    (root / "refs").mkdir(parents=True)
    (root / "refs" / "main").write_text(revision)
    snap = root / "snapshots" / revision
    snap.mkdir(parents=True)
    for name, content in files.items():
        (snap / name).write_text(json.dumps(content))


def test_a_hub_model_id_resolves_through_the_local_cache(tmp_path, monkeypatch):
    require_extra("huggingface_hub")
    config = {"feature_extractor_type": "WhisperFeatureExtractor", "feature_size": 128}
    _lay_out_cache(tmp_path, "openai/whisper-large-v3", {"preprocessor_config.json": config})
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    fe = ft.AutoFeatureExtractor.from_pretrained("openai/whisper-large-v3", cache_dir=tmp_path)
    assert type(fe) is ft.WhisperFeatureExtractor and fe.feature_size == 128
    same = ft.WhisperFeatureExtractor.from_pretrained("openai/whisper-large-v3", cache_dir=tmp_path)
    assert same == fe
    with pytest.raises(FileNotFoundError, match="snapshot_download"):
        ft.AutoFeatureExtractor.from_pretrained("openai/not-cached", cache_dir=tmp_path)


def test_without_huggingface_hub_a_model_id_says_how_to_get_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "huggingface_hub", None)  # import fails
    with pytest.raises(FileNotFoundError, match="install huggingface_hub"):
        ft.WhisperFeatureExtractor.from_pretrained("openai/whisper-small")


class _Loaded:
    """A stand-in for a loaded transformers extractor: its class name and to_dict()."""

    def __init__(self, name, config):
        self.__class__ = type(name, (_Loaded,), {})
        self._config = config

    def to_dict(self):
        return dict(self._config)


@pytest.mark.parametrize("name", EVERY)
def test_from_feature_extractor_picks_the_class_by_name(name):
    fe = EXTRACTORS[name]()
    got = ft.from_feature_extractor(_Loaded(name, fe.to_dict()))
    assert type(got) is type(fe) and got == fe


def test_from_feature_extractor_refuses_unknown_classes():
    with pytest.raises(ValueError, match="no Wav2Vec2FeatureExtractor"):
        ft.from_feature_extractor(_Loaded("Wav2Vec2FeatureExtractor", {}))


def test_live_from_transformers():
    """With transformers installed: its extractors convert, and compute the same."""
    transformers = pytest.importorskip("transformers")
    for name in ("WhisperFeatureExtractor", "SpeechT5FeatureExtractor"):
        hf = getattr(transformers, name)()
        fe = ft.from_feature_extractor(hf)
        assert type(fe).__name__ == name
        np.testing.assert_array_equal(fe.mel_filters.shape, np.asarray(hf.mel_filters).shape)
