"""Streaming the stages along frames: their output from features pushed in pieces.

A stage's output frame depends on a span of input frames around it (deltas:
the filter's reach; stacking: the frames it stacks) or on all the frames
before it (PCEN's smoother). A :class:`FramesStream` keeps the input frames
that outputs still to come depend on and, at each push, computes the outputs
whose span has arrived: deltas and stacking on a window of the kept frames
that holds every frame those outputs read (and that starts at the signal's
first frame while the start's edge rule is in play), PCEN on the new frames
with the smoother's state carried in the core. Each output goes through the
same compiled kernel on the same values as in the whole-signal call, so the
pieces equal it bit for bit.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from . import _core

__all__ = ["FramesStream"]


class FramesStream:
    """A stage along frames applied to features that arrive in pieces.

    Made by the ``stream()`` method of :class:`fastmel.Deltas`,
    :class:`fastmel.PCEN` and :class:`fastmel.StackFrames`. Each
    :meth:`push` takes the next frames of each signal and returns the output
    frames they complete; :meth:`flush` ends the signals and returns the
    rest. Concatenated along the frames axis, the pieces equal the stage's
    call on the whole features bit for bit, for any cutting.

    An output frame is returned once every frame it reads has arrived:
    deltas lag their filter's reach (Kaldi's order-2 deltas: 4 frames), a
    stacked frame waits for the last frame it stacks, PCEN returns every
    frame at once. The stream keeps only the frames later outputs read.

    Pieces have the stage's layout (``(..., frames, features)`` for
    ``axis=-2``, ``(..., features, frames)`` for ``axis=-1``) with the same
    leading dimensions and number of features every time (fixed by the first
    piece, which also fixes the dtype as the stage's call would); a piece
    may have 0 frames. As :class:`fastmel.MelStream`: one producer at a time
    (a second caller at once raises RuntimeError), a call that raises leaves
    the stream as it was, ``copy.copy`` continues the same signals on its
    own, and streams pickle.

    Parameters
    ----------
    stage : Deltas, PCEN or StackFrames
        The stage whose output to reproduce.

    Examples
    --------
    >>> import numpy as np, fastmel
    >>> deltas = fastmel.Deltas.from_preset("kaldi")       # (frames, features)
    >>> feats = np.random.default_rng(0).standard_normal((100, 13))
    >>> stream = deltas.stream()
    >>> parts = [stream.push(feats[:30]), stream.push(feats[30:]), stream.flush()]
    >>> [p.shape for p in parts]
    [(26, 39), (70, 39), (4, 39)]
    >>> np.array_equal(np.concatenate(parts, axis=-2), deltas(feats))
    True
    """

    def __init__(self, stage: Any) -> None:
        stage._stream_check()
        self.stage = stage
        self._setup()
        self._st = _FramesState()

    def _setup(self) -> None:
        self._axis = self.stage.axis
        self._guard = _core.Exclusive(
            "a FramesStream was used by two callers at once (two threads, or a signal "
            "handler inside a call): use one stream per producer",
            attribute="_st",
        )

    def reset(self) -> None:
        """Forget all state: the next push starts new signals.

        Returns
        -------
        None
        """
        with self._guard:
            self._st = _FramesState()

    @property
    def frames_pushed(self) -> int:
        """Input frames of each signal the stream has taken (an int). With
        :attr:`frames_emitted`, committed together, it tells what a push that
        an exception interrupted did: unchanged, push the piece again;
        advanced, its output is :attr:`last_output` (as
        :attr:`fastmel.MelStream.samples_pushed`).

        Returns
        -------
        int
        """
        return int(self._st.received)

    @property
    def frames_emitted(self) -> int:
        """Output frames the stream has returned (an int).

        Returns
        -------
        int
        """
        return int(self._st.emitted)

    @property
    def last_output(self) -> np.ndarray | None:
        """What the last push or flush returned (None before the first).

        Returns
        -------
        np.ndarray or None
        """
        return self._st.last

    def __copy__(self) -> FramesStream:
        with self._guard:
            clone = FramesStream.__new__(FramesStream)
            clone.stage = self.stage
            clone._setup()
            clone._st = self._st.copy()
            return clone

    def __deepcopy__(self, memo: dict[int, Any]) -> FramesStream:
        return self.__copy__()

    def __getstate__(self) -> dict[str, Any]:
        with self._guard:
            return {"stage": self.stage, "state": self._st.copy()}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.stage = state["stage"]
        self._setup()
        self._st = state["state"]

    def push(self, features: ArrayLike) -> np.ndarray:
        """Add the next frames; return the output frames they complete.

        Parameters
        ----------
        features : np.ndarray
            The next frames of each signal, in the stage's layout.

        Returns
        -------
        np.ndarray
            The new output frames (possibly none), in the stage's layout.
        """
        with self._guard as guard:
            st = self._st.copy()
            if st.done:
                raise RuntimeError("push() after flush(): call reset() to start new signals")
            self._append(st, features)
            out = self._emit(st, final=False)
            st.last = out
            guard.commit_on_exit(self, st)
            return out

    def flush(self) -> np.ndarray:
        """End the signals; return the remaining output frames.

        Returns
        -------
        np.ndarray
            The last output frames (none if nothing was pushed: then of
            shape ``(0, 0)`` or its transpose, the features being unknown).
        """
        with self._guard as guard:
            st = self._st.copy()
            if st.done:
                raise RuntimeError("flush() called twice: call reset() to start new signals")
            st.done = True
            out = self._emit(st, final=True) if st.buf is not None else self._empty(st, 0)
            st.last = out
            guard.commit_on_exit(self, st)
            return out

    # -- internals ----------------------------------------------------------------

    def _frames_of(self, a: np.ndarray) -> int:
        return int(a.shape[self._axis])

    def _append(self, st: _FramesState, features: ArrayLike) -> None:
        from ._frames import _features  # (a cycle: _frames makes streams)

        if st.buf is None:
            a, k, _ = _features(features, self._axis)
            st.lead, st.k, st.dtype = a.shape[:-2], k, a.dtype
            st.buf = a
        else:
            a = np.asarray(features)
            if a.dtype.kind not in "biuf":
                raise TypeError(f"`features` must be real numbers, got dtype {a.dtype}")
            want = st.lead + ((st.k, a.shape[-1]) if self._axis == -1 else (a.shape[-2], st.k))
            if a.ndim != len(want) or a.shape != want:
                raise ValueError(
                    f"a piece of shape {a.shape} does not continue this stream's signals "
                    f"(leading shape {st.lead}, {st.k} features, frames on axis {self._axis})"
                )
            a = a.astype(st.dtype, copy=False)
            st.buf = np.concatenate([st.buf, a], axis=self._axis)
        st.received += self._frames_of(a)

    def _empty(self, st: _FramesState, frames: int) -> np.ndarray:
        k = self.stage._stream_out_features(st.k) if st.k else 0  # (0: nothing pushed)
        shape = (k, frames) if self._axis == -1 else (frames, k)
        return np.empty(st.lead + shape, st.dtype or np.float32)

    def _emit(self, st: _FramesState, final: bool) -> np.ndarray:
        stage = self.stage
        e0 = st.emitted
        e1 = stage._stream_ready(st.received, final)
        if e1 <= e0:
            return self._empty(st, 0)
        w0, w1, skip = stage._stream_window(e0, e1, st.received, final)
        assert st.buf is not None  # (e1 > e0: frames were pushed)
        take = [slice(None)] * st.buf.ndim
        take[self._axis] = slice(w0 - st.first, w1 - st.first)
        window = np.ascontiguousarray(st.buf[tuple(take)])
        out = stage._stream_compute(st, window)
        cut = [slice(None)] * out.ndim
        cut[self._axis] = slice(skip, skip + e1 - e0)
        out = out[tuple(cut)]
        st.emitted = e1
        keep = min(stage._stream_keep(e1, st.received), st.received)
        if keep > st.first:  # drop the frames no later output reads
            drop = [slice(None)] * st.buf.ndim
            drop[self._axis] = slice(keep - st.first, None)
            st.buf = st.buf[tuple(drop)]
            st.first = keep
        return out


class _FramesState:
    """A frames stream's state between calls; a call works on a copy and commits it
    (it replaces arrays, never writes into the committed ones)."""

    __slots__ = (
        "buf",
        "done",
        "dtype",
        "emitted",
        "first",
        "k",
        "last",
        "lead",
        "received",
        "zi",
    )

    def __init__(self) -> None:
        self.buf: np.ndarray | None = None  # the kept input frames, from frame `first` on
        self.first = 0  # index in the signal of the buffer's first frame
        self.received = 0  # input frames pushed
        self.emitted = 0  # output frames returned
        self.lead: tuple[int, ...] = ()
        self.k = 0  # input features
        self.dtype: np.dtype | None = None
        self.zi: np.ndarray | None = None  # PCEN: the smoother's state, (rows, k) float64
        self.last: np.ndarray | None = None  # what the last push or flush returned
        self.done = False

    def copy(self) -> _FramesState:
        new = _FramesState.__new__(_FramesState)
        for name in _FramesState.__slots__:
            setattr(new, name, getattr(self, name))
        return new

    def __getstate__(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _FramesState.__slots__}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name in _FramesState.__slots__:
            setattr(self, name, state[name])
