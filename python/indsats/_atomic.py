"""Atomic file writes: a failed or interrupted write never leaves a half file.

The data goes to a temporary file beside the target, which replaces the
target only when complete (a device or a pipe is written in place). What a
user sees is what a plain ``open(path, "w")`` would give: the permissions
follow the umask (or stay those of the file that is replaced), a symlink is
written through to its target, errors name the target, and nothing is left
behind when the write fails — neither the temporary file nor a folder created
for it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Callable, Iterator
from pathlib import Path


def _target(path: str | os.PathLike[str]) -> Path:
    """The file that will be written: a symlink's final target, like open() does."""
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"expected a file name; got {path!r}")
    given = Path(path)
    if str(given) in ("", "."):
        raise ValueError("expected a file name; got an empty one")
    target = Path(os.path.realpath(given)) if given.is_symlink() else given
    if target.is_dir():
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), os.fspath(path))
    if target.exists() and not os.access(target, os.W_OK):
        # open() would refuse to write a read-only file; so does replacing it.
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fspath(path))
    return target


def _is_special(path: str | os.PathLike[str]) -> bool:
    """True when ``path`` exists (through symlinks) and is not a regular file or folder."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _make_parents(folder: Path) -> list[Path]:
    """Create ``folder`` and missing parents; the ones created, outermost first."""
    missing = []
    probe = folder
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    created: list[Path] = []
    for d in reversed(missing):
        try:
            d.mkdir()
        except FileExistsError:
            continue
        except OSError:
            _remove_folders(created)
            raise
        created.append(d)
    return created


def _remove_folders(created: list[Path]) -> None:
    for d in reversed(created):
        with contextlib.suppress(OSError):
            d.rmdir()


def _create_temp(folder: Path) -> Path:
    """A new empty file in ``folder`` with a short name (so any target name fits)
    and the mode a plain open() would give (0o666 less the umask)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        tmp = folder / f".{secrets.token_hex(6)}.tmp"
        try:
            os.close(os.open(tmp, flags, 0o666))
        except FileExistsError:
            continue
        return tmp
    raise FileExistsError(errno.EEXIST, "no free temporary name", os.fspath(folder))


def _names_temp(e: OSError, tmp: Path) -> bool:
    return e.errno is not None and tmp.name in f"{e.filename} {e.filename2}"


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path``.

    On any exception (including KeyboardInterrupt) the temporary file is
    removed and ``path`` is left as it was.
    """
    if _is_special(path):
        # A device or a pipe (/dev/null, /dev/stdout, a FIFO) is written in place:
        # there is nothing to replace atomically, and replacing it would destroy it.
        yield Path(path)
        return
    target = _target(path)
    shown = os.fspath(path)
    created = _make_parents(target.parent)
    try:
        tmp = _create_temp(target.parent)
    except OSError as e:
        _remove_folders(created)
        if e.filename is not None and str(e.filename).startswith(os.fspath(target.parent)):
            raise type(e)(e.errno, e.strerror, shown) from None
        raise
    try:
        yield tmp
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        with contextlib.suppress(FileNotFoundError):
            os.chmod(tmp, stat.S_IMODE(os.stat(target).st_mode))
        os.replace(tmp, target)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        _remove_folders(created)
        if not _names_temp(e, tmp):
            raise
        raise type(e)(e.errno, e.strerror, shown) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        _remove_folders(created)
        raise


def write_atomic(path: str | os.PathLike[str], write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp)`` and move ``tmp`` onto ``path`` only if it succeeded."""
    with atomic_path(path) as tmp:
        write(tmp)
    return Path(path)
