"""The log file of unexpected errors: the traceback goes there, never on screen.

The command line and the app catch every exception that is not one of Crecida's own at their
edge, write it here with its traceback (:func:`log_exception`) and show a short message that
names this file (:func:`unexpected_problem`). The file lives in a per-user folder, never inside
the repository or the data:

- ``$CRECIDA_LOG_DIR`` when set;
- Windows: ``%LOCALAPPDATA%\\crecida``;
- elsewhere: ``$XDG_STATE_HOME/crecida`` (default ``~/.local/state/crecida``).

It is ``crecida.log``, kept under :data:`MAX_LOG_BYTES` by rotating to ``crecida.log.1`` (one
older copy). Nothing else in Crecida writes logs.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import sys
import threading
import traceback
from pathlib import Path

from geo.errors import Problem

__all__ = [
    "LOG_DIR_ENV",
    "LOG_NAME",
    "MAX_LOG_BYTES",
    "log_dir",
    "log_exception",
    "log_path",
    "log_text",
    "short_error",
    "unexpected_problem",
]

LOG_DIR_ENV: str = "CRECIDA_LOG_DIR"
"""Environment variable that overrides the log folder."""

LOG_NAME: str = "crecida.log"
"""File name of the log."""

MAX_LOG_BYTES: int = 2 * 2**20
"""Size from which the log is rotated to ``crecida.log.1`` (2 MiB; one older copy kept)."""

_LOCK = threading.Lock()


def log_dir() -> Path:
    """The per-user folder of the log (see the module's docstring); not created here."""
    given = os.environ.get(LOG_DIR_ENV, "").strip()
    if given:
        return Path(given).expanduser()
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "crecida"
    state = os.environ.get("XDG_STATE_HOME", "").strip()
    base = Path(state).expanduser() if state else Path.home() / ".local" / "state"
    return base / "crecida"


def log_path() -> Path:
    """Full path of the log file."""
    return log_dir() / LOG_NAME


def log_text(text: str, *, context: str) -> Path | None:
    """Append a dated entry to the log; the log's path, or ``None`` when it cannot be written.

    Parameters
    ----------
    text
        What to record (a traceback, a library's warning…).
    context
        Where it happened (``"cli export"``, ``"app view export"``…).
    """
    from geo import __version__

    path = log_path()
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    header = (f"--- {stamp} Crecida {__version__} (Python {platform.python_version()}, "
              f"{platform.system()}) {context}\n")
    try:
        with _LOCK:
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.exists() and path.stat().st_size > MAX_LOG_BYTES:
                os.replace(path, path.with_name(LOG_NAME + ".1"))
            with open(path, "a", encoding="utf-8", errors="backslashreplace") as fh:
                fh.write(header + text.rstrip("\n") + "\n")
    except OSError:
        return None
    return path


def log_exception(exc: BaseException, *, context: str) -> Path | None:
    """Write ``exc`` with its traceback to the log; the log's path, or ``None``."""
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return log_text(text, context=context)


def short_error(exc: BaseException, *, limit: int = 160) -> str:
    """The exception's type and the first line of its message, at most ``limit`` characters."""
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    text = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def unexpected_problem(exc: BaseException, *, context: str, source: str | None = None,
                       key: str = "unexpected") -> Problem:
    """Log ``exc`` and return the short problem shown instead of a traceback.

    Parameters
    ----------
    exc
        The exception caught at an edge.
    context
        Where it was caught, for the log.
    source
        The file it concerns, when known (an upload).
    key
        ``unexpected`` or ``unexpected_file`` (a message about one file).
    """
    from geo.i18n import t

    path = log_exception(exc, context=context)
    where = str(path) if path is not None else t("log.unavailable", "en")
    return Problem.keyed(key, source=source, error=short_error(exc), log=where)
