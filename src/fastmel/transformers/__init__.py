"""The feature extractors of Hugging Face ``transformers``, exact, without torch.

:class:`WhisperFeatureExtractor`, :class:`ASTFeatureExtractor`,
:class:`SeamlessM4TFeatureExtractor` and :class:`ParakeetFeatureExtractor`:
transformers 5.23's, keyword for keyword, each batch computed in one call of
fastmel's engine (without the GIL, on ``num_threads`` threads). Results are
NumPy arrays (``return_tensors="pt"`` converts them, if torch is installed).
Nothing here imports ``transformers`` or ``torch`` unless asked
(``return_tensors="pt"``, ``from_feature_extractor``).
"""

from __future__ import annotations

from ._base import BatchFeature
from ._gemma import Gemma3nAudioFeatureExtractor, Gemma4AudioFeatureExtractor
from ._granite import GraniteSpeechFeatureExtractor
from ._kaldi import ASTFeatureExtractor, SeamlessM4TFeatureExtractor, Speech2TextFeatureExtractor
from ._parakeet import ParakeetFeatureExtractor
from ._phi4 import Phi4MultimodalFeatureExtractor
from ._speecht5 import SpeechT5FeatureExtractor
from ._whisper import (
    Dots3NoteFeatureExtractor,
    MossTranscribeDiarizeFeatureExtractor,
    Qwen3ASRFeatureExtractor,
    VoxtralRealtimeFeatureExtractor,
    WhisperFeatureExtractor,
)

__all__ = [
    "ASTFeatureExtractor",
    "BatchFeature",
    "Dots3NoteFeatureExtractor",
    "Gemma3nAudioFeatureExtractor",
    "Gemma4AudioFeatureExtractor",
    "GraniteSpeechFeatureExtractor",
    "MossTranscribeDiarizeFeatureExtractor",
    "ParakeetFeatureExtractor",
    "Phi4MultimodalFeatureExtractor",
    "Qwen3ASRFeatureExtractor",
    "SeamlessM4TFeatureExtractor",
    "Speech2TextFeatureExtractor",
    "SpeechT5FeatureExtractor",
    "VoxtralRealtimeFeatureExtractor",
    "WhisperFeatureExtractor",
]
