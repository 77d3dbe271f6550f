"""Writing results to disk, for ``fastmel compute`` and :mod:`fastmel.dask` alike.

Every file is written whole or not at all: to a temporary file beside it,
then renamed or linked into place, so a crash, a signal or a full disk never
leaves a partial file under the final name. Nothing follows a symbolic link
at the final name: an existing link is replaced (``overwrite``) or reported,
never written through. New files get the mode the umask gives (0666 & ~umask),
as ``open()`` would. An existing file is never replaced unless ``overwrite``;
one that already holds exactly the bytes to write counts as written, so a
task that runs twice (a Dask retry after a worker died) reports success.
"""

from __future__ import annotations

import errno
import io
import os
import pathlib
import secrets
import socket
import threading
from typing import Literal

import numpy as np

__all__ = [
    "OutputError",
    "display",
    "npy_bytes",
    "remove_temporaries",
    "sweep_temporaries",
    "write_file",
]

Outcome = Literal["written", "unchanged"]

# Temporary files being written by this process, removed by remove_temporaries()
# when a run is abandoned (a second Ctrl-C).
_live: set[str] = set()
_live_lock = threading.Lock()
_HOST = socket.gethostname().replace(".", "_")


class OutputError(OSError):
    """An output could not be written; the message says why in the user's terms."""


def display(path: str | os.PathLike) -> str:
    """``path`` as printable text: bytes that are not UTF-8 (kept by Python as
    surrogates) are shown as ``\\xNN`` escapes instead of failing to print."""
    text = os.fsdecode(path)
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def npy_bytes(array: np.ndarray) -> bytes:
    """``array`` in the ``.npy`` format, as ``np.save`` writes it."""
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.asanyarray(array), allow_pickle=False)
    return buffer.getvalue()


def _why(e: OSError, path: pathlib.Path) -> str:
    """An OSError as a sentence that names the cause a user can act on."""
    if e.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"cannot write {display(path)}: the disk is full ({e.strerror})"
    if e.errno == errno.EFBIG:
        return f"cannot write {display(path)}: file too large for this file system or limit"
    return f"cannot write {display(path)}: {e.strerror or e}"


def _same_bytes(path: pathlib.Path, data: bytes) -> bool:
    """Whether the regular file at ``path`` (not a link) holds exactly ``data``."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | os.O_CLOEXEC)
    except OSError:
        return False  # a link (ELOOP), unreadable, or gone
    with os.fdopen(fd, "rb") as f:
        if os.fstat(f.fileno()).st_size != len(data):
            return False
        return f.read() == data


def sweep_temporaries(folder: str | os.PathLike) -> int:
    """Remove the temporaries in ``folder`` left by processes of this host that
    no longer run (one killed with SIGKILL cannot clean up after itself);
    returns how many. Temporaries are named ``.<name>.<host>.<pid>.<random>.tmp``."""
    marker = f".{_HOST}."
    removed = 0
    try:
        names = [n for n in os.listdir(folder) if n.startswith(".") and n.endswith(".tmp")]
    except OSError:
        return 0
    for name in names:
        head, _, rest = name[:-4].rpartition(marker)
        pid_text = rest.split(".", 1)[0]
        if not head or not pid_text.isdigit() or int(pid_text) == os.getpid():
            continue
        try:
            os.kill(int(pid_text), 0)
        except ProcessLookupError:
            try:
                os.unlink(os.path.join(folder, name))
                removed += 1
            except OSError:
                pass
        except OSError:
            pass  # alive (EPERM: another user's)
    return removed


def write_file(path: str | os.PathLike, data: bytes, *, overwrite: bool = False) -> Outcome:
    """Write ``data`` to ``path`` atomically; create missing parent folders.

    Returns "written", or "unchanged" when ``path`` already holds exactly
    ``data`` (nothing is written then). Raises FileExistsError when ``path``
    exists with other content (or is a symbolic link, or a folder) and not
    ``overwrite``, and OutputError for any other failure, with the cause
    (a full disk, a missing permission) in its message.
    """
    path = pathlib.Path(path)
    if not overwrite and os.path.lexists(path) and _same_bytes(path, data):
        return "unchanged"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(_why(e, path.parent)) from None
    tmp = path.parent / f".{path.name}.{_HOST}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0)
    with _live_lock:
        _live.add(str(tmp))
    try:
        try:
            fd = os.open(tmp, flags, 0o666)  # the umask applies
        except OSError as e:
            raise OutputError(_why(e, path)) from None
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        except OSError as e:
            raise OutputError(_why(e, path)) from None
        finally:
            os.close(fd)
        _place(tmp, path, data, overwrite)
    finally:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        with _live_lock:
            _live.discard(str(tmp))
    return "written"


def _place(tmp: pathlib.Path, path: pathlib.Path, data: bytes, overwrite: bool) -> None:
    """Move the finished temporary to ``path``: replace (a link is replaced, not
    followed), or link without replacing."""
    if overwrite:
        if path.is_dir() and not path.is_symlink():
            raise FileExistsError(f"{display(path)} is a folder")
        try:
            os.replace(tmp, path)
        except OSError as e:
            raise OutputError(_why(e, path)) from None
        return
    try:
        os.link(tmp, path, follow_symlinks=False)  # fails if path exists, even as a link
    except FileExistsError:
        if _same_bytes(path, data):
            return  # another attempt of the same task got there first
        what = "is a symbolic link" if path.is_symlink() else "exists"
        raise FileExistsError(
            f"{display(path)} {what} with other content (--overwrite / overwrite=True replaces it)"
        ) from None
    except OSError as e:
        if e.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
            raise OutputError(_why(e, path)) from None
        # No hard links on this file system: check, then rename (a small race).
        if os.path.lexists(path):
            raise FileExistsError(f"{display(path)} exists") from None
        try:
            os.rename(tmp, path)
        except OSError as e2:
            raise OutputError(_why(e2, path)) from None


def remove_temporaries() -> None:
    """Delete the temporaries this process is still writing (before it exits
    without waiting for its writers)."""
    with _live_lock:
        names = list(_live)
    for name in names:
        try:
            os.unlink(name)
        except OSError:
            pass
