"""Tensors in, tensors out: what crosses between torch and fastmel's NumPy core.

torch is never imported here: a tensor can only exist when the caller has
imported torch already, so ``sys.modules`` is where it is looked up.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["from_input", "is_tensor", "require_torch", "torch_if_loaded"]


def torch_if_loaded() -> Any:
    """The torch module when it has been imported, else None."""
    return sys.modules.get("torch")


def is_tensor(x: Any) -> bool:
    """Whether ``x`` is a torch tensor (False when torch was never imported)."""
    torch = torch_if_loaded()
    return torch is not None and isinstance(x, torch.Tensor)


def require_torch(what: str) -> Any:
    """torch, imported for a function that returns tensors, or ImportError saying so."""
    try:
        import torch
    except ImportError as e:  # pragma: no cover - the test extras install no torch
        raise ImportError(
            f"{what} returns a torch tensor, as torchaudio's does, and needs torch: "
            "pip install torch (fastmel's other functions take and return NumPy arrays "
            "without it)"
        ) from e
    return torch


def from_input(
    x: Any, name: str, *, widen_half: bool = False
) -> tuple[Any, Callable[[np.ndarray], Any]]:
    """``x`` as something NumPy reads without a copy, and the function that
    turns a result back into ``x``'s kind: a tensor (CPU, ``x``'s dtype; with
    ``widen_half``, float32 for float16 and bfloat16, as torch.stft gives
    them) for a tensor, the array itself otherwise.

    A tensor on another device, or one that requires grad, is refused: fastmel
    runs on the CPU, outside autograd."""
    if not is_tensor(x):
        return x, _same
    torch = torch_if_loaded()
    if x.device.type != "cpu":
        raise ValueError(
            f"`{name}` is a tensor on {x.device}: fastmel computes on the CPU; "
            f"pass {name}.cpu() (the result is a CPU tensor)"
        )
    if x.requires_grad:
        raise ValueError(
            f"`{name}` requires grad: fastmel computes outside autograd (no gradient flows "
            f"back through it); pass {name}.detach()"
        )
    if x.is_complex():
        raise TypeError(f"`{name}` is a complex tensor ({x.dtype}): pass a real one")
    dtype = x.dtype
    if dtype in (torch.float16, torch.bfloat16):
        values = x.to(torch.float32).numpy()
        if widen_half:
            dtype = torch.float32
    else:
        values = x.resolve_conj().resolve_neg().numpy()

    def back(result: np.ndarray) -> Any:
        a = np.asarray(result)  # (0-d stays 0-d)
        out = torch.from_numpy(a if a.flags.c_contiguous else np.ascontiguousarray(a))
        if dtype.is_floating_point and out.dtype != dtype:
            out = out.to(dtype)
        return out

    return values, back


def _same(result: np.ndarray) -> np.ndarray:
    return result
