"""The front-end protocol, written once: :class:`FrontEnd`.

A front end is its validated options plus one mapping from them to the
engine's stages (:meth:`FrontEnd.engine_options`), and the steps a reference
needs before or after the engine (padding a batch, stacking frames...) in its
``__call__``. This base owns everything else, for every front end alike:
immutability, the configuration (``get_config`` / ``from_config`` /
``replace``), pickling and copying as the configuration (the compiled plans
are rebuilt, never pickled), equality and hashing by configuration, ``repr``,
the compiled plans, frame counts, streams, and the thread count of a call
(its own ``num_threads``, else the context's :func:`set_num_threads`).
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from numpy.typing import DTypeLike

from . import _core, _engine
from ._engine import EngineOptions
from ._options import as_int, resolve_threads

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = ["Configured", "FrontEnd", "get_num_threads", "set_num_threads"]

_F32, _F64 = np.dtype(np.float32), np.dtype(np.float64)

# The thread count of calls whose front end and call name none: per thread and
# per asyncio task (a ContextVar), as scipy.fft.set_workers.
_CONTEXT_THREADS: contextvars.ContextVar[int] = contextvars.ContextVar(
    "fastmel_num_threads", default=1
)


@contextlib.contextmanager
def set_num_threads(num_threads: int | None) -> Iterator[int]:
    """Within the ``with`` block, calls that name no thread count use ``num_threads``.

    As ``scipy.fft.set_workers``: the default is per thread (and per asyncio
    task), so a server or data loader sets it once around its work. A
    ``num_threads`` given to a front end's constructor or to one call takes
    precedence over it.

    Parameters
    ----------
    num_threads : int or None
        As everywhere in fastmel: None is 1, ``-1`` all cores, ``-k`` all but
        ``k - 1``; 0 and more than :data:`fastmel.MAX_THREADS` are errors.

    Returns
    -------
    context manager
        Entering it gives the resolved thread count (an int).

    Examples
    --------
    >>> import numpy as np, fastmel
    >>> layer = fastmel.MelSpectrogram(fft_length=512, num_mel_bins=40)
    >>> with fastmel.set_num_threads(2):
    ...     fastmel.get_num_threads(), layer(np.zeros(16000, np.float32)).shape
    (2, (40, 32))
    >>> fastmel.get_num_threads()
    1
    """
    token = _CONTEXT_THREADS.set(resolve_threads(num_threads))
    try:
        yield _CONTEXT_THREADS.get()
    finally:
        _CONTEXT_THREADS.reset(token)


def get_num_threads() -> int:
    """The thread count that calls naming none use here (see :func:`set_num_threads`).

    Returns
    -------
    int
        1 unless a :func:`set_num_threads` block says otherwise.
    """
    return _CONTEXT_THREADS.get()


class Configured:
    """The protocol of fastmel's configured objects (front ends and the stages
    along frames), written once: immutability, ``get_config`` /
    ``from_config`` / ``replace``, pickling and copies as the configuration
    (compiled plans are rebuilt, never pickled), equality and hashing by
    configuration, ``repr``, and the thread count of a call.

    A subclass validates its options in ``__init__`` (setting them as
    attributes, every argument under its own name), then calls
    :meth:`_build`, which compiles a plan per dtype with ``_compile`` and
    freezes the object. ``_DEFAULTS`` lists every argument with its default,
    in the order of ``get_config``.

    Parameters
    ----------
    **options
        A subclass's own; the base takes none.

    Examples
    --------
    >>> import pickle, fastmel
    >>> deltas = fastmel.Deltas.from_preset("kaldi")
    >>> isinstance(deltas, fastmel.Configured), pickle.loads(pickle.dumps(deltas)) == deltas
    (True, True)
    """

    # Every argument and its default, in get_config's order.
    _DEFAULTS: ClassVar[dict[str, Any]] = {}
    # The dtypes a plan is compiled for at construction.
    _PLAN_DTYPES: ClassVar[tuple[np.dtype, ...]] = (_F32, _F64)

    num_threads: int | None
    _threads: int | None  # num_threads resolved; None: the context's
    _plans: dict[np.dtype, Any]

    def _compile(self, dt: np.dtype) -> Any:
        """The compiled plan for dtype ``dt``."""
        raise NotImplementedError  # pragma: no cover - every subclass defines it

    # -- construction -------------------------------------------------------------

    def _set_options(self, **values: Any) -> None:
        """Set options by name during construction: for the attributes a class
        declares ``Final`` but sets outside ``__init__`` (a shared helper)."""
        for name, value in values.items():
            object.__setattr__(self, name, value)

    def _set_threads(self, num_threads: Any) -> None:
        """Validate and keep the constructor's ``num_threads``."""
        resolved = None if num_threads is None else resolve_threads(num_threads)
        object.__setattr__(self, "num_threads", num_threads)
        object.__setattr__(self, "_threads", resolved)

    def _build(self) -> None:
        """Compile the plans and freeze the object: the last step of ``__init__``."""
        object.__setattr__(self, "_plans", {dt: self._compile(dt) for dt in self._PLAN_DTYPES})
        # A front end's stream plans are built on first use, then shared by every stream.
        object.__setattr__(self, "_stream_plans", {})
        object.__setattr__(self, "_frozen", True)

    def _call_threads(self, num_threads: Any = None) -> int:
        """A call's thread count: its own, else the front end's, else the context's."""
        if num_threads is not None:
            return resolve_threads(num_threads)
        if self._threads is not None:
            return self._threads
        return _CONTEXT_THREADS.get()

    # -- configuration --------------------------------------------------------------

    def get_config(self) -> dict[str, Any]:
        """The arguments that rebuild this front end.

        Returns
        -------
        dict
            JSON-serialisable (arrays become lists); ``from_config`` of it
            builds an equal front end.
        """
        return {key: _jsonable(getattr(self, key)) for key in self._DEFAULTS}

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Any:
        """Build a front end from ``get_config()`` output.

        Parameters
        ----------
        config : dict
            Arguments by name; missing ones take their defaults.

        Returns
        -------
        FrontEnd
            Of this class.
        """
        return cls(**dict(config))

    def replace(self, **changes: Any) -> Self:
        """A new front end with ``changes`` applied to this one's arguments.

        Parameters
        ----------
        **changes
            Any argument of this front end.

        Returns
        -------
        FrontEnd
            Of this class.
        """
        unknown = set(changes) - self._argument_names()
        if unknown:
            raise TypeError(f"unknown {type(self).__name__} arguments: {sorted(unknown)}")
        return type(self)(**self._replaced(changes))

    def _argument_names(self) -> set[str]:
        """The names ``replace`` takes."""
        return set(self._DEFAULTS)

    def _replaced(self, changes: dict[str, Any]) -> dict[str, Any]:
        """The constructor's arguments for ``replace(**changes)`` (a front end
        whose config holds values derived from others sends them back to
        their defaults here when what they derive from changes)."""
        return dict(self.get_config(), **changes)

    # -- values ---------------------------------------------------------------------

    def __setattr__(self, name: str, value: Any) -> None:
        if getattr(self, "_frozen", False):
            hint = (
                f"build a new one with .replace({name}=...)"
                if name in self._argument_names()
                else "its options are fixed at construction"
            )
            raise AttributeError(f"{type(self).__name__} is immutable: cannot set `{name}`; {hint}")
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable: cannot delete `{name}`")

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # As the configuration: small, and the plans are rebuilt on load. copy
        # and deepcopy go through this too.
        return (_rebuild, (type(self), self.get_config()))

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, Configured)
        return _frozen(self.get_config()) == _frozen(other.get_config())

    def __hash__(self) -> int:
        return hash((type(self).__qualname__, _frozen(self.get_config())))

    def __repr__(self) -> str:
        defaults = self._repr_defaults()
        parts = []
        for key, value in self.get_config().items():
            if _frozen(value) == _frozen(defaults.get(key, value)):
                continue
            shown = "array" if isinstance(getattr(self, key, None), np.ndarray) else repr(value)
            parts.append(f"{key}={shown}")
        return f"{type(self).__name__}({', '.join(parts)})"

    def _repr_defaults(self) -> dict[str, Any]:
        """The values ``repr`` leaves out (a front end resolves derived ones here)."""
        return self._DEFAULTS


class FrontEnd(Configured):
    """The base of every fastmel front end: options, a mapping to the engine, the rest once.

    A subclass (see :class:`Configured`) implements :meth:`engine_options`
    and ``__call__``; the plans are compiled from its engine options.

    Public front ends are values: attributes cannot be set after
    construction (:meth:`replace` returns a changed copy); equal
    configurations compare and hash equal; pickles, copies and deep copies
    carry the configuration only (a few hundred bytes) and rebuild the plans,
    so a front end can be sent to worker processes (``multiprocessing``'s
    spawn, ``datasets.map(num_proc=...)``, DataLoader workers). One front end
    may be shared by any number of threads: it holds no per-call state.

    Parameters
    ----------
    **options
        A subclass's own; the base takes none.

    Examples
    --------
    >>> import pickle, fastmel, fastmel.kaldi
    >>> fbank = fastmel.kaldi.Fbank(num_mel_bins=80)
    >>> isinstance(fbank, fastmel.FrontEnd), pickle.loads(pickle.dumps(fbank)) == fbank
    (True, True)
    >>> fbank.replace(num_mel_bins=40)
    Fbank(num_mel_bins=40)
    """

    _stream_plans: dict[tuple[np.dtype, int], _core.Plan]

    # -- what a front end defines -----------------------------------------------

    def engine_options(self, dtype: DTypeLike, *, stream_left: int | None = None) -> EngineOptions:
        """The engine stages this front end runs for ``dtype``.

        Parameters
        ----------
        dtype : "float32" or "float64"
            The compute dtype (banks and windows may be rounded to it).
        stream_left : int, optional
            The stages a stream runs instead, on a buffer that holds
            ``stream_left`` padding samples before the signal: no padding of
            their own, nothing dropped, nothing computed over whole signals
            (floors, normalisation).

        Returns
        -------
        EngineOptions
            One frozen dataclass per stage (``fastmel._engine``).
        """
        raise NotImplementedError  # pragma: no cover - every front end defines it

    def _compile(self, dt: np.dtype) -> _core.Plan:
        return _engine.make_plan(self.engine_options(dt), dt)

    # -- frames and streams ---------------------------------------------------------

    def num_frames(self, n_samples: int) -> int:
        """Frames the engine computes for one signal of ``n_samples`` samples.

        Parameters
        ----------
        n_samples : int
            Samples of the signal (>= 0).

        Returns
        -------
        int
        """
        n = as_int("n_samples", n_samples, minimum=0)
        return int(self._plans[self._PLAN_DTYPES[0]].num_frames(n))

    def stream(self) -> Any:
        """A stream computing this front end's frames from chunks (see
        :class:`fastmel.MelStream`).

        Returns
        -------
        MelStream
        """
        from ._stream import MelStream

        return MelStream(self)

    def _stream_spec(self) -> Any:
        """What a stream needs of this front end (a ``fastmel._stream.StreamSpec``)."""
        raise TypeError(
            f"{type(self).__name__} does not stream: its features depend on the whole padded batch"
        )

    def _stream_plan(self, dt: DTypeLike, left: int) -> _core.Plan:
        """The plan streams run for dtype ``dt`` on a buffer with ``left`` samples
        of padding, built once per key and shared by every stream (two threads
        racing here build two equal plans and one is kept, harmlessly)."""
        key = (np.dtype(dt), left)
        plan = self._stream_plans.get(key)
        if plan is None:
            options = self.engine_options(key[0], stream_left=left)
            plan = self._stream_plans.setdefault(key, _engine.make_plan(options, key[0]))
        return plan


def _rebuild(cls: type[Configured], config: dict[str, Any]) -> Configured:
    return cls.from_config(config)


def _jsonable(value: Any) -> Any:
    """An option as get_config returns it: arrays as lists, dtypes by name,
    NumPy scalars as Python numbers."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.dtype):
        return value.name
    if isinstance(value, np.generic):
        return value.item()
    return value


def _frozen(value: Any) -> Any:
    """A configuration value as something hashable that compares by value."""
    if isinstance(value, Mapping):
        return tuple(sorted((str(k), _frozen(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, np.ndarray):
        return (value.dtype.str, value.shape, value.tobytes())
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value
