"""Atomic file writes for every export: a reader never sees half a file.

Each writer writes to a temporary name in the target folder and the file is renamed into
place (``os.replace``) only when complete, so a failed export leaves the old file as it was.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

__all__ = ["atomic_path"]


@contextlib.contextmanager
def atomic_path(out: Path) -> Iterator[Path]:
    """A temporary path next to ``out`` (same suffix) that replaces ``out`` on success.

    The path does not exist yet (drivers create their files themselves). On an error the
    temporary file and any sidecar GDAL left (``<tmp>-journal`` …) are removed and ``out`` is
    untouched.
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    suffix = "".join(out.suffixes[-2:]) if out.name.lower().endswith(".zip") else out.suffix
    fd, name = tempfile.mkstemp(prefix=f".{out.stem}.", suffix=f".tmp{suffix}", dir=out.parent)
    os.close(fd)
    tmp = Path(name)
    tmp.unlink()
    try:
        yield tmp
        os.replace(tmp, out)
    finally:
        for leftover in (tmp, *tmp.parent.glob(tmp.name + "-*")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
