"""Streaming: a front end's frames from audio that arrives in chunks.

The stream is generic over front ends: it sees a :class:`StreamSpec`, the
framing facts and plans that the front end hands it, and nothing else.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from . import _core
from ._options import PadMode, TopDbScope, as_signal, floor_group

__all__ = ["MelStream", "StreamSpec"]


@dataclass(frozen=True)
class StreamSpec:
    """What a stream needs of a front end (its ``_stream_spec()``).

    Frame ``t`` of a whole signal reads ``frame_length`` samples from signal
    index ``t * hop + start`` (padding by ``pad_mode`` beyond the ends), and
    ``num_frames(n)`` is the frame count of a whole signal of ``n`` samples.
    ``plan(dtype, left)`` is a compiled plan that computes the same frames
    from a buffer holding ``left`` padding samples and then the signal, with
    no padding and nothing dropped; frame 0 of a segment starts at segment
    index ``start + left``. With ``floor``, the plan floors its log bands
    per row (over runs of ``floor_group`` rows) against a running maximum
    that the stream carries from call to call (``floor_max``): the floor is
    the core's, computed once.
    """

    plan: Callable[[Any, int], Any]
    num_frames: Callable[[int], int]
    frame_length: int
    hop: int
    start: int
    reach: int
    pad_mode: PadMode
    floor: bool  # the plan floors against a running maximum the stream carries
    floor_scope: TopDbScope  # which signals share the floor's maximum (_options.floor_group)
    num_features: int
    frames_major: bool  # output (..., frames, features), else (..., features, frames)
    dtype: np.dtype | None  # the front end's compute dtype (None: follow the input)
    num_threads: Callable[[], int]  # a push's thread count (the front end's or the context's)
    dither_key: int = 0  # the plan's per-call dither key, the same for every push


class MelStream:
    """Mel frames from a signal pushed in chunks, as the whole signal gives them.

    Made by :meth:`MelSpectrogram.stream`. Each :meth:`push` returns the
    frames that the samples seen so far complete; :meth:`flush` ends the
    signal and returns the rest. Concatenated along the last axis, the pieces
    have the shape of ``layer(whole_signal)`` for any chunking, and:

    - without a ``top_db`` floor (power output, ``power_to_db=False``, or
      ``top_db=None``) they are bit-identical to it: every frame goes through
      the same compiled kernel on the same samples;
    - with a floor, a frame is floored against the running maximum of the
      frames returned so far, itself included (per example with
      ``top_db_scope="example"``), since the maximum of the future is not
      known. Frames already returned are never revised, so a streamed value
      is below the whole-signal one only where the whole signal's floor
      (from a louder later frame) lifts it: ``np.maximum(streamed,
      whole.max() - range)`` equals the whole-signal result exactly.

    Chunks have shape ``(..., samples)`` with the same leading dimensions
    every time (fixed by the first chunk, which also fixes the dtype as the
    layer's call would); a chunk may have 0 samples. State is
    O(frame length + hop) samples per example, and a push costs O(chunk) plus the
    frames it completes. A stream is not thread-safe: one stream per
    producer (concurrent use raises RuntimeError); any number of streams may
    share a layer. A call that raises (a KeyboardInterrupt during the
    computation, say) leaves the stream as it was. ``copy.copy(stream)`` is an
    independent stream that continues the same signal, and streams pickle
    (the layer as its configuration, the kept samples and counters).

    Parameters
    ----------
    layer : MelSpectrogram
        The layer (front end) whose output to reproduce. Any front end that
        has a ``_stream_spec()`` method returning a :class:`StreamSpec` can
        be streamed: this class knows nothing of mel scales.

    Examples
    --------
    >>> import numpy as np, fastmel
    >>> layer = fastmel.MelSpectrogram(fft_length=512, sequence_stride=160,
    ...                                num_mel_bins=40, power_to_db=False)
    >>> audio = np.random.default_rng(0).standard_normal(16000).astype(np.float32)
    >>> stream = layer.stream()
    >>> first = stream.push(audio[:1000])   # frames 0..3 need samples up to 736
    >>> first.shape
    (40, 5)
    >>> rest = [stream.push(audio[1000:9000]), stream.push(audio[9000:]), stream.flush()]
    >>> np.array_equal(np.concatenate([first] + rest, axis=-1), layer(audio))
    True
    """

    def __init__(self, layer: Any) -> None:
        self.layer = layer
        self._setup()
        # Drawn once per stream (a front end without a dither seed draws a fresh
        # one each time): a copy and a pickle keep it, reset() too.
        self._dither_key = self._spec.dither_key
        self._st = _State(self._left == 0)

    def _setup(self) -> None:
        spec = self.layer._stream_spec()
        self._spec = spec
        self._W = spec.frame_length
        self._hop = spec.hop
        # Padding samples the buffer holds before the signal, and the offset
        # of frame 0 in the buffer.
        self._left = max(0, -spec.start)
        self._offset = spec.start + self._left
        # The right padding of the last frame never exceeds this.
        self._right_max = max(0, spec.start + spec.frame_length - spec.reach)
        self._axis = -2 if spec.frames_major else -1
        self._guard = _core.Exclusive(
            "a MelStream was used by two callers at once (two threads, or a signal "
            "handler inside a call): use one stream per producer",
            attribute="_st",
        )

    def reset(self) -> None:
        """Forget all state: the next push starts a new signal.

        Returns
        -------
        None
        """
        with self._guard:
            self._st = _State(self._left == 0)

    # -- where the stream is ------------------------------------------------------

    @property
    def samples_pushed(self) -> int:
        """Samples of each signal the stream has taken (an int).

        With :attr:`frames_emitted`, the way to tell what a push interrupted
        by an exception did (a ``KeyboardInterrupt``, or a signal handler that
        raises, can arrive after the push took its chunk and before it
        returned): both are committed together, so compare them with their
        values before the push. Unchanged: the chunk was not taken, push it
        again. Advanced: it was, and its frames are :attr:`last_output`
        (``frames_emitted`` minus the count before).

        Returns
        -------
        int
        """
        return int(self._st.received)

    @property
    def frames_emitted(self) -> int:
        """Frames the stream has returned, pushes and flush together (an int;
        see :attr:`samples_pushed`).

        Returns
        -------
        int
        """
        return int(self._st.emitted)

    @property
    def last_output(self) -> np.ndarray | None:
        """What the last push or flush returned (None before the first): the
        frames of a push whose return value an exception took (see
        :attr:`samples_pushed`).

        Returns
        -------
        np.ndarray or None
        """
        return self._st.last

    # -- copying and pickling ----------------------------------------------------

    def __copy__(self) -> MelStream:
        # A copy continues the same signal on its own: nothing is shared but the layer.
        with self._guard:
            clone = MelStream.__new__(MelStream)
            clone.layer = self.layer
            clone._setup()
            clone._dither_key = self._dither_key
            clone._st = self._st.copy(own_buffer=True)
            return clone

    def __deepcopy__(self, memo: dict[int, Any]) -> MelStream:
        return self.__copy__()

    def __getstate__(self) -> dict[str, Any]:
        with self._guard:
            st = self._st.copy(own_buffer=True)
        return {"layer": self.layer, "state": st, "dither_key": self._dither_key}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.layer = state["layer"]
        self._setup()
        self._dither_key = state["dither_key"]
        self._st = state["state"]

    # -- public ---------------------------------------------------------------

    def push(self, chunk: ArrayLike) -> np.ndarray:
        """Add samples; return the frames they complete.

        A push either takes the whole chunk and returns its frames, or raises
        and leaves the stream as it was (an exception inside, a
        KeyboardInterrupt during the computation say, means the chunk was not
        taken: push it again).

        Parameters
        ----------
        chunk : np.ndarray [shape=(..., samples)]
            The next samples of each signal (0 or more).

        Returns
        -------
        np.ndarray [shape=(..., num_mel_bins, new_frames)]
        """
        with self._guard as guard:
            st = self._st.copy()
            if st.done:
                raise RuntimeError("push() after flush(): call reset() to start a new signal")
            a = self._as_chunk(st, chunk)
            if not st.padded_left and self._spec.pad_mode == "constant":
                self._append(st, np.zeros(a.shape[:-1] + (self._left,), a.dtype))
                st.padded_left = True
            self._append(st, a)
            st.received += a.shape[-1]
            if not st.padded_left and st.received >= self._left + 1:
                self._add_left_padding(st)
            if not st.padded_left:
                frames = self._empty(st)
            else:
                # Frames that a longer signal has too (frame counts only grow).
                frames = self._emit(st, self._spec.num_frames(st.received))
            # Nothing above changed the stream: the guard commits st as the block
            # ends, unless an exception ends it.
            st.last = frames
            guard.commit_on_exit(self, st)
            return frames

    def flush(self) -> np.ndarray:
        """End the signal; return the remaining frames.

        As :meth:`push`, it either completes or leaves the stream as it was.

        Returns
        -------
        np.ndarray [shape=(..., num_mel_bins, remaining_frames)]
            Empty (shape ``(num_mel_bins, 0)`` if nothing was pushed) when
            there are none.
        """
        with self._guard as guard:
            st = self._st.copy()
            if st.done:
                raise RuntimeError("flush() called twice: call reset() to start a new signal")
            st.done = True
            if st.received == 0:
                st.last = self._empty(st)
                guard.commit_on_exit(self, st)
                return st.last
            total = self._spec.num_frames(st.received)
            last = (total - 1) * self._hop + self._spec.start + self._W - 1
            right = max(0, last - (st.received - 1))
            mode = self._spec.pad_mode
            if not st.padded_left:
                # Shorter than the left padding: the whole signal is here, and
                # numpy pads it as the core would (repeated reflection included).
                signal = st.buf[:, : st.end]
                st.buf = _pad(signal, self._left, right, mode)
                st.start = st.next = 0
                st.end = st.buf.shape[1]
                st.padded_left = True
            elif right:
                # The buffer keeps at least the last right_max + 1 samples, or
                # the whole signal (whose padding numpy then repeats as needed).
                tail = st.buf[:, max(st.start, st.end - st.received) : st.end]
                self._append(st, _pad(tail, 0, right, mode)[:, -right:].reshape(st.lead + (right,)))
            frames = self._emit(st, total)
            st.last = frames
            guard.commit_on_exit(self, st)
            return frames

    # -- internals ------------------------------------------------------------
    # Each works on a copy of the state, st, and never writes what the
    # committed state reads (buffer samples before st.end, the maximum).

    def _as_chunk(self, st: _State, chunk: ArrayLike) -> np.ndarray:
        if st.dtype is None:
            a = _as_chunk_array(chunk, self._spec.dtype)
            st.dtype = a.dtype
            st.lead = a.shape[:-1]
            rows = int(np.prod(st.lead, dtype=np.int64)) if st.lead else 1
            st.buf = np.empty(
                (rows, max(4 * (self._W + self._hop + self._left), 4096)), dtype=a.dtype
            )
            st.max = np.full(rows, -np.inf)
            return a
        a = _as_chunk_array(chunk, st.dtype)
        if a.shape[:-1] != st.lead:
            raise ValueError(
                f"chunk has leading shape {a.shape[:-1]}, but this stream's first chunk "
                f"had {st.lead}"
            )
        return a

    def _append(self, st: _State, a: np.ndarray) -> None:
        """Copy samples of shape lead + (k,) to the buffer's end."""
        k = a.shape[-1]
        rows = st.buf.shape[0]
        if st.end + k > st.buf.shape[1]:
            kept = st.end - st.start
            capacity = st.buf.shape[1]
            if kept + k > capacity // 2:
                capacity = max(2 * capacity, 2 * (kept + k))
            fresh = np.empty((rows, capacity), dtype=st.buf.dtype)
            fresh[:, :kept] = st.buf[:, st.start : st.end]
            st.buf = fresh
            st.next -= st.start
            st.end = kept
            st.start = 0
        st.buf[:, st.end : st.end + k] = a.reshape(rows, k)
        st.end += k

    def _add_left_padding(self, st: _State) -> None:
        """Prepend the left padding to the buffered signal (all of it is still here)."""
        x = st.buf[:, : st.end]
        padded = _pad(x, self._left, 0, self._spec.pad_mode)
        st.buf = np.empty((x.shape[0], max(st.buf.shape[1], 2 * padded.shape[1])), dtype=x.dtype)
        st.buf[:, : padded.shape[1]] = padded
        st.start = 0
        st.next = 0
        st.end = padded.shape[1]
        st.padded_left = True

    def _emit(self, st: _State, limit: int) -> np.ndarray:
        """Compute the frames that the buffer holds completely, up to frame `limit`."""
        reach = self._offset + self._W  # buffer samples from next that frame 0 needs
        available = 0
        if st.end - st.next >= reach:
            available = 1 + (st.end - st.next - reach) // self._hop
        count = max(0, min(available, limit - st.emitted))
        if count == 0:
            return self._empty(st)
        span = (count - 1) * self._hop + reach
        segment = st.buf[:, st.next : st.next + span]
        assert st.dtype is not None
        plan = self._spec.plan(st.dtype, self._left)
        frames = np.empty(plan.out_shape(segment.shape[0], span), st.dtype)
        if segment.shape[0]:
            # The floor's running maximum: updated by the core in a copy (the
            # committed state's array is never written).
            floor_max = st.max.copy() if self._spec.floor else None
            plan.compute(
                segment,
                frames,
                self._spec.num_threads(),
                frame_index0=st.emitted,
                dither_key=self._dither_key,
                floor_group=floor_group(self._spec.floor_scope, st.lead),
                floor_max=floor_max,
            )
            if floor_max is not None:
                st.max = floor_max
        st.next += count * self._hop
        st.emitted += count
        # Keep the frames' future samples and, for the right padding at
        # flush(), the last right_max + 1 samples of the signal.
        st.start = max(st.start, min(st.next, st.end - (self._right_max + 1)))
        return frames.reshape(st.lead + frames.shape[1:])

    def _empty(self, st: _State) -> np.ndarray:
        dtype = st.dtype if st.dtype is not None else (self._spec.dtype or np.float32)
        shape = (
            (0, self._spec.num_features)
            if self._spec.frames_major
            else (self._spec.num_features, 0)
        )
        return np.empty(st.lead + shape, dtype=dtype)


class _State:
    """A stream's state between calls; a call works on a copy and commits it."""

    __slots__ = (
        "buf",
        "done",
        "dtype",
        "emitted",
        "end",
        "last",
        "lead",
        "max",
        "next",
        "padded_left",
        "received",
        "start",
    )

    def __init__(self, padded_left: bool) -> None:
        self.lead: tuple[int, ...] = ()  # leading shape, fixed by the first chunk
        self.dtype: np.dtype | None = None  # None until the first chunk
        self.buf = np.empty((1, 0))  # (rows, capacity): padded signal from start
        self.start = 0  # buffer index of the oldest kept sample
        self.end = 0  # buffer index one past the newest sample
        self.next = 0  # buffer index where the next frame starts
        self.received = 0  # signal samples pushed
        self.emitted = 0  # frames returned
        self.padded_left = padded_left  # left padding in the buffer yet?
        self.max = np.empty(0)  # running maximum for the floor, per row
        self.last: np.ndarray | None = None  # what the last push or flush returned
        self.done = False

    def copy(self, *, own_buffer: bool = False) -> _State:
        """A copy; with ``own_buffer``, of the kept samples too (else shared:
        a call only writes past ``end``, which the original does not read)."""
        new = _State.__new__(_State)
        for name in _State.__slots__:
            setattr(new, name, getattr(self, name))
        if own_buffer:
            new.buf = self.buf[:, self.start : self.end].copy()
            new.next -= self.start
            new.end -= self.start
            new.start = 0
        return new

    def __getstate__(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _State.__slots__}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name in _State.__slots__:  # ("last" is not in the pickles of 0.1.0)
            setattr(self, name, state.get(name) if name == "last" else state[name])


def _pad(x: np.ndarray, left: int, right: int, mode: PadMode) -> np.ndarray:
    """``np.pad(x, ((0, 0), (left, right)), mode=mode)`` for rows of samples; by slicing
    when the padding does not repeat (the cost of a stream's start and end)."""
    n = x.shape[1]
    if max(left, right) > (n - 1 if mode == "reflect" else n):
        return np.pad(x, ((0, 0), (left, right)), mode=mode)
    parts = []
    if left:
        if mode == "constant":
            parts.append(np.zeros((x.shape[0], left), x.dtype))
        else:
            parts.append(x[:, left:0:-1] if mode == "reflect" else x[:, left - 1 :: -1])
    parts.append(x)
    if right:
        if mode == "constant":
            parts.append(np.zeros((x.shape[0], right), x.dtype))
        else:
            parts.append(
                x[:, -2 : -2 - right : -1] if mode == "reflect" else x[:, : -1 - right : -1]
            )
    return np.concatenate(parts, axis=1)


def _as_chunk_array(chunk: ArrayLike, dtype: np.dtype | None) -> np.ndarray:
    a = np.asarray(chunk)
    if a.ndim >= 1 and a.shape[-1] == 0 and a.dtype.kind in "biuf":
        # The dtype the layer's call would pick (as_signal), for an empty chunk.
        plain = isinstance(chunk, (list, tuple, numbers.Number))
        wide = not plain and a.dtype.kind == "f" and a.dtype.itemsize == 8
        target = (
            np.dtype(dtype)
            if dtype is not None
            else (np.dtype(np.float64) if wide else np.dtype(np.float32))
        )
        return np.empty(a.shape, dtype=target)
    return as_signal(chunk, dtype)
