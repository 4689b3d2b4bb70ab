"""Unpacking the zips that users upload, safely: the one place that enforces the zip limits.

Zips, KMZ (a zipped KML) and XLSX workbooks (zipped XML) all go through :func:`check_zip`,
which refuses, before anything is unpacked:

- a file that is not a zip, or whose directory is damaged;
- more than ``settings.MAX_ZIP_MEMBERS`` members;
- members that declare more than ``max_bytes`` together (``settings.MAX_UNZIPPED_BYTES``);
- a member over 1 MiB that unpacks to more than ``settings.MAX_ZIP_RATIO`` times its packed
  size (a zip bomb);
- a member that would land outside the folder it is unpacked into (absolute path, ``..``).

While unpacking (:func:`safe_extract_zip`), a member that unpacks to more bytes than it declares
(a forged header) or fails its CRC check is refused too. :func:`extracted_zip` unpacks into a
temporary folder that is removed when the ``with`` block ends, whatever happens in it.
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

__all__ = ["check_zip", "extracted_zip", "safe_extract_zip"]

_READ_BYTES = 1 << 20
_RATIO_FROM_BYTES = 1 << 20


def check_zip(path: PathLike, *, max_bytes: int | None = None,
              label: str | None = None) -> list[zipfile.ZipInfo]:
    """Check a zip's directory against the limits without unpacking anything.

    Parameters
    ----------
    path
        The zip (or KMZ, or XLSX) file.
    max_bytes
        Most bytes the members may unpack to together (default
        ``settings.MAX_UNZIPPED_BYTES``).
    label
        Name used in messages (defaults to the file name).

    Returns
    -------
    list of zipfile.ZipInfo
        The file members (folders left out).

    Raises
    ------
    FormatError
        Not a zip, too many members, too much data once unpacked, a member compressed beyond
        ``settings.MAX_ZIP_RATIO``, or a member whose path leaves its folder.
    """
    label = label or Path(path).name
    limit = settings.MAX_UNZIPPED_BYTES if max_bytes is None else max_bytes
    try:
        with zipfile.ZipFile(path) as zf:
            infos = [i for i in zf.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise FormatError(Problem.keyed("zip_unreadable", source=label)) from None
    if len(infos) > settings.MAX_ZIP_MEMBERS:
        raise FormatError(Problem.keyed("zip_too_many_members", source=label, n=len(infos),
                                        limit=settings.MAX_ZIP_MEMBERS))
    total = sum(i.file_size for i in infos)
    if total > limit:
        raise FormatError(Problem.keyed("zip_too_big", source=label,
                                        size_mib=round(total / 2**20),
                                        limit_mib=round(limit / 2**20)))
    for info in infos:
        if info.file_size > _RATIO_FROM_BYTES and (
                info.file_size > settings.MAX_ZIP_RATIO * max(info.compress_size, 1)):
            raise FormatError(Problem.keyed(
                "zip_ratio", source=label, member=info.filename,
                ratio=round(info.file_size / max(info.compress_size, 1)),
                limit=round(settings.MAX_ZIP_RATIO)))
        _check_member_path(info, label=label)
    return infos


def safe_extract_zip(
    path: PathLike,
    dest: PathLike,
    *,
    max_bytes: int | None = None,
    label: str | None = None,
) -> Path:
    """Unpack a zip into ``dest`` after :func:`check_zip`, refusing forged or damaged members.

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
        As :func:`check_zip`; a member larger than it declares, or one that fails its CRC
        check or cannot be decompressed.
    """
    label = label or Path(path).name
    limit = settings.MAX_UNZIPPED_BYTES if max_bytes is None else max_bytes
    infos = check_zip(path, max_bytes=limit, label=label)
    dest = Path(dest)
    root = dest.resolve()
    try:
        with zipfile.ZipFile(path) as zf:
            for info in infos:
                target = (dest / _member_path(info)).resolve()
                if not target.is_relative_to(root):  # a link in dest pointing elsewhere
                    raise FormatError(Problem.keyed("zip_member_escapes", source=label,
                                                    member=info.filename))
                target.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as src, open(target, "wb") as out:
                    written = 0
                    while chunk := src.read(_READ_BYTES):
                        written += len(chunk)
                        if written > info.file_size or written > limit:
                            raise FormatError(Problem.keyed("zip_member_forged", source=label,
                                                            member=info.filename))
                        out.write(chunk)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError,
            NotImplementedError, RuntimeError) as exc:
        # "Bad CRC-32", a truncated member, an unknown compression or an encrypted member
        raise FormatError(Problem.keyed("zip_member_damaged", source=label,
                                        detail=str(exc).splitlines()[0][:120] if str(exc)
                                        else type(exc).__name__)) from None
    return dest


@contextlib.contextmanager
def extracted_zip(path: PathLike, *, label: str | None = None,
                  max_bytes: int | None = None) -> Iterator[Path]:
    """A temporary folder holding the zip's members (see :func:`safe_extract_zip`).

    The folder and everything in it is removed when the block ends, also on an error.
    """
    with tempfile.TemporaryDirectory(prefix="crecida_zip_") as tmp:
        yield safe_extract_zip(path, tmp, label=label, max_bytes=max_bytes)


def _member_path(info: zipfile.ZipInfo) -> PurePosixPath:
    return PurePosixPath(info.filename.replace("\\", "/"))


def _check_member_path(info: zipfile.ZipInfo, *, label: str) -> None:
    """Refuse a member with an absolute path, a drive letter or ``..``."""
    member = _member_path(info)
    if member.is_absolute() or ".." in member.parts or (member.parts and ":" in member.parts[0]):
        raise FormatError(Problem.keyed("zip_member_escapes", source=label,
                                        member=info.filename))
