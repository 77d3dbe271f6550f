"""Picking an extractor class from a model's configuration, as transformers'
``AutoFeatureExtractor``; converting a loaded transformers extractor."""

from __future__ import annotations

import json
import os
from typing import Any

from ._base import _config_path, _Extractor, _read_config
from ._clap import ClapFeatureExtractor
from ._clvp import ClvpFeatureExtractor
from ._codec import NeuCodecFeatureExtractor, Xcodec2FeatureExtractor
from ._funasr import FunAsrNanoFeatureExtractor
from ._gemma import Gemma3nAudioFeatureExtractor, Gemma4AudioFeatureExtractor
from ._granite import GraniteSpeech5FeatureExtractor, GraniteSpeechFeatureExtractor
from ._inkling import InklingFeatureExtractor
from ._kaldi import ASTFeatureExtractor, SeamlessM4TFeatureExtractor, Speech2TextFeatureExtractor
from ._lasr import LasrFeatureExtractor
from ._musicgen import MusicgenMelodyFeatureExtractor
from ._parakeet import (
    CohereAsrFeatureExtractor,
    NemotronAsrStreamingFeatureExtractor,
    ParakeetFeatureExtractor,
)
from ._phi4 import Phi4MultimodalFeatureExtractor
from ._speecht5 import SpeechT5FeatureExtractor
from ._univnet import UnivNetFeatureExtractor
from ._whisper import (
    Dots3NoteFeatureExtractor,
    MossTranscribeDiarizeFeatureExtractor,
    Qwen3ASRFeatureExtractor,
    VoxtralRealtimeFeatureExtractor,
    WhisperFeatureExtractor,
)

# Every extractor, by its (and transformers') class name.
EXTRACTORS: dict[str, type[_Extractor]] = {
    cls.__name__: cls
    for cls in (
        ASTFeatureExtractor,
        ClapFeatureExtractor,
        ClvpFeatureExtractor,
        CohereAsrFeatureExtractor,
        Dots3NoteFeatureExtractor,
        FunAsrNanoFeatureExtractor,
        Gemma3nAudioFeatureExtractor,
        Gemma4AudioFeatureExtractor,
        GraniteSpeech5FeatureExtractor,
        GraniteSpeechFeatureExtractor,
        InklingFeatureExtractor,
        LasrFeatureExtractor,
        MossTranscribeDiarizeFeatureExtractor,
        MusicgenMelodyFeatureExtractor,
        NemotronAsrStreamingFeatureExtractor,
        NeuCodecFeatureExtractor,
        ParakeetFeatureExtractor,
        Phi4MultimodalFeatureExtractor,
        Qwen3ASRFeatureExtractor,
        SeamlessM4TFeatureExtractor,
        Speech2TextFeatureExtractor,
        SpeechT5FeatureExtractor,
        UnivNetFeatureExtractor,
        VoxtralRealtimeFeatureExtractor,
        WhisperFeatureExtractor,
        Xcodec2FeatureExtractor,
    )
}

# A model type (config.json's model_type) with no feature_extractor_type in its
# preprocessor_config.json: the extractor transformers 5.23's AutoFeatureExtractor
# maps it to (those fastmel has).
MODEL_TYPES: dict[str, type[_Extractor]] = {
    **dict.fromkeys(
        (
            "whisper",
            "qwen2_audio",
            "qwen2_5_omni",
            "qwen3_omni_moe",
            "voxtral",
            "audioflamingo3",
            "glmasr",
        ),
        WhisperFeatureExtractor,
    ),
    "audio-spectrogram-transformer": ASTFeatureExtractor,
    **dict.fromkeys(
        ("seamless_m4t", "seamless_m4t_v2", "wav2vec2-bert"), SeamlessM4TFeatureExtractor
    ),
    **dict.fromkeys(
        ("parakeet_ctc", "parakeet_encoder", "parakeet_rnnt", "parakeet_tdt", "canary"),
        ParakeetFeatureExtractor,
    ),
    **dict.fromkeys(
        (
            "nemotron_asr_streaming",
            "nemotron_asr_streaming_encoder",
            "nemotron3_5_asr",
            "nemotron3_diarization",
            "nemo_speechlm",
        ),
        NemotronAsrStreamingFeatureExtractor,
    ),
    **dict.fromkeys(("lasr_ctc", "lasr_encoder"), LasrFeatureExtractor),
    "inkling_mm_model": InklingFeatureExtractor,
    "neucodec": NeuCodecFeatureExtractor,
    "xcodec2": Xcodec2FeatureExtractor,
    "speech_to_text": Speech2TextFeatureExtractor,
    "speecht5": SpeechT5FeatureExtractor,
    "clvp": ClvpFeatureExtractor,
    "clap": ClapFeatureExtractor,
    "musicgen_melody": MusicgenMelodyFeatureExtractor,
    "cohere_asr": CohereAsrFeatureExtractor,
    "fun_asr_nano": FunAsrNanoFeatureExtractor,
    "univnet": UnivNetFeatureExtractor,
    "voxtral_realtime": VoxtralRealtimeFeatureExtractor,
    "qwen3_asr": Qwen3ASRFeatureExtractor,
    "moss_transcribe_diarize": MossTranscribeDiarizeFeatureExtractor,
    "dots3_note": Dots3NoteFeatureExtractor,
    "gemma3n": Gemma3nAudioFeatureExtractor,
    **dict.fromkeys(("gemma4", "embedding_gemma2"), Gemma4AudioFeatureExtractor),
    "phi4_multimodal": Phi4MultimodalFeatureExtractor,
    **dict.fromkeys(("granite_speech", "granite_speech_plus"), GraniteSpeechFeatureExtractor),
    **dict.fromkeys(
        ("granite_speech5_ctc", "granite_speech5_encoder"), GraniteSpeech5FeatureExtractor
    ),
}


class AutoFeatureExtractor:
    """The extractor a model's configuration names, as transformers'
    ``AutoFeatureExtractor`` picks it: not built itself, only through
    :meth:`from_pretrained`.

    Parameters
    ----------
    None
        (``AutoFeatureExtractor()`` raises OSError, as transformers' does.)

    Examples
    --------
    >>> import json, pathlib, tempfile, fastmel.transformers as ft
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> config = {"feature_extractor_type": "WhisperFeatureExtractor", "feature_size": 128}
    >>> _ = (folder / "preprocessor_config.json").write_text(json.dumps(config))
    >>> fe = ft.AutoFeatureExtractor.from_pretrained(folder)
    >>> type(fe).__name__, fe.feature_size
    ('WhisperFeatureExtractor', 128)
    """

    def __init__(self) -> None:
        raise OSError(
            "AutoFeatureExtractor is built with AutoFeatureExtractor.from_pretrained(path)"
        )

    @classmethod
    def from_pretrained(cls, path: str | os.PathLike, **kwargs: Any) -> Any:
        """The extractor of a model: the class its ``preprocessor_config.json``
        names (``feature_extractor_type``), else the one of its
        ``config.json``'s ``model_type``, built from that configuration.

        Parameters
        ----------
        path : str or os.PathLike
            A model's folder, its ``preprocessor_config.json``, or a Hub model
            id in huggingface_hub's local cache (see
            :meth:`WhisperFeatureExtractor.from_pretrained`).
        **kwargs
            Keys to change; ``cache_dir`` and ``revision`` are the cache's.

        Returns
        -------
        extractor
            An instance of the fastmel class of that name.

        Raises
        ------
        ValueError
            When the configuration names an extractor fastmel does not have,
            or none.
        """
        where: dict[str, Any] = {k: kwargs.pop(k) for k in ("cache_dir", "revision") if k in kwargs}
        config = _read_config(path, **where)
        name = config.get("feature_extractor_type")
        if name is not None:
            if name not in EXTRACTORS:
                raise ValueError(
                    f"{path}: feature_extractor_type {name!r} is not one fastmel has; "
                    f"fastmel.transformers has {sorted(EXTRACTORS)}"
                )
            return EXTRACTORS[name].from_dict(config, **kwargs)
        model_type = _model_type(path, where)
        if model_type not in MODEL_TYPES:
            raise ValueError(
                f"{path}: its preprocessor_config.json names no feature_extractor_type, and "
                f"model_type {model_type!r} is not one fastmel knows "
                f"({sorted(MODEL_TYPES)})"
            )
        return MODEL_TYPES[model_type].from_dict(config, **kwargs)


def _model_type(path: str | os.PathLike, where: dict[str, Any]) -> str | None:
    """config.json's model_type beside the configuration, if there is one."""
    try:
        config_file = _config_path(path, "config.json", **where)
    except FileNotFoundError:
        return None
    if config_file.name != "config.json":  # (path was a file: look beside it)
        config_file = config_file.with_name("config.json")
        if not config_file.is_file():
            return None
    model_type = json.loads(config_file.read_text(encoding="utf-8")).get("model_type")
    return model_type if isinstance(model_type, str) else None


def from_feature_extractor(extractor: Any) -> Any:
    """fastmel's extractor of the same class name as a loaded transformers
    extractor, with its configuration.

    Parameters
    ----------
    extractor : transformers feature extractor
        Its class name picks fastmel's class; its ``to_dict()`` is read.

    Returns
    -------
    extractor
        The fastmel extractor.

    Raises
    ------
    ValueError
        When fastmel has no extractor of that name.
    """
    name = type(extractor).__name__
    if name not in EXTRACTORS:
        raise ValueError(f"fastmel has no {name}; fastmel.transformers has {sorted(EXTRACTORS)}")
    return EXTRACTORS[name].from_feature_extractor(extractor)
