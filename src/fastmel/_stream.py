"""Streaming: a front end's frames from audio that arrives in chunks.

The stream is generic over front ends: it sees a :class:`StreamSpec`, the
framing facts and plans that the front end hands it, and nothing else.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ._options import PadMode, as_signal

__all__ = ["MelStream", "StreamSpec"]


@dataclass(frozen=True)
class StreamSpec:
    """What a stream needs of a front end (its ``_stream_spec()``).

    Frame ``t`` of a whole signal reads ``frame_length`` samples from signal
    index ``t * hop + start`` (padding by ``pad_mode`` beyond the ends), and
    ``num_frames(n)`` is the frame count of a whole signal of ``n`` samples.
    ``plan(dtype, left)`` is a compiled plan that computes the same frames
    from a buffer holding ``left`` padding samples and then the signal, with
    no padding, nothing dropped and no floor of its own; frame 0 of a
    segment starts at segment index ``start + left``.
    """

    plan: Callable[[Any, int], Any]
    num_frames: Callable[[int], int]
    frame_length: int
    hop: int
    start: int
    reach: int
    pad_mode: PadMode
    floor_range: float | None  # the floor's range in output units, None without one
    floor_per_row: bool  # the floor's maximum is per example, else over the batch
    num_features: int
    frames_major: bool  # output (..., frames, features), else (..., features, frames)
    dtype: np.dtype | None  # the front end's compute dtype (None: follow the input)
    num_threads: int


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
    share a layer.

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
        spec = layer._stream_spec()
        self.layer = layer
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
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        """Forget all state: the next push starts a new signal.

        Returns
        -------
        None
        """
        with self._locked():
            self._reset()

    def _reset(self) -> None:
        self._lead: tuple[int, ...] = ()  # leading shape, fixed by the first chunk
        self._dtype: np.dtype | None = None  # None until the first chunk
        self._buf = np.empty((1, 0))  # (rows, capacity): padded signal from _start
        self._start = 0  # buffer index of the oldest kept sample
        self._end = 0  # buffer index one past the newest sample
        self._next = 0  # buffer index where the next frame starts
        self._received = 0  # signal samples pushed
        self._emitted = 0  # frames returned
        self._padded_left = self._left == 0  # left padding in the buffer yet?
        self._max = np.empty(0)  # running maximum for the floor, per row
        self._done = False

    # -- public ---------------------------------------------------------------

    def push(self, chunk: ArrayLike) -> np.ndarray:
        """Add samples; return the frames they complete.

        Parameters
        ----------
        chunk : np.ndarray [shape=(..., samples)]
            The next samples of each signal (0 or more).

        Returns
        -------
        np.ndarray [shape=(..., num_mel_bins, new_frames)]
        """
        with self._locked():
            if self._done:
                raise RuntimeError("push() after flush(): call reset() to start a new signal")
            a = self._as_chunk(chunk)
            if not self._padded_left and self._spec.pad_mode == "constant":
                self._append(np.zeros(a.shape[:-1] + (self._left,), a.dtype))
                self._padded_left = True
            self._append(a)
            self._received += a.shape[-1]
            if not self._padded_left and self._received >= self._left + 1:
                self._add_left_padding()
            if not self._padded_left:
                return self._empty()
            # Frames that a longer signal has too (frame counts only grow).
            return self._emit(self._spec.num_frames(self._received))

    def flush(self) -> np.ndarray:
        """End the signal; return the remaining frames.

        Returns
        -------
        np.ndarray [shape=(..., num_mel_bins, remaining_frames)]
            Empty (shape ``(num_mel_bins, 0)`` if nothing was pushed) when
            there are none.
        """
        with self._locked():
            if self._done:
                raise RuntimeError("flush() called twice: call reset() to start a new signal")
            self._done = True
            if self._received == 0:
                return self._empty()
            total = self._spec.num_frames(self._received)
            last = (total - 1) * self._hop + self._spec.start + self._W - 1
            right = max(0, last - (self._received - 1))
            mode = self._spec.pad_mode
            if not self._padded_left:
                # Shorter than the left padding: the whole signal is here, and
                # numpy pads it as the core would (repeated reflection included).
                signal = self._buf[:, : self._end]
                self._buf = _pad(signal, self._left, right, mode)
                self._start = self._next = 0
                self._end = self._buf.shape[1]
                self._padded_left = True
            elif right:
                # The buffer keeps at least the last right_max + 1 samples, or
                # the whole signal (whose padding numpy then repeats as needed).
                tail = self._buf[:, max(self._start, self._end - self._received) : self._end]
                self._append(_pad(tail, 0, right, mode)[:, -right:].reshape(self._lead + (right,)))
            return self._emit(total)

    # -- internals ------------------------------------------------------------

    def _locked(self) -> _Release:
        if not self._lock.acquire(blocking=False):
            raise RuntimeError("a MelStream was used from two threads at once")
        return _Release(self._lock)

    def _as_chunk(self, chunk: ArrayLike) -> np.ndarray:
        if self._dtype is None:
            a = _as_chunk_array(chunk, self._spec.dtype)
            self._dtype = a.dtype
            self._lead = a.shape[:-1]
            rows = int(np.prod(self._lead, dtype=np.int64)) if self._lead else 1
            self._buf = np.empty(
                (rows, max(4 * (self._W + self._hop + self._left), 4096)), dtype=a.dtype
            )
            self._max = np.full(rows, -np.inf)
            return a
        a = _as_chunk_array(chunk, self._dtype)
        if a.shape[:-1] != self._lead:
            raise ValueError(
                f"chunk has leading shape {a.shape[:-1]}, but this stream's first chunk "
                f"had {self._lead}"
            )
        return a

    def _append(self, a: np.ndarray) -> None:
        """Copy samples of shape lead + (k,) to the buffer's end."""
        k = a.shape[-1]
        rows = self._buf.shape[0]
        if self._end + k > self._buf.shape[1]:
            kept = self._end - self._start
            capacity = self._buf.shape[1]
            if kept + k > capacity // 2:
                capacity = max(2 * capacity, 2 * (kept + k))
            fresh = np.empty((rows, capacity), dtype=self._buf.dtype)
            fresh[:, :kept] = self._buf[:, self._start : self._end]
            self._buf = fresh
            self._next -= self._start
            self._end = kept
            self._start = 0
        self._buf[:, self._end : self._end + k] = a.reshape(rows, k)
        self._end += k

    def _add_left_padding(self) -> None:
        """Prepend the left padding to the buffered signal (all of it is still here)."""
        x = self._buf[:, : self._end]
        padded = _pad(x, self._left, 0, self._spec.pad_mode)
        self._buf = np.empty(
            (x.shape[0], max(self._buf.shape[1], 2 * padded.shape[1])), dtype=x.dtype
        )
        self._buf[:, : padded.shape[1]] = padded
        self._start = 0
        self._next = 0
        self._end = padded.shape[1]
        self._padded_left = True

    def _emit(self, limit: int) -> np.ndarray:
        """Compute the frames that the buffer holds completely, up to frame `limit`."""
        reach = self._offset + self._W  # buffer samples from _next that frame 0 needs
        available = 0
        if self._end - self._next >= reach:
            available = 1 + (self._end - self._next - reach) // self._hop
        count = max(0, min(available, limit - self._emitted))
        if count == 0:
            return self._empty()
        span = (count - 1) * self._hop + reach
        segment = self._buf[:, self._next : self._next + span]
        plan = self._spec.plan(self._dtype, self._left)
        frames = np.empty(plan.out_shape(segment.shape[0], span), self._dtype)
        plan.compute(segment, frames, self._spec.num_threads, frame_index0=self._emitted)
        self._next += count * self._hop
        self._emitted += count
        # Keep the frames' future samples and, for the right padding at
        # flush(), the last right_max + 1 samples of the signal.
        self._start = max(self._start, min(self._next, self._end - (self._right_max + 1)))
        return self._finish(frames.reshape(self._lead + frames.shape[1:]))

    def _finish(self, frames: np.ndarray) -> np.ndarray:
        """Apply the running-maximum floor to new frames."""
        if self._spec.floor_range is None or frames.shape[self._axis] == 0:
            return frames
        rows = frames.reshape(self._max.shape[0], -1)
        finite = np.where(np.isfinite(rows), rows, -np.inf)  # the floor ignores NaN, inf
        self._max = np.maximum(self._max, finite.max(axis=1))
        if not self._spec.floor_per_row:
            self._max[:] = self._max.max()
        # As the core: threshold in the output's precision; -inf (no finite
        # value yet) leaves the row as it is, NaN stays NaN.
        dt = frames.dtype.type
        thr = self._max.astype(dt) - dt(self._spec.floor_range)
        np.maximum(rows, thr[:, None], out=rows)
        return frames

    def _empty(self) -> np.ndarray:
        dtype = self._dtype if self._dtype is not None else (self._spec.dtype or np.float32)
        lead = self._lead
        shape = (
            (0, self._spec.num_features)
            if self._spec.frames_major
            else (self._spec.num_features, 0)
        )
        return np.empty(lead + shape, dtype=dtype)


class _Release:
    def __init__(self, lock: threading.Lock) -> None:
        self.lock = lock

    def __enter__(self) -> _Release:
        return self

    def __exit__(self, *exc: object) -> None:
        self.lock.release()


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
        wide = isinstance(chunk, np.ndarray) and a.dtype.kind == "f" and a.dtype.itemsize == 8
        target = (
            np.dtype(dtype)
            if dtype is not None
            else (np.dtype(np.float64) if wide else np.dtype(np.float32))
        )
        return np.empty(a.shape, dtype=target)
    return as_signal(chunk, dtype)
