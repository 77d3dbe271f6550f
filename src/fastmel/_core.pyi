# Type stub of the compiled binding (_core.pyx).
from typing import Any

import numpy as np

ENUMS: dict[str, dict[str, int]]
MAX_THREADS: int

def _abi_sizes() -> dict[str, int]: ...
def kernel_available(name: str) -> bool: ...
def torch_uniform_blocks(seed: int, n: int) -> tuple[np.ndarray, np.ndarray]: ...
def utterance_cmvn_f32(x: np.ndarray, n: int, means: bool, variances: bool) -> None: ...

class Plan:
    dtype: np.dtype
    num_features: int
    frames_major: bool
    def __init__(self, options: Any, dtype: Any) -> None: ...
    @property
    def isa(self) -> str: ...
    @property
    def lanes(self) -> int: ...
    def num_frames(self, n_samples: int) -> int: ...
    def frame_counts(self, lengths: Any) -> np.ndarray: ...
    def out_shape(self, rows: int, n_samples: int) -> tuple[int, int, int]: ...
    def compute(
        self,
        x: np.ndarray | list[np.ndarray],
        out: np.ndarray,
        num_threads: int,
        lengths: Any = None,
        frame_index0: int = 0,
        floor_group: int = 0,
        dither_key: int = 0,
        zero_from: Any = None,
        n_samples: int | None = None,
        floor_max: np.ndarray | None = None,
    ) -> np.ndarray: ...

CMVN_BLOCK: int

class FramesPlan:
    dtype: np.dtype
    num_features: int
    out_features: int
    frames_major: bool
    def __init__(self, options: Any, dtype: Any) -> None: ...
    @property
    def isa(self) -> str: ...
    def out_frames(self, frames: int) -> int: ...
    def out_shape(self, rows: int, frames: int) -> tuple[int, int, int]: ...
    def compute(
        self,
        x: np.ndarray,
        out: np.ndarray,
        num_threads: int,
        lengths: Any = None,
        state: np.ndarray | None = None,
        state_in: bool = False,
        part: tuple[int, int | None, int] | None = None,
    ) -> np.ndarray: ...

class Exclusive:
    def __init__(self, message: str, attribute: str | None = None) -> None: ...
    def commit_on_exit(self, target: Any, value: Any) -> None: ...
    def __enter__(self) -> Exclusive: ...
    def __exit__(self, *exc: object) -> None: ...
