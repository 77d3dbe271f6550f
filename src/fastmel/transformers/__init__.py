"""The feature extractors of Hugging Face ``transformers``, exact, without torch.

The 26 spectrogram extractors of transformers 5.23 (all but Pop2Piano's, which
tracks beats with essentia): AST, CLAP, CLVP, CohereAsr, Dots3Note, FunAsrNano,
Gemma3nAudio, Gemma4Audio, GraniteSpeech, GraniteSpeech5, Inkling, LASR,
MossTranscribeDiarize, MusicgenMelody, NemotronAsrStreaming, NeuCodec,
Parakeet, Phi4Multimodal, Qwen3ASR, SeamlessM4T, Speech2Text, SpeechT5,
UnivNet, VoxtralRealtime, Whisper and Xcodec2, as transformers' classes of
those names, keyword for keyword, each batch computed by fastmel's engine
(without the GIL, on ``num_threads`` threads), in the containers the reference
returns (torch tensors where it returns them, when torch is importable; NumPy
otherwise). :class:`AutoFeatureExtractor` picks the class from a model's
configuration, :func:`from_feature_extractor` converts a loaded transformers
extractor. Importing this module imports neither ``transformers`` nor
``torch``.
"""

from __future__ import annotations

from ._auto import AutoFeatureExtractor, from_feature_extractor
from ._base import BatchFeature
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

__all__ = [
    "ASTFeatureExtractor",
    "AutoFeatureExtractor",
    "BatchFeature",
    "ClapFeatureExtractor",
    "ClvpFeatureExtractor",
    "CohereAsrFeatureExtractor",
    "Dots3NoteFeatureExtractor",
    "FunAsrNanoFeatureExtractor",
    "Gemma3nAudioFeatureExtractor",
    "Gemma4AudioFeatureExtractor",
    "GraniteSpeech5FeatureExtractor",
    "GraniteSpeechFeatureExtractor",
    "InklingFeatureExtractor",
    "LasrFeatureExtractor",
    "MossTranscribeDiarizeFeatureExtractor",
    "MusicgenMelodyFeatureExtractor",
    "NemotronAsrStreamingFeatureExtractor",
    "NeuCodecFeatureExtractor",
    "ParakeetFeatureExtractor",
    "Phi4MultimodalFeatureExtractor",
    "Qwen3ASRFeatureExtractor",
    "SeamlessM4TFeatureExtractor",
    "Speech2TextFeatureExtractor",
    "SpeechT5FeatureExtractor",
    "UnivNetFeatureExtractor",
    "VoxtralRealtimeFeatureExtractor",
    "WhisperFeatureExtractor",
    "Xcodec2FeatureExtractor",
    "from_feature_extractor",
]
