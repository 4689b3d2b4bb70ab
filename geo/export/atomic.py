"""Exports of several files that appear together or not at all, and output failures named.

:func:`atomic_paths` extends :func:`geo.io.files.atomic_path` to a set of files (a GeoPackage
and its companion GeoTIFF): every part is written to a temporary name in its target's folder,
then all are moved into place; if any part fails — while writing or while moving — every target
is left as it was before. :func:`output_errors` turns the ways a write fails (a full disk, a
read-only folder, GDAL or SQLite giving up) into one :class:`~geo.errors.OutputError` that names
the file the user asked for, never a temporary one.
"""

from __future__ import annotations

import contextlib
import errno
import glob
import os
import sqlite3
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import pyogrio.errors
import rasterio.errors
from rasterio._err import CPLE_BaseError

from geo.errors import CrecidaError, OutputError, Problem

__all__ = ["WRITE_ERRORS", "atomic_paths", "output_errors", "output_problem"]

#: Exceptions that mean "the file could not be written" (as opposed to a bug): the operating
#: system's, GDAL's through pyogrio and rasterio, SQLite's (GeoPackage) and zipfile's.
WRITE_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    sqlite3.Error,
    pyogrio.errors.DataSourceError,
    pyogrio.errors.DataLayerError,
    rasterio.errors.RasterioError,
    CPLE_BaseError,
)


def output_problem(out: str | Path, reason: str) -> Problem:
    """The keyed problem "could not write ``out``: ``reason``" with its fix."""
    out = Path(out)
    return Problem.keyed("output_write_failed", name=str(out), reason=reason,
                         folder=str(out.parent))


def _reason(exc: BaseException) -> str:
    """A short reason from an exception: the system's words for an ``OSError``."""
    if isinstance(exc, OSError) and exc.errno is not None:
        return exc.strerror or os.strerror(exc.errno)
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    for code in (errno.ENOSPC, errno.EFBIG, errno.EACCES, errno.EROFS, errno.EDQUOT):
        words = os.strerror(code)
        if words.lower() in text.lower():
            return words
    return text if len(text) <= 160 else text[:159].rsplit(" ", 1)[0] + "…"


@contextlib.contextmanager
def output_errors(out: str | Path) -> Iterator[None]:
    """Turn a failed write inside the block into an :class:`OutputError` naming ``out``.

    Crecida's own errors pass through unchanged; so do exceptions that are not write errors
    (:data:`WRITE_ERRORS`): those are bugs, for the edge to log.
    """
    try:
        yield
    except CrecidaError:
        raise
    except WRITE_ERRORS as exc:
        raise OutputError(output_problem(out, _reason(exc))) from exc


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
