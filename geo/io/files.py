"""File utilities used across the project: atomic replacement of outputs, and file hashes.

Writers never leave a half-written file under the name a user asked for: they write to a
temporary path in the same folder (:func:`atomic_path`) that replaces the target in one
``os.replace`` once everything is written; several files that belong together (a GeoPackage
and its GeoTIFF) are replaced together or not at all (:func:`atomic_paths`).
"""

from __future__ import annotations

import contextlib
import errno
import glob
import hashlib
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

__all__ = ["PathLike", "atomic_path", "atomic_paths", "sha256_file"]

PathLike = str | Path
"""A file path as the public functions accept it."""

CHUNK_BYTES: int = 1 << 20
"""Bytes read at a time when hashing (1 MiB): memory does not grow with the file."""


@contextlib.contextmanager
def atomic_path(out: PathLike) -> Iterator[Path]:
    """A temporary path next to ``out`` that replaces ``out`` when the block succeeds.

    The temporary name sits in ``out``'s folder (so the final ``os.replace`` is atomic on one
    file system), starts with a dot and keeps ``out``'s suffix (both suffixes for names such as
    ``layers.shp.zip``) so drivers that choose a format by extension still recognise it. The
    path does not exist when the block starts: the writer creates it. Missing parent folders
    are created.

    On an exception the temporary file, and any SQLite side files a driver left next to it
    (``-journal``, ``-wal``, ``-shm``), are removed and an existing ``out`` is left untouched.

    Parameters
    ----------
    out
        Final path of the file.

    Yields
    ------
    Path
        Where to write.
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = _temporary_next_to(out)
    try:
        yield tmp
        os.replace(tmp, out)
    finally:
        _remove(tmp)


@contextlib.contextmanager
def atomic_paths(outs: Sequence[str | Path]) -> Iterator[list[Path]]:
    """Temporary paths for several outputs that replace them together when the block succeeds.

    Each temporary path sits in its target's folder, starts with a dot and keeps the target's
    suffix. After the block, existing targets are first moved aside to hidden backup names,
    then every temporary file is moved into place; if any move fails, the parts already moved
    are removed and the backups restored, so the targets are either all new or all as before.
    Temporary files and backups never outlive the call.

    Parameters
    ----------
    outs
        Final paths (missing folders are created).

    Yields
    ------
    list of Path
        Where to write each part, in the order of ``outs``.
    """
    targets = [Path(o) for o in outs]
    temps: list[Path] = []
    backups: dict[Path, Path] = {}
    try:
        for out in targets:
            out.parent.mkdir(parents=True, exist_ok=True)
            temps.append(_temporary_next_to(out))
        yield list(temps)
        missing = [t for t in temps if not t.exists()]
        if missing:
            raise FileNotFoundError(errno.ENOENT, "a part of the export was not written",
                                    str(targets[temps.index(missing[0])]))
        placed: list[Path] = []
        try:
            for out in targets:
                if out.exists():
                    backup = _temporary_next_to(out)
                    os.replace(out, backup)
                    backups[out] = backup
            for tmp, out in zip(temps, targets, strict=True):
                os.replace(tmp, out)
                placed.append(out)
        except BaseException:
            for out in placed:
                with contextlib.suppress(OSError):
                    out.unlink()
            for out, backup in backups.items():
                with contextlib.suppress(OSError):
                    os.replace(backup, out)
            backups.clear()
            raise
    finally:
        for path in (*temps, *backups.values()):
            _remove(path)


def _temporary_next_to(out: Path) -> Path:
    """A free temporary name in ``out``'s folder that keeps its suffix (not created)."""
    suffix = "".join(out.suffixes[-2:]) if out.name.lower().endswith(".zip") else out.suffix
    fd, name = tempfile.mkstemp(prefix=f".{out.stem}.", suffix=f".tmp{suffix}", dir=out.parent)
    os.close(fd)
    tmp = Path(name)
    tmp.unlink()  # drivers refuse to write over an existing (empty) file
    return tmp


def _remove(path: Path) -> None:
    """Remove ``path`` and the SQLite side files a driver may have left next to it."""
    for leftover in (path, *path.parent.glob(glob.escape(path.name) + "-*")):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()


def sha256_file(path: PathLike, *, chunk_bytes: int = CHUNK_BYTES) -> str:
    """Hex SHA-256 of a file's bytes, read ``chunk_bytes`` at a time.

    Raises
    ------
    OSError
        The file cannot be read.
    """
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(chunk_bytes):
            digest.update(chunk)
    return digest.hexdigest()
