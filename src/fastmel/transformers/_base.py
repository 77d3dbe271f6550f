"""What the extractors share: transformers' BatchFeature, the configuration
protocol of its FeatureExtractionMixin on fastmel's front-end protocol,
SequenceFeatureExtractor.pad on lengths, the input forms the extractors
accept and the conversion of outputs to torch."""

from __future__ import annotations

import json
import logging
import os
import pathlib
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import _windows
from .._frontend import FrontEnd
from .._options import as_int

if TYPE_CHECKING:
    from typing_extensions import Self

# (the package's name: the extractors log as fastmel.transformers)
logger = logging.getLogger("fastmel.transformers")


class BatchFeature(dict):
    """The extractor's outputs by name, also as attributes (``out.input_features``),
    as transformers' ``BatchFeature``.

    Parameters
    ----------
    data : mapping, optional
        The outputs by name.
    **kwargs
        More outputs by name.

    Examples
    --------
    >>> import numpy as np, fastmel.transformers as ft
    >>> out = ft.BatchFeature(input_features=np.zeros((1, 80, 3000), np.float32))
    >>> out.input_features.shape == out["input_features"].shape
    True
    """

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        super().__init__(data or {}, **kwargs)

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


class _Extractor(FrontEnd):
    """What the extractors share: the configuration protocol of transformers'
    ``FeatureExtractionMixin`` (``to_dict`` / ``from_dict`` /
    ``from_pretrained``, unknown keys kept as attributes) on fastmel's
    front-end protocol, and the call's sampling-rate check."""

    # The configuration keys in the reference's order (its attribute order).
    _KEYS: tuple[str, ...] = ()
    # Keys of a config that the extractor computes again (arrays it builds).
    _COMPUTED: tuple[str, ...] = ()
    _extra: list[str]
    padding_side: str

    def _take_options(self, kwargs: dict[str, Any]) -> None:
        """The keywords every extractor takes through ``**kwargs``:
        ``padding_side`` ("right" or "left"), fastmel's ``num_threads``, the
        computed keys of a config and the reference's ``processor_class``
        dropped, and any other ``preprocessor_config.json`` key kept as an
        attribute, as there."""
        self.padding_side = kwargs.pop("padding_side", "right")
        if self.padding_side not in ("right", "left"):
            raise ValueError(f"`padding_side` must be 'right' or 'left', got {self.padding_side!r}")
        self._set_threads(kwargs.pop("num_threads", None))
        for key in (*self._COMPUTED, "processor_class", "feature_extractor_type"):
            kwargs.pop(key, None)
        for key, value in kwargs.items():
            setattr(self, key, value)
        self._extra = sorted(kwargs)

    def _check_rate(self, sampling_rate: int | None, by_name: bool = False) -> None:
        """The reference's check of the call's ``sampling_rate``; its message
        names the extractor by its repr, or by its class name (``by_name``)."""
        if sampling_rate is not None:
            if sampling_rate != self.sampling_rate:  # type: ignore[attr-defined]
                rate = self.sampling_rate  # type: ignore[attr-defined]
                who = type(self).__name__ if by_name else repr(self)
                raise ValueError(
                    f"The model corresponding to this feature extractor: {who} was trained "
                    f"using a sampling rate of {rate}. Please make sure that the provided "
                    f"`raw_speech` input was sampled with {rate} and not {sampling_rate}."
                )
        else:
            logger.warning(
                "It is strongly recommended to pass the `sampling_rate` argument to "
                "`%s()`. Failing to do so can result in silent errors that might be hard "
                "to debug.",
                type(self).__name__,
            )

    def to_dict(self) -> dict[str, Any]:
        """The configuration, as ``preprocessor_config.json`` holds it.

        Returns
        -------
        dict
            The reference's keys in its order (computed arrays such as
            ``mel_filters`` left out, as there), any extra keys the extractor
            was built with, ``num_threads`` when it was given, and
            ``feature_extractor_type``.
        """
        config = {key: getattr(self, key) for key in self._KEYS}
        config.update({key: getattr(self, key) for key in self._extra})
        if self.num_threads is not None:
            config["num_threads"] = self.num_threads
        config["feature_extractor_type"] = type(self).__name__
        return config

    def get_config(self) -> dict[str, Any]:
        """The configuration: :meth:`to_dict` with arrays as lists (JSON's
        values, as :meth:`to_json_string` writes them).

        Returns
        -------
        dict
            What :meth:`from_config` (:meth:`from_dict`) rebuilds an equal
            extractor from.
        """
        return {k: _plain(v) for k, v in self.to_dict().items()}

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Self:
        """Build from :meth:`get_config` output: :meth:`from_dict` without overrides.

        Parameters
        ----------
        config : dict
            The configuration.

        Returns
        -------
        extractor
            An extractor of this class.
        """
        return cls.from_dict(config)

    def _argument_names(self) -> set[str]:
        return (set(self._KEYS) - set(self._COMPUTED)) | set(self._extra) | {"num_threads"}

    @classmethod
    def from_dict(cls, config: Mapping[str, Any], **overrides: Any) -> Self:
        """Build from ``to_dict()`` output or a ``preprocessor_config.json``'s contents.

        Parameters
        ----------
        config : dict
            The configuration (``feature_extractor_type`` and
            ``processor_class`` are accepted; other keys the extractor does not
            know are kept as attributes, as the reference keeps them).
        **overrides
            Keys to change.

        Returns
        -------
        extractor
            An extractor of this class.
        """
        return cls(**dict(config, **overrides))

    @classmethod
    def from_pretrained(cls, path: str | os.PathLike, **overrides: Any) -> Self:
        """Build from a ``preprocessor_config.json``: a local folder's, the
        file itself, or a Hub model's in huggingface_hub's local cache.

        Parameters
        ----------
        path : str or os.PathLike
            A folder holding ``preprocessor_config.json``, the file itself, or
            a Hub model id (``"openai/whisper-small"``) already in the local
            cache (read with huggingface_hub, when it is installed). fastmel
            does not download: fetch the model first (e.g. with
            ``huggingface_hub.snapshot_download``).
        **overrides
            Keys to change; ``cache_dir`` and ``revision`` are the cache's.

        Returns
        -------
        extractor
            An extractor of this class.
        """
        where = {k: overrides.pop(k) for k in ("cache_dir", "revision") if k in overrides}
        return cls.from_dict(_read_config(path, **where), **overrides)

    @classmethod
    def from_feature_extractor(cls, extractor: Any) -> Self:
        """Convert a loaded transformers extractor of the same name.

        Parameters
        ----------
        extractor : transformers feature extractor
            Its ``to_dict()`` is read.

        Returns
        -------
        extractor
            An extractor of this class.
        """
        return cls.from_dict(extractor.to_dict())

    def to_json_string(self) -> str:
        """The configuration as ``preprocessor_config.json`` text: :meth:`to_dict`
        with arrays as lists, keys sorted, indented by 2, as transformers writes it.

        Returns
        -------
        str
        """
        return _json(self.to_dict())

    def to_json_file(self, json_file_path: str | os.PathLike) -> None:
        """Write :meth:`to_json_string` to a file.

        Parameters
        ----------
        json_file_path : str or os.PathLike
            The file (created or replaced).

        Returns
        -------
        None
        """
        pathlib.Path(json_file_path).write_text(self.to_json_string(), encoding="utf-8")

    def save_pretrained(self, save_directory: str | os.PathLike, **kwargs: Any) -> list[str]:
        """Save the configuration as ``save_directory/preprocessor_config.json``
        (the folder is created), which :meth:`from_pretrained` and transformers'
        ``from_pretrained`` read back.

        Parameters
        ----------
        save_directory : str or os.PathLike
            A folder (not a file).
        **kwargs
            Accepted for compatibility (``push_to_hub`` is refused: fastmel
            does not upload).

        Returns
        -------
        list of str
            The file written.
        """
        if kwargs.get("push_to_hub"):
            raise ValueError("fastmel does not push to the Hub: save, then upload the folder")
        folder = pathlib.Path(save_directory)
        if folder.is_file():
            raise AssertionError(
                f"Provided path ({save_directory}) should be a directory, not a file"
            )
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "preprocessor_config.json"
        self.to_json_file(path)
        logger.info("Feature extractor saved in %s", path)
        return [str(path)]

    def __repr__(self) -> str:
        config = {k: v for k, v in self.to_dict().items() if k != "num_threads"}
        return f"{type(self).__name__} {_json(config)}"


def _json(config: dict[str, Any]) -> str:
    """A configuration as transformers' ``to_json_string`` writes it."""
    return json.dumps({k: _plain(v) for k, v in config.items()}, indent=2, sort_keys=True) + "\n"


CONFIG_NAME = "preprocessor_config.json"


def _config_path(
    path: str | os.PathLike,
    name: str = CONFIG_NAME,
    cache_dir: str | os.PathLike | None = None,
    revision: str | None = None,
) -> pathlib.Path:
    """The file ``name`` of a model: in a local folder, the file itself, or
    in huggingface_hub's local cache for a Hub model id."""
    p = pathlib.Path(path)
    if p.is_dir():
        if not (p / name).is_file():
            raise FileNotFoundError(f"{p} holds no {name}")
        return p / name
    if p.is_file():
        return p
    repo = str(path)
    if repo.count("/") > 1 or repo.startswith((".", "/", "~")) or not repo:
        raise FileNotFoundError(f"{path}: no such folder or file")
    try:
        import huggingface_hub  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        raise FileNotFoundError(
            f"{path!r} is not a local folder or file; to read a Hub model, install "
            "huggingface_hub and download it first (huggingface_hub.snapshot_download("
            f"{repo!r}), or `hf download {repo}`), or pass the model's folder"
        ) from None
    found = huggingface_hub.try_to_load_from_cache(
        repo, name, cache_dir=None if cache_dir is None else str(cache_dir), revision=revision
    )
    if not isinstance(found, str):
        raise FileNotFoundError(
            f"{name} of {repo!r} is not in the local Hugging Face cache, and fastmel does "
            f"not download: run huggingface_hub.snapshot_download({repo!r}) (or `hf "
            f"download {repo}`) first, or pass the model's folder"
        )
    return pathlib.Path(found)


def _read_config(path: str | os.PathLike, **where: Any) -> dict[str, Any]:
    """A model's ``preprocessor_config.json`` as a dict (see :func:`_config_path`)."""
    config = json.loads(_config_path(path, **where).read_text(encoding="utf-8"))
    if not isinstance(config, dict):
        raise ValueError(f"{path}: {CONFIG_NAME} does not hold a JSON object")
    return config


def _plain(value: Any) -> Any:
    return value.tolist() if isinstance(value, np.ndarray) else value


MAX_SAMPLES = 2**40


def _padded_lengths(
    lengths: list[int],
    padding: str | bool,
    max_length: int | None,
    truncation: bool,
    multiple: int | None,
) -> tuple[list[int], int | None]:
    """transformers' ``SequenceFeatureExtractor.pad`` on lengths: each item's
    length after truncation, and the length every item is padded to (None:
    no padding; items longer than it are not cut by padding)."""
    if padding is True:
        strategy = "longest"
    elif padding is False:
        strategy = "do_not_pad"
    elif padding in ("longest", "max_length", "do_not_pad"):
        strategy = str(padding)
    else:
        raise ValueError(
            f"{padding} is not a valid PaddingStrategy, please select one of "
            "['longest', 'max_length', 'do_not_pad']"
        )
    if strategy == "max_length" and max_length is None:
        raise ValueError(
            "When setting ``padding=PaddingStrategy.MAX_LENGTH``, make sure that max_length "
            "is defined"
        )
    if max_length is not None:  # (a float, or a length past what can be stored: refused)
        # (negative: the reference slices x[:max_length], as Python does)
        max_length = as_int("max_length", max_length, minimum=-MAX_SAMPLES, maximum=MAX_SAMPLES)
    if multiple is not None:
        multiple = as_int("pad_to_multiple_of", multiple, maximum=MAX_SAMPLES)

    def rounded(n: int) -> int:
        return -(-n // multiple) * multiple if multiple else n

    if truncation:
        if max_length is None:
            raise ValueError(
                "When setting ``truncation=True``, make sure that ``max_length`` is defined."
            )
        limit = rounded(max_length)
        lengths = [len(range(n)[:limit]) for n in lengths]  # x[:limit], negative too
    if strategy == "do_not_pad":
        return lengths, None
    target = max(lengths) if strategy == "longest" else max_length
    assert target is not None
    return lengths, rounded(target)


def _equal_lengths(lengths: list[int], target: int | None, what: str) -> int:
    """The batch's length after padding; an error when the items differ (the
    reference fails there when it stacks them)."""
    total = {n if target is None else max(n, target) for n in lengths}
    if len(total) > 1:
        raise ValueError(
            f"the {what} have different lengths after padding and truncation ("
            f"{sorted(total)}): pad them (padding=True or 'longest'), or truncate them "
            "(truncation=True with max_length)"
        )
    return total.pop()


def _as_clip(x: Any) -> np.ndarray:
    return np.asarray(x, dtype=np.float32).reshape(-1)


def _real(raw_speech: Any) -> None:
    """AST's and SeamlessM4T's references refuse a complex clip given as one 1-D
    array; the clips of a list or of a 2-D array they take as float32 (the real
    part, with NumPy's ComplexWarning), as fastmel does."""
    if isinstance(raw_speech, np.ndarray) and raw_speech.ndim <= 1 and np.iscomplexobj(raw_speech):
        raise ValueError("Complex-valued input waveforms are not currently supported")


def _some(clips: list[np.ndarray]) -> list[np.ndarray]:
    """The clips, or a ValueError when there are none (an empty list, or an
    array of shape (0, samples))."""
    if not clips:
        raise ValueError("`raw_speech` is empty: no clip")
    return clips


def _mono(clip: Any, i: int) -> np.ndarray:
    """Clip ``i`` of a list as 1-D float32; a clip of more dimensions (channels)
    is refused, as the references fail on it."""
    a = np.asarray(clip)
    if a.ndim > 1:
        raise ValueError(
            f"clip {i} has shape {a.shape}: only mono-channel audio is supported "
            "(each clip of a list must be 1-D)"
        )
    return _as_clip(a)


def _batch(raw_speech: Any) -> list[np.ndarray]:
    """The reference's input forms as a list of 1-D float32 clips."""
    if isinstance(raw_speech, (list, tuple)):
        if len(raw_speech) == 0:
            raise ValueError("`raw_speech` is empty")
        if isinstance(raw_speech[0], (np.ndarray, tuple, list)) or hasattr(
            raw_speech[0], "__array__"
        ):
            return [_mono(clip, i) for i, clip in enumerate(raw_speech)]
        return [_as_clip(raw_speech)]
    a = np.asarray(raw_speech)
    if a.ndim > 1:
        return [_as_clip(clip) for clip in a]
    return [_as_clip(a)]


def _channels_averaged(raw_speech: Any, who: Any) -> Any:
    """A 3-D array averaged over its last axis (channels), with the warning
    the torch-based references log; anything else as it is."""
    if isinstance(raw_speech, np.ndarray) and raw_speech.ndim > 2:
        logger.warning(
            "Only mono-channel audio is supported for input to %s. "
            "We will take the mean of the channels to convert to mono.",
            type(who).__name__,
        )
        return raw_speech.mean(-1)
    return raw_speech


def _speech_clips(raw_speech: Any, who: Any) -> list[np.ndarray]:
    """The input as a list of 1-D float32 clips, as Whisper's and SpeechT5's
    references read it: a 2-D array or a list of sequences is a batch, a 3-D
    array an error naming the extractor ``who``."""
    if isinstance(raw_speech, np.ndarray) and raw_speech.ndim > 2:
        raise ValueError(f"Only mono-channel audio is supported for input to {who}")
    batched = (isinstance(raw_speech, np.ndarray) and raw_speech.ndim > 1) or (
        isinstance(raw_speech, (list, tuple))
        and len(raw_speech) > 0
        and isinstance(raw_speech[0], (np.ndarray, tuple, list))
    )
    if batched:
        return [_mono(clip, i) for i, clip in enumerate(raw_speech)]
    if isinstance(raw_speech, (list, tuple)) and len(raw_speech) == 0:
        raise ValueError("`raw_speech` is empty")
    return [np.asarray(raw_speech, dtype=np.float32).reshape(-1)]


# transformers' window_function names, as fastmel's windows
_HF_WINDOWS = {
    "hann": "hann",
    "hann_window": "hann",
    "hamming": "hamming",
    "hamming_window": "hamming",
    "povey": "povey",
    "boxcar": "rectangular",
}


def _hf_window(name: str, length: int, *, periodic: bool) -> np.ndarray:
    """transformers' ``window_function(length, name, periodic)``, float64."""
    if name not in _HF_WINDOWS:
        raise ValueError(
            f"Unknown window function '{name}': transformers' window_function knows "
            f"{sorted(_HF_WINDOWS)}"
        )
    return _windows.window(_HF_WINDOWS[name], length, periodic=periodic)


def _batch_of(arrays: list[np.ndarray]) -> np.ndarray:
    """A list of arrays as transformers' ``BatchFeature`` makes it NumPy: one
    array when their shapes agree, else a 1-D object array of them."""
    arrays = [np.asarray(a) for a in arrays]
    if len({a.shape for a in arrays}) == 1:
        return np.stack(arrays)
    out = np.empty(len(arrays), dtype=object)
    out[:] = arrays
    return out


def _placed(n: int, total: int, side: str) -> slice:
    """Where ``n`` items stand in a row of ``total`` padded on ``side``."""
    return slice(0, n) if side == "right" else slice(total - n, total)


def _plus_zero(value: Any) -> bool:
    """Whether ``value`` is the real number +0: padding that zeros the
    engine is told of (or fresh zero pages) stand for, bit for bit; False
    for -0, complex values and anything float() refuses."""
    if isinstance(value, (complex, np.complexfloating)):
        return False
    try:
        v = float(value)
    except (TypeError, ValueError):
        return False
    return v == 0.0 and not np.signbit(v)


def _padded_batch(
    clips: list[np.ndarray],
    cut: list[int],
    total: int,
    fill: float,
    side: str,
    dtype: Any = np.float32,
    width: int | None = None,
) -> np.ndarray:
    """The clips' first ``cut`` samples as rows of ``total`` padded with
    ``fill`` on ``side``; ``width`` (default ``total``) columns, those after
    ``total`` holding ``fill``. Zero padding is np.zeros' fresh zero pages,
    never touched where the engine skips it."""
    shape = (len(clips), total if width is None else width)
    if _plus_zero(fill):
        batch = np.zeros(shape, dtype=dtype)
    else:
        batch = np.full(shape, fill, dtype=dtype)
    for row, clip, n in zip(batch, clips, cut, strict=True):
        row[_placed(n, total, side)] = clip[:n]
    return batch


def _side_mask(at: np.ndarray, valid: np.ndarray, total: int, side: str) -> np.ndarray:
    """Which positions ``at`` (samples) hold data in rows of ``valid``
    samples padded to ``total`` on ``side``: bool, rows x positions."""
    if side == "right":
        return at[None, :] < valid[:, None]
    return at[None, :] >= (total - valid)[:, None]


def _sample_mask(valid: Any, total: int, side: str, dtype: Any) -> np.ndarray:
    """The mask of :func:`_side_mask` at every sample (rows x ``total``), as
    ``dtype``, each element written once: 1 where a row of ``valid`` samples
    padded on ``side`` holds data, else 0."""
    mask = np.empty((len(valid), total), dtype=dtype)
    for row, n in zip(mask, valid, strict=True):
        k = int(n) if side == "right" else total - int(n)
        row[:k] = side == "right"
        row[k:] = side != "right"
    return mask


def _pad_frames(
    values: list[np.ndarray], cut: list[int], target: int | None, fill: float, side: str
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """transformers' ``pad`` of items already cut to ``cut``: each padded along
    its first axis to ``target`` (None: left as it is) with ``fill`` on
    ``side``, as float32, and its int32 mask."""
    if target is None:
        return [np.asarray(v, dtype=np.float32) for v in values], [
            np.ones(n, dtype=np.int32) for n in cut
        ]
    total = _equal_lengths(cut, target, "items")
    padded, masks = [], []
    for v, n in zip(values, cut, strict=True):
        where = _placed(n, total, side)
        p = np.full((total, *v.shape[1:]), fill, dtype=np.float32)
        p[where] = v
        m = np.zeros(total, dtype=np.int32)
        m[where] = 1
        padded.append(p)
        masks.append(m)
    return padded, masks


_TORCH_FOUND: list[bool] = []  # find_spec's answer, asked once (a failed search costs 0.07 ms)


def _torch_importable() -> bool:
    """Whether torch can be imported (without importing it): imported
    already, or found on the path the first time this was asked."""
    if sys.modules.get("torch") is not None:
        return True
    if not _TORCH_FOUND:
        import importlib.util

        _TORCH_FOUND.append(importlib.util.find_spec("torch") is not None)
    return _TORCH_FOUND[0]


def _convert(
    out: BatchFeature, return_tensors: str | None, *, torch_default: bool = False
) -> BatchFeature:
    """The outputs as ``return_tensors`` asks: None as they are (torch
    tensors with ``torch_default`` when torch is importable: the references
    that return them), "np" lists of arrays made arrays (as
    :func:`_batch_of`), "pt" torch tensors."""
    if return_tensors is None:
        if not (torch_default and _torch_importable()):
            return out
        return_tensors = "pt"
    if return_tensors == "np":
        return BatchFeature({k: _batch_of(v) if isinstance(v, list) else v for k, v in out.items()})
    if return_tensors == "pt":
        import torch

        return BatchFeature({k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in out.items()})
    raise ValueError(f"`return_tensors` must be None, 'np' or 'pt', got {return_tensors!r}")
