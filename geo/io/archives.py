"""Unpacking zips that users upload, safely: the one place that enforces the zip limits.

A zip is refused when it is not a zip, when a member would land outside the folder it is
unpacked into (an absolute path or ``..``), when its members declare more than
``settings.MAX_UNZIPPED_BYTES`` together, or when a member unpacks to more bytes than it
declares (a forged header).
"""

from __future__ import annotations

import contextlib
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from geo import settings
from geo.errors import FormatError, Problem
from geo.io.files import PathLike

__all__ = ["extracted_zip", "safe_extract_zip"]

_READ_BYTES = 1 << 20


def safe_extract_zip(
    path: PathLike,
    dest: PathLike,
    *,
    max_bytes: int | None = None,
    label: str | None = None,
) -> Path:
    """Unpack a zip into ``dest``, refusing members that escape it or too much data.

    Parameters
    ----------
    path
        The zip file.
    dest
        Folder to unpack into (created as needed).
    max_bytes
        Most bytes the members may unpack to together (default
        ``settings.MAX_UNZIPPED_BYTES``).
    label
        Name used in messages (defaults to the file name).

    Returns
    -------
    Path
        ``dest``.

    Raises
    ------
    FormatError
        Not a zip, a member with an absolute path or ``..``, more than ``max_bytes`` once
        unpacked, or a member larger than it declares.
    """
    label = label or Path(path).name
    limit = settings.MAX_UNZIPPED_BYTES if max_bytes is None else max_bytes
    dest = Path(dest)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise FormatError(
            Problem(
                "not a readable zip file",
                source=label,
                fix="re-create the zip, or upload the file itself",
            )
        ) from None
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        total = sum(i.file_size for i in infos)
        if total > limit:
            raise FormatError(
                Problem(
                    f"unpacks to {total / 2**20:.0f} MiB, over the {limit / 2**20:.0f} MiB limit",
                    source=label,
                    fix="upload a smaller file, or only the layer you need",
                )
            )
        root = dest.resolve()
        for info in infos:
            target = _member_target(info, dest, root, label=label)
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, open(target, "wb") as out:
                written = 0
                while chunk := src.read(_READ_BYTES):
                    written += len(chunk)
                    if written > info.file_size or written > limit:
                        raise FormatError(
                            Problem("zip member larger than it declares", source=label)
                        )
                    out.write(chunk)
    return dest


@contextlib.contextmanager
def extracted_zip(path: PathLike, *, label: str | None = None) -> Iterator[Path]:
    """A temporary folder holding the zip's members (see :func:`safe_extract_zip`).

    The folder and everything in it is removed when the block ends.
    """
    with tempfile.TemporaryDirectory(prefix="crecida_zip_") as tmp:
        yield safe_extract_zip(path, tmp, label=label)


def _member_target(info: zipfile.ZipInfo, dest: Path, root: Path, *, label: str) -> Path:
    """Where a member unpacks to; refuses absolute paths, ``..`` and escapes via links."""
    member = PurePosixPath(info.filename.replace("\\", "/"))
    target = (dest / member).resolve()
    if member.is_absolute() or ".." in member.parts or not target.is_relative_to(root):
        raise FormatError(
            Problem(
                f"member '{info.filename}' would unpack outside its folder",
                source=label,
                fix="re-create the zip with relative paths only",
            )
        )
    return target
