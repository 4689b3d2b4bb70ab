"""Numbers as people read them, in Spanish or English: one place for the app, the tables, the
map's popups and the briefing map.

Spanish follows the Real Academia's *Ortografía* (2010): a decimal comma, and digits grouped in
threes by a space only in numbers of five or more digits (``49 732``, ``4500``, ``0,7 m``).
English uses a decimal point and a comma from four digits on (``49,732``, ``4,500``,
``0.7 m``). The grouping space is a no-break space (U+00A0), so a number never breaks across
lines. Missing values (``None``, NaN, ``pd.NA``) give ``missing`` (an empty string by default).

>>> format_number(49732.4, "es"), format_number(49732.4, "en")
('49\\xa0732', '49,732')
>>> format_number(0.72, "es", decimals=1), format_quantity(0.72, "m", "en", decimals=1)
('0,7', '0.7 m')
"""

from __future__ import annotations

import math
import numbers

import numpy as np

__all__ = ["GROUP_SEPARATOR", "format_number", "format_percent", "format_quantity",
           "format_shortest"]

GROUP_SEPARATOR: dict[str, str] = {"es": "\u00a0", "en": ","}
"""Thousands separator per language (Spanish: a no-break space)."""

_DECIMAL_MARK: dict[str, str] = {"es": ",", "en": "."}
_MIN_GROUPED_DIGITS: dict[str, int] = {"es": 5, "en": 4}


def _number(value: object) -> float | None:
    """``value`` as a finite float, or ``None`` when it is missing or not a number (a yes/no
    is not a number)."""
    if value is None or isinstance(value, bool | np.bool_):
        return None
    if not isinstance(value, numbers.Real):
        try:
            value = float(value)  # type: ignore[arg-type]  (NumPy scalars, decimal strings)
        except (TypeError, ValueError):
            return None
    number = float(value)
    return number if math.isfinite(number) else None


def format_number(value: object, lang: str = "es", *, decimals: int = 0,
                  missing: str = "") -> str:
    """``value`` rounded to ``decimals`` places, written the ``lang`` way.

    Parameters
    ----------
    value
        A number (Python, NumPy or a numeric string); anything else gives ``missing``.
    lang
        ``es`` or ``en`` (any other code is written the Spanish way, the default language).
    decimals
        Places after the decimal mark (0: a whole number). Rounding is half away from zero
        for whole numbers of people: 0.5 person is written 1.
    missing
        Text for a missing value.
    """
    number = _number(value)
    if number is None:
        return missing
    lang = lang if lang in _DECIMAL_MARK else "es"
    if decimals <= 0:
        number = math.floor(abs(number) + 0.5) * (1 if number >= 0 else -1)
        text = f"{abs(number):.0f}"
        whole, fraction = text, ""
    else:
        text = f"{abs(number):.{decimals}f}"
        whole, fraction = text.split(".")
    negative = number < 0 and any(c not in "0." for c in text)
    if len(whole) >= _MIN_GROUPED_DIGITS[lang]:
        groups = []
        while whole:
            groups.insert(0, whole[-3:])
            whole = whole[:-3]
        whole = GROUP_SEPARATOR[lang].join(groups)
    out = whole + (_DECIMAL_MARK[lang] + fraction if fraction else "")
    return ("-" if negative else "") + out


def format_shortest(value: object, lang: str = "es", *, missing: str = "") -> str:
    """``value`` with the decimals it has (up to six significant digits, as ``{:g}``), written
    the ``lang`` way: ``0,5`` / ``0.5``, ``117,85`` / ``117.85``, ``12 345`` / ``12,345``. A
    very large or small number stays in scientific notation (``1e-07``), never rounded to a
    plausible 0."""
    number = _number(value)
    if number is None:
        return missing
    shown = f"{number:g}"
    if "e" in shown:
        return shown.replace(".", _DECIMAL_MARK.get(lang, ","))
    decimals = len(shown.split(".")[1]) if "." in shown else 0
    return format_number(number, lang, decimals=decimals)


def format_quantity(value: object, unit: str, lang: str = "es", *, decimals: int = 0,
                    missing: str = "") -> str:
    """A number and its unit with a no-break space between (``0,7 m``, ``3500 m²``)."""
    text = format_number(value, lang, decimals=decimals, missing="")
    return f"{text}\u00a0{unit}" if text else missing


def format_percent(share: object, lang: str = "es", *, decimals: int = 0,
                   missing: str = "") -> str:
    """A share from 0 to 1 as a percentage (``45 %`` in Spanish, ``45%`` in English)."""
    number = _number(share)
    if number is None:
        return missing
    text = format_number(number * 100.0, lang, decimals=decimals)
    return f"{text}\u00a0%" if lang != "en" else f"{text}%"
