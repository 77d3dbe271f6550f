"""The base of ``fastmel.torchaudio.transforms``: a callable that becomes a
``torch.nn.Module`` when torch is loaded.

A transform built while torch is imported is an instance of a subclass that
also derives from ``torch.nn.Module`` (so it sits in ``nn.Sequential``,
``.eval()`` and ``.to("cpu")`` work, and ``isinstance(t, nn.Module)`` holds);
one built without torch is a plain callable and never imports it. Either way
it is an instance of the transform's own class, pickles as its constructor's
arguments, and its options are fixed after construction.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from ._bridge import from_input, torch_if_loaded

__all__ = ["Transform"]

_MODULE_CLASSES: dict[type, type] = {}


def _module_class(cls: type, torch: Any) -> type:
    """``cls`` with ``torch.nn.Module`` mixed in (one per class)."""
    made = _MODULE_CLASSES.get(cls)
    if made is None:
        made = type(
            cls.__name__,
            (cls, torch.nn.Module),
            {
                "__module__": cls.__module__,
                "__qualname__": cls.__qualname__,
                "__call__": torch.nn.Module.__call__,
                "__doc__": cls.__doc__,
            },
        )
        made = _MODULE_CLASSES.setdefault(cls, made)
    return made


def _rebuild(cls: type, args: dict[str, Any], training: bool = True) -> Any:
    made = cls(**args)
    if not training and hasattr(made, "train"):
        made.train(False)
    return made


class Transform:
    """A torchaudio transform computed by fastmel (see the module's docstring)."""

    # Constructor arguments, in order, with their defaults.
    _ARGS: ClassVar[dict[str, Any]] = {}
    _args: dict[str, Any]  # this one's, as given

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        torch = torch_if_loaded()
        if torch is not None and not issubclass(cls, torch.nn.Module):
            cls = _module_class(cls, torch)
        return object.__new__(cls)

    def _buffer(self, name: str, values: Any) -> None:
        """``values`` under ``name``: a module's registered buffer (in its
        ``state_dict``, as torchaudio's) when torch is loaded, else the array."""
        torch = torch_if_loaded()
        if torch is not None and isinstance(self, torch.nn.Module):
            self.register_buffer(name, torch.from_numpy(np.array(values)))
        else:
            object.__setattr__(self, name, np.array(values))

    def _start(self, args: dict[str, Any]) -> None:
        """First step of a subclass's ``__init__``: the module's own set-up,
        then the arguments kept (for pickling and repr)."""
        torch = torch_if_loaded()
        if torch is not None and isinstance(self, torch.nn.Module):
            torch.nn.Module.__init__(self)
        object.__setattr__(self, "_args", dict(args))

    def _finish(self) -> None:
        object.__setattr__(self, "_frozen", True)

    def __setattr__(self, name: str, value: Any) -> None:
        if getattr(self, "_frozen", False) and name in self._ARGS:
            raise AttributeError(
                f"{type(self).__name__}.{name} is fixed at construction: build a new "
                f"transform with {name}={value!r}"
            )
        super().__setattr__(name, value)

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        base = next(c for c in type(self).__mro__ if c in _BASES)
        return (_rebuild, (base, self._args, getattr(self, "training", True)))

    def __repr__(self) -> str:
        shown = [
            f"{k}={_short(v)}"
            for k, v in self._args.items()
            if k in self._ARGS and not _same(v, self._ARGS[k])
        ]
        return f"{type(self).__name__}({', '.join(shown)})"

    def __call__(self, x: Any) -> Any:
        """The transform of ``x`` (:meth:`forward`; as a module, through its hooks).

        Parameters
        ----------
        x : torch.Tensor or np.ndarray

        Returns
        -------
        torch.Tensor or np.ndarray
        """
        return self.forward(x)

    # Whether a float16 or bfloat16 tensor comes back as float32 (torch.stft's).
    _WIDEN_HALF = True

    def forward(self, x: Any) -> Any:
        """The transform of ``x``.

        Parameters
        ----------
        x : torch.Tensor or np.ndarray
            A CPU tensor that does not require grad, or anything NumPy reads.

        Returns
        -------
        torch.Tensor or np.ndarray
            A tensor of ``x``'s dtype for a tensor, a NumPy array otherwise.
        """
        values, back = from_input(x, self._INPUT, widen_half=self._WIDEN_HALF)
        return back(self._compute(values))

    _INPUT = "waveform"

    def _compute(self, x: Any) -> Any:
        """The transform of the NumPy input (by default: its front end's)."""
        return self._front(x)  # type: ignore[attr-defined]


# The public transform classes (what a pickle names), filled by transforms.py.
_BASES: set[type] = set()


def _short(value: Any) -> str:
    name = getattr(value, "__name__", None)
    if callable(value) and name:
        return name
    return repr(value)


def _same(a: Any, b: Any) -> bool:
    try:
        return bool(a == b) and type(a) is type(b)
    except Exception:  # arrays and other values without a plain ==
        return a is b
