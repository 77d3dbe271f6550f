"""torchaudio's feature API computed by fastmel: change one import, keep every argument.

``import fastmel.torchaudio as torchaudio`` (or ``from fastmel.torchaudio
import transforms as T``) gives:

- :mod:`~fastmel.torchaudio.transforms`: ``Spectrogram``, ``MelSpectrogram``,
  ``MFCC``, ``LFCC``, ``AmplitudeToDB``, ``MelScale``, ``ComputeDeltas``;
- :mod:`~fastmel.torchaudio.functional`: ``spectrogram``, ``melscale_fbanks``,
  ``linear_fbanks``, ``create_dct``, ``amplitude_to_DB``, ``compute_deltas``;
- :mod:`~fastmel.torchaudio.compliance.kaldi`: ``fbank``, ``mfcc``,
  ``spectrogram``;

with torchaudio 2.11's names, arguments and defaults. Tensors in (CPU, not
requiring grad) give tensors out of the same dtype; NumPy arrays give NumPy
arrays and torch is never imported for them. Transforms built while torch is
imported are ``torch.nn.Module`` s. ``hann_window`` and its siblings are
torch's window functions as NumPy (the transforms' default ``window_fn``).
An argument fastmel does not compute (``power=None``, ``onesided=False``,
``dct_type`` other than 2) raises an error naming it; none is ignored.
"""

from . import compliance, functional, transforms
from ._windows import bartlett_window, blackman_window, hamming_window, hann_window, kaiser_window

__all__ = [
    "bartlett_window",
    "blackman_window",
    "compliance",
    "functional",
    "hamming_window",
    "hann_window",
    "kaiser_window",
    "transforms",
]
