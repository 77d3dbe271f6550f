"""librosa's feature API computed by fastmel: change one import, keep every argument.

``import fastmel.librosa as librosa`` gives ``feature.melspectrogram``,
``feature.mfcc``, ``feature.delta``, ``feature.stack_memory``, ``filters.mel``,
``power_to_db``, ``amplitude_to_db``, ``db_to_power`` and ``pcen`` with librosa
0.11's keyword-only signatures and defaults, on NumPy arrays of any leading
dimensions (``(..., n)`` audio, ``(..., d, t)`` features). The spectrograms,
banks, decibels, DCTs, deltas and PCEN run in fastmel's compiled engine
without the GIL (each function also takes ``num_threads``); an argument
fastmel does not compute raises :class:`ParameterError` (a ValueError) or a
TypeError naming it, none is ignored.
"""

from . import feature, filters
from ._spectrum import amplitude_to_db, db_to_power, pcen, power_to_db
from ._util import ParameterError

__all__ = [
    "ParameterError",
    "amplitude_to_db",
    "db_to_power",
    "feature",
    "filters",
    "pcen",
    "power_to_db",
]
