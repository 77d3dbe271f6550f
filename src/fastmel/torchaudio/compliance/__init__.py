"""``torchaudio.compliance``: :mod:`fastmel.torchaudio.compliance.kaldi`."""

from . import kaldi

__all__ = ["kaldi"]
