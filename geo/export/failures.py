"""Output failures named: :func:`output_errors` turns the ways a write fails (a full disk, a
read-only folder, GDAL or SQLite giving up) into one :class:`~geo.errors.OutputError` that names
the file the user asked for, never a temporary one (files are written through
:func:`geo.io.files.atomic_path` and, several together, :func:`geo.io.files.atomic_paths`).
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pyogrio.errors
import rasterio.errors
from rasterio._err import CPLE_BaseError

from geo.errors import CrecidaError, OutputError, Problem, Term

__all__ = ["WRITE_ERRORS", "IncompleteFileError", "output_errors", "output_problem"]

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


class IncompleteFileError(OSError):
    """A file written shorter than its own contents say (a write that failed without an error
    from the library, e.g. GDAL flushing a GeoTIFF onto a full disk).

    Parameters
    ----------
    label
        The file's name, as the user knows it.
    """

    def __init__(self, label: str):
        super().__init__(errno.EIO, "the file written is incomplete", label)


def output_problem(out: str | Path, reason: str | Term) -> Problem:
    """The keyed problem "could not write ``out``: ``reason``" with its fix (a :class:`Term`
    reason is shown in the problem's language)."""
    out = Path(out)
    return Problem.keyed("output_write_failed", name=str(out), reason=reason,
                         folder=str(out.parent))


def _reason(exc: BaseException) -> str | Term:
    """A short reason from an exception: our words for a file found incomplete, the system's
    for another ``OSError``."""
    if isinstance(exc, IncompleteFileError):
        return Term("msg.export_file_incomplete")
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
