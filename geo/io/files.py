"""File utilities used across the project: atomic replacement of an output, and file hashes.

Writers never leave a half-written file under the name a user asked for: they write to a
temporary path in the same folder (:func:`atomic_path`) that replaces the target in one
``os.replace`` once everything is written.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

__all__ = ["PathLike", "atomic_path", "sha256_file"]

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
    suffix = "".join(out.suffixes[-2:]) if out.name.lower().endswith(".zip") else out.suffix
    fd, name = tempfile.mkstemp(prefix=f".{out.stem}.", suffix=f".tmp{suffix}", dir=out.parent)
    os.close(fd)
    tmp = Path(name)
    tmp.unlink()  # drivers refuse to write over an existing (empty) file
    try:
        yield tmp
        os.replace(tmp, out)
    finally:
        for leftover in (tmp, *tmp.parent.glob(glob.escape(tmp.name) + "-*")):
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
