"""Crecida's own errors and warnings.

Every error a user can cause derives from :class:`CrecidaError` and also from the matching
built-in (``ValueError`` for bad input, ``OSError`` for unreadable files, ``RuntimeError`` for a
solver that gives up), so callers that already catch built-ins keep working.

Loaders gather every problem they find and raise one :class:`InputError` that lists them all;
each :class:`Problem` says what is wrong, where (file, row, column) and how to fix it.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CRSError",
    "CrecidaError",
    "CrecidaWarning",
    "FormatError",
    "GeometryTypeError",
    "InputError",
    "OverlapError",
    "Problem",
    "SolverError",
]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input.

    Parameters
    ----------
    message
        What is wrong, in plain words.
    source
        File (or layer) name the problem was found in.
    row
        1-based data row in the file (the header and any HXL tag row not counted), if any.
    column
        Column name, if any.
    fix
        How to fix it.
    """

    message: str
    source: str | None = None
    row: int | None = None
    column: str | None = None
    fix: str | None = None

    def __str__(self) -> str:
        where = []
        if self.source:
            where.append(str(self.source))
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        text = f"{', '.join(where)}: {self.message}" if where else self.message
        if self.fix:
            text += f" — {self.fix}"
        return text


class CrecidaError(Exception):
    """Root of every error Crecida raises on purpose."""


class InputError(CrecidaError, ValueError):
    """Input that cannot be used as given; lists every problem found.

    Parameters
    ----------
    problems
        Each problem found, or one message.
    source
        The file the problems belong to (used when a problem names none).
    """

    def __init__(self, problems: list[Problem] | Problem | str, *, source: str | None = None):
        if isinstance(problems, str):
            problems = [Problem(problems, source=source)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = [
            p if p.source or not source else Problem(p.message, source, p.row, p.column, p.fix)
            for p in problems
        ]
        super().__init__(self._text())

    def _text(self) -> str:
        if len(self.problems) == 1:
            return str(self.problems[0])
        lines = [f"{len(self.problems)} problems found:"]
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)


class FormatError(InputError, OSError):
    """A file that is corrupt, empty, or of a format Crecida does not read."""


class CRSError(InputError):
    """A missing or unusable coordinate reference system."""


class OverlapError(InputError):
    """Layers that do not overlap (the message names both extents)."""


class GeometryTypeError(InputError):
    """A layer with the wrong kind of geometry (e.g. lines where points are needed)."""


class SolverError(CrecidaError, RuntimeError):
    """An optimisation that failed or stopped early; ``best`` holds the best feasible answer."""

    def __init__(self, message: str, *, best: object = None):
        self.best = best
        super().__init__(message)


class CrecidaWarning(UserWarning):
    """Input was usable but changed or doubtful (swapped coordinates, duplicate ids, …)."""
