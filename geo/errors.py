"""Crecida's own errors and warnings.

Every error a user can cause derives from :class:`CrecidaError` and also from the matching
built-in (``ValueError`` for bad input, ``OSError`` for unreadable files, ``RuntimeError`` for a
solver that gives up), so callers that already catch built-ins keep working.

Loaders gather every problem they find and raise one :class:`InputError` that lists them all;
each :class:`Problem` says what is wrong, where (file, row, column) and how to fix it.

Messages exist in Spanish and English: a problem made with :meth:`Problem.keyed` carries a key
of :mod:`geo.i18n` (``msg.<key>``, and ``fix.<key>`` when there is a fix) and its parameters;
``str()`` gives the English text (for logs), :meth:`Problem.text` and :func:`localise` the text
in the user's language. Notes (changes made to usable input) are keyed problems too, or plain
strings in older code.

A parameter that is itself a word people read (a kind of geometry, a layer's role) is given as
a :class:`Term`, shown in the problem's language; a number is given as a :class:`Num`, written
the language's way (``12 345`` and ``0,5`` in Spanish, ``12,345`` and ``0.5`` in English). A
library's own reason for a failure (GDAL's, openpyxl's: English) is a problem's ``detail``: the
English text and the logs show it, the other languages leave it out rather than mix English
words into their sentence.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

__all__ = [
    "CRSError",
    "CrecidaError",
    "CrecidaWarning",
    "FormatError",
    "GeometryTypeError",
    "InputError",
    "Num",
    "OutputError",
    "OverlapError",
    "Problem",
    "SolverError",
    "Term",
    "UnexpectedError",
    "localise",
]


@dataclass(frozen=True)
class Term:
    """A word of :mod:`geo.i18n` given as a problem's parameter, shown in the problem's
    language (``Term("geometry.lines")`` reads "lines" or "líneas").

    Parameters
    ----------
    key
        Key of the word in :data:`geo.i18n.STRINGS`.
    """

    key: str

    def text(self, lang: str = "en") -> str:
        """The word in ``lang``."""
        from geo.i18n import t

        return t(self.key, lang)

    def __str__(self) -> str:
        return self.text("en")


@dataclass(frozen=True)
class Num:
    """A number given as a problem's parameter, written the way of the problem's language
    (:func:`geo.format.format_number`).

    Parameters
    ----------
    value
        The number.
    decimals
        Places after the decimal mark; ``None`` keeps those the number has (up to six
        significant digits, as ``{:g}`` would: ``0.5`` stays ``0,5``/``0.5``).
    unit
        A unit written after the number with a no-break space (``m``, ``cm/km``), if any.
    """

    value: float
    decimals: int | None = None
    unit: str | None = None

    def text(self, lang: str = "en") -> str:
        """The number in ``lang``."""
        from geo.format import format_number, format_shortest

        if self.decimals is None:
            out = format_shortest(self.value, lang, missing=str(self.value))
        else:
            out = format_number(self.value, lang, decimals=self.decimals,
                                missing=str(self.value))
        return f"{out}\u00a0{self.unit}" if self.unit else out

    def __str__(self) -> str:
        return self.text("en")


def _values(params: tuple[tuple[str, object], ...] | dict[str, object], lang: str
            ) -> dict[str, object]:
    """A problem's parameters with every :class:`Term` and :class:`Num` in ``lang``."""
    items = params.items() if isinstance(params, dict) else params
    return {k: v.text(lang) if isinstance(v, (Term, Num)) else v for k, v in items}


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
    key
        Key of the message in :mod:`geo.i18n` (``msg.<key>``/``fix.<key>``), when it has one.
    params
        Values of the message's ``{placeholders}``, as sorted ``(name, value)`` pairs
        (a :class:`Term` is shown in the problem's language).
    detail
        A library's own reason, in its own words (English): added to the English text of a
        keyed problem (and so to ``str()`` and the logs), left out of the other languages.
    """

    message: str
    source: str | None = None
    row: int | None = None
    column: str | None = None
    fix: str | None = None
    key: str | None = None
    params: tuple[tuple[str, object], ...] = ()
    detail: str | None = None

    @classmethod
    def keyed(cls, key: str, *, source: str | None = None, row: int | None = None,
              column: str | None = None, detail: str | None = None,
              **params: object) -> Problem:
        """A problem whose words come from :mod:`geo.i18n` (``msg.<key>``, ``fix.<key>``);
        ``detail`` is a library's own (English) reason, see :class:`Problem`."""
        from geo.i18n import STRINGS, t

        english = _values(params, "en")
        fix = t(f"fix.{key}", "en", **english) if f"fix.{key}" in STRINGS else None
        message = t(f"msg.{key}", "en", **english) + (f" ({detail})" if detail else "")
        return cls(message, source, row, column, fix, key, tuple(sorted(params.items())),
                   detail)

    def text(self, lang: str = "en") -> str:
        """The problem in ``lang`` (``es`` or ``en``): where, what, and how to fix it."""
        from geo.i18n import STRINGS, t

        message, fix = self.message, self.fix
        if self.key is not None:
            values = _values(self.params, lang)
            message = t(f"msg.{self.key}", lang, **values)
            if self.detail and lang == "en":
                message += f" ({self.detail})"
            if f"fix.{self.key}" in STRINGS:
                fix = t(f"fix.{self.key}", lang, **values)
        where = []
        if self.source:
            where.append(str(self.source))
        if self.row is not None:
            where.append(t("where.row", lang, row=self.row))
        if self.column:
            where.append(t("where.column", lang, column=self.column))
        text = f"{', '.join(where)}: {message}" if where else message
        if fix:
            text += f" — {fix}"
        return text

    def __str__(self) -> str:
        return self.text("en")


def localise(item: Problem | str, lang: str = "en") -> str:
    """A problem or note in ``lang`` (plain strings are returned as they are)."""
    return item.text(lang) if isinstance(item, Problem) else str(item)


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
            p if p.source or not source else replace(p, source=source) for p in problems
        ]
        super().__init__(self.text("en"))

    def text(self, lang: str = "en") -> str:
        """Every problem, in ``lang``."""
        from geo.i18n import t

        if len(self.problems) == 1:
            return self.problems[0].text(lang)
        lines = [t("where.problems_found", lang, n=len(self.problems))]
        lines += [f"  - {p.text(lang)}" for p in self.problems]
        return "\n".join(lines)


class FormatError(InputError, OSError):
    """A file that is corrupt, empty, or of a format Crecida does not read."""


class CRSError(InputError):
    """A missing or unusable coordinate reference system."""


class OverlapError(InputError):
    """Layers that do not overlap (the message names both extents)."""


class GeometryTypeError(InputError):
    """A layer with the wrong kind of geometry (e.g. lines where points are needed)."""


class OutputError(CrecidaError, OSError):
    """An output that could not be written (full disk, read-only folder…); names the target.

    Parameters
    ----------
    problem
        What failed, where and how to fix it (usually ``Problem.keyed("output_write_failed",
        …)``).
    """

    def __init__(self, problem: Problem):
        self.problems: list[Problem] = [problem]
        super().__init__(problem.text("en"))

    def text(self, lang: str = "en") -> str:
        """The problem, in ``lang``."""
        return self.problems[0].text(lang)


class SolverError(CrecidaError, RuntimeError):
    """An optimisation that failed or stopped early; ``best`` holds the best feasible answer.

    Parameters
    ----------
    problem
        What happened (``Problem.keyed("siting_time_limit", …)``), shown in the user's
        language by :meth:`text`; a plain string is kept as it is (a programming error's
        English words).
    best
        The best feasible answer found, if any.
    """

    def __init__(self, problem: Problem | str, *, best: object = None):
        self.problems: list[Problem] = [problem if isinstance(problem, Problem)
                                        else Problem(problem)]
        self.best = best
        super().__init__(self.problems[0].text("en"))

    def text(self, lang: str = "en") -> str:
        """The problem, in ``lang``."""
        return self.problems[0].text(lang)


class UnexpectedError(CrecidaError, RuntimeError):
    """A failure Crecida did not foresee (a bug, or a library giving up), caught at a public
    entry point; the original exception is its ``__cause__`` and was written with its
    traceback to the log file (:mod:`geo.crashlog`), which the message names.

    Parameters
    ----------
    problem
        ``Problem.keyed("unexpected", error=…, log=…)``.
    """

    def __init__(self, problem: Problem):
        self.problems: list[Problem] = [problem]
        super().__init__(problem.text("en"))

    def text(self, lang: str = "en") -> str:
        """The problem, in ``lang``."""
        return self.problems[0].text(lang)


class CrecidaWarning(UserWarning):
    """Input was usable but changed or doubtful (swapped coordinates, duplicate ids, …)."""
