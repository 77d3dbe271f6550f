"""A front end and the stages along frames after it, as one object: :class:`Chain`."""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from . import _core
from ._frames import _AlongFrames
from ._frontend import Configured
from ._options import as_int

__all__ = ["Chain", "ChainStream"]


def _parts() -> dict[str, type[Configured]]:
    """The classes a chain's configuration may name (and nothing else: a
    configuration never imports a module of its choosing)."""
    from . import MFCC, PCEN, Deltas, MelSpectrogram, SlidingCMVN, StackFrames, kaldi

    return {
        "MelSpectrogram": MelSpectrogram,
        "MFCC": MFCC,
        "kaldi.Fbank": kaldi.Fbank,
        "kaldi.Mfcc": kaldi.Mfcc,
        "kaldi.Spectrogram": kaldi.Spectrogram,
        "Deltas": Deltas,
        "PCEN": PCEN,
        "SlidingCMVN": SlidingCMVN,
        "StackFrames": StackFrames,
    }


def _name_of(part: Any) -> str:
    for name, cls in _parts().items():
        if type(part) is cls:
            return name
    raise TypeError(f"a Chain cannot hold a {type(part).__name__}")


def _part(value: Any, what: str) -> Any:
    """A part given as an object or as ``{"class_name": ..., "config": ...}``."""
    if isinstance(value, Mapping):
        name = value.get("class_name")
        cls = _parts().get(name) if isinstance(name, str) else None
        if cls is None or not isinstance(value.get("config"), Mapping):
            raise ValueError(
                f"{what} as a configuration is {{'class_name': one of {sorted(_parts())}, "
                f"'config': {{...}}}}, got {value!r}"
            )
        return cls.from_config(value["config"])
    _name_of(value)  # a class a chain holds
    return value


class Chain(Configured):
    """A front end followed by stages along frames, as one front end.

    ``Chain(front_end, stages)(x)`` is ``front_end(x)`` passed through each
    stage in turn: Kaldi's ``compute-fbank-feats | apply-cmvn-sliding |
    add-deltas`` or a mel spectrogram with PCEN as one object that
    configures, pickles, copies, compares, takes ``lengths=`` and threads,
    and streams. Each stage runs along the front end's frames axis (a stage
    whose ``axis`` says otherwise is rebuilt with it).

    Parameters
    ----------
    front_end : MelSpectrogram, MFCC, kaldi.Fbank, kaldi.Mfcc or kaldi.Spectrogram
        The front end, or its ``{"class_name": ..., "config": ...}``.
    stages : sequence of Deltas, PCEN, SlidingCMVN or StackFrames
        The stages, in order (objects or configurations as above).
    num_threads : int or None, default None
        Threads of a call, for the front end and every stage (None: the
        context's, :func:`fastmel.set_num_threads`).

    Examples
    --------
    >>> import numpy as np, fastmel, fastmel.kaldi
    >>> kaldi = fastmel.Chain(
    ...     fastmel.kaldi.Fbank(num_mel_bins=40),
    ...     [fastmel.SlidingCMVN(cmn_window=300), fastmel.Deltas.from_preset("kaldi")],
    ... )
    >>> x = np.random.default_rng(0).standard_normal(16000) * 3000
    >>> kaldi(x).shape
    (98, 120)
    >>> pcen = fastmel.Chain(
    ...     fastmel.MelSpectrogram(fft_length=512, num_mel_bins=40, power_to_db=False),
    ...     [fastmel.PCEN(sampling_rate=16000, hop_length=128)],
    ... )
    >>> stream = pcen.stream()
    >>> parts = [stream.push(x[:5000]), stream.push(x[5000:]), stream.flush()]
    >>> np.array_equal(np.concatenate(parts, axis=-1), pcen(x))
    True
    """

    _DEFAULTS = {"front_end": None, "stages": (), "num_threads": None}
    _PLAN_DTYPES = ()

    front_end: Any
    stages: tuple[Any, ...]

    def __init__(
        self, front_end: Any, stages: Sequence[Any] = (), *, num_threads: int | None = None
    ) -> None:
        front = _part(front_end, "front_end")
        if isinstance(stages, (str, bytes, Mapping)) or not isinstance(stages, Sequence):
            raise TypeError(f"`stages` must be a sequence of stages, got {type(stages).__name__}")
        axis = -2 if front.engine_options(np.float32).post.layout == "frames_bands" else -1
        parts = []
        for i, stage in enumerate(stages):
            stage = _part(stage, f"stages[{i}]")
            if not isinstance(stage, _AlongFrames):
                raise TypeError(f"stages[{i}] is a front end, not a stage along frames")
            parts.append(stage if stage.axis == axis else stage.replace(axis=axis))
        self.front_end = front
        self.stages = tuple(parts)
        self._set_threads(num_threads)
        self._build()

    # -- configuration -------------------------------------------------------------

    def get_config(self) -> dict[str, Any]:
        def config(part: Any) -> dict[str, Any]:
            return {"class_name": _name_of(part), "config": part.get_config()}

        return {
            "front_end": config(self.front_end),
            "stages": [config(s) for s in self.stages],
            "num_threads": self.num_threads,
        }

    def __repr__(self) -> str:
        threads = "" if self.num_threads is None else f", num_threads={self.num_threads!r}"
        return f"Chain({self.front_end!r}, {list(self.stages)!r}{threads})"

    # -- computing -----------------------------------------------------------------

    def __call__(
        self, x: ArrayLike, *, lengths: ArrayLike | None = None, num_threads: int | None = None
    ) -> Any:
        """The features of ``x``: the front end's, through every stage.

        Parameters
        ----------
        x : np.ndarray [shape=(..., samples)]
            As the front end takes it.
        lengths : array-like of int [shape=x.shape[:-1]], optional
            A padded batch: each signal's valid samples (its frames, and the
            stages' work on them, are those of the signal alone).
        num_threads : int or None
            Overrides ``num_threads`` for this call.

        Returns
        -------
        np.ndarray
            In the front end's layout; with ``lengths``, the tuple
            ``(features, frames)``: also each signal's own frame count (after
            stacking), int64 of ``x.shape[:-1]``.
        """
        threads = self._call_threads(num_threads)
        if lengths is None:
            y = self.front_end(x, num_threads=threads)
            for stage in self.stages:
                y = stage(y, num_threads=threads)
            return y
        y, counts = self.front_end(x, lengths=lengths, num_threads=threads)
        for stage in self.stages:
            y = stage(y, lengths=counts, num_threads=threads)
            if isinstance(y, tuple):  # stacking: fewer frames
                y, counts = y
        return y, counts

    def num_frames(self, n_samples: int) -> int:
        """Frames of the output for one signal of ``n_samples`` samples.

        Parameters
        ----------
        n_samples : int
            Samples of the signal (>= 0).

        Returns
        -------
        int
        """
        frames = self.front_end.num_frames(as_int("n_samples", n_samples, minimum=0))
        for stage in self.stages:
            if hasattr(stage, "step"):  # StackFrames
                frames = -(-frames // stage.step)
        return int(frames)

    def stream(self) -> ChainStream:
        """A stream computing the chain's features from audio in chunks: the
        front end's stream feeding each stage's (see :class:`fastmel.MelStream`
        and :class:`fastmel.FramesStream`).

        Returns
        -------
        ChainStream
        """
        return ChainStream(self)


class ChainStream:
    """A :class:`Chain`'s features from audio pushed in chunks.

    Made by :meth:`Chain.stream`: the front end's stream, each of whose
    pieces goes through the stages' streams in turn. The pieces equal the
    chain's call on the whole signal as the front end's stream equals the
    front end's call (bit for bit without a ``top_db`` floor): the stages'
    streams add no difference of their own. Each stage delays its output by
    the frames it reads ahead. As the other
    streams: one producer at a time, a call that raises leaves the stream as
    it was, ``copy.copy`` continues the same signal, streams pickle.

    Parameters
    ----------
    chain : Chain

    Examples
    --------
    >>> import numpy as np, fastmel, fastmel.kaldi
    >>> chain = fastmel.Chain(fastmel.kaldi.Fbank(), [fastmel.Deltas.from_preset("kaldi")])
    >>> stream = chain.stream()
    >>> x = np.random.default_rng(0).standard_normal(8000) * 3000
    >>> first = stream.push(x[:4000])  # frames 0-22 of the fbank; deltas reach 4 ahead
    >>> first.shape
    (19, 69)
    >>> np.array_equal(np.concatenate([first, stream.push(x[4000:]), stream.flush()]), chain(x))
    True
    """

    def __init__(self, chain: Chain) -> None:
        self.chain = chain
        streams = [s.stream() for s in chain.stages]  # (refuses a stage that cannot stream)
        self._setup()
        # (the streams, what the last call returned): committed together
        self._state: tuple[list[Any], np.ndarray | None] = (
            [chain.front_end.stream(), *streams],
            None,
        )

    def _setup(self) -> None:
        self._guard = _core.Exclusive(
            "a ChainStream was used by two callers at once (two threads, or a signal "
            "handler inside a call): use one stream per producer",
            attribute="_state",
        )

    def __copy__(self) -> ChainStream:
        with self._guard:
            clone = ChainStream.__new__(ChainStream)
            clone.chain = self.chain
            clone._setup()
            clone._state = ([copy.copy(s) for s in self._state[0]], self._state[1])
            return clone

    def __deepcopy__(self, memo: dict[int, Any]) -> ChainStream:
        return self.__copy__()

    def __getstate__(self) -> dict[str, Any]:
        with self._guard:
            streams, last = self._state
            return {"chain": self.chain, "streams": [copy.copy(s) for s in streams], "last": last}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.chain = state["chain"]
        self._setup()
        self._state = (state["streams"], state.get("last"))

    @property
    def samples_pushed(self) -> int:
        """Samples of each signal the stream has taken (see
        :attr:`fastmel.MelStream.samples_pushed`): with :attr:`frames_emitted`
        and :attr:`last_output`, what a push an exception interrupted did.

        Returns
        -------
        int
        """
        return int(self._state[0][0].samples_pushed)

    @property
    def frames_emitted(self) -> int:
        """Output frames (of the last stage) the stream has returned.

        Returns
        -------
        int
        """
        return int(self._state[0][-1].frames_emitted)

    @property
    def last_output(self) -> np.ndarray | None:
        """What the last push or flush returned (None before the first).

        Returns
        -------
        np.ndarray or None
        """
        return self._state[1]

    def reset(self) -> None:
        """Forget all state: the next push starts a new signal.

        Returns
        -------
        None
        """
        with self._guard:
            for s in self._state[0]:
                s.reset()
            self._state = (self._state[0], None)

    def push(self, chunk: ArrayLike) -> np.ndarray:
        """Add samples; return the output frames they complete.

        Parameters
        ----------
        chunk : np.ndarray [shape=(..., samples)]

        Returns
        -------
        np.ndarray
            In the front end's layout.
        """
        with self._guard as guard:
            streams = [copy.copy(s) for s in self._state[0]]  # committed at the end
            y = streams[0].push(chunk)
            for s in streams[1:]:
                y = s.push(y)
            guard.commit_on_exit(self, (streams, y))
            return y

    def flush(self) -> np.ndarray:
        """End the signal; return the remaining output frames.

        Returns
        -------
        np.ndarray
        """
        with self._guard as guard:
            streams = [copy.copy(s) for s in self._state[0]]
            y = streams[0].flush()
            for s in streams[1:]:
                axis = s.stage.axis
                y = np.concatenate([s.push(y), s.flush()], axis=axis)
            guard.commit_on_exit(self, (streams, y))
            return y
