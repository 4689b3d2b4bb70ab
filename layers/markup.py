"""Safe HTML for tooltips, popups and legends.

Folium writes tooltip and popup HTML into JavaScript template literals (`` `…` ``), so text from
a user's file must be escaped both for HTML (``< > & " '``) and for the template literal
(backtick, ``$`` and backslash). :func:`escape_text` does both; every builder in ``layers/``
passes user text through it and never through anything else.
"""

from __future__ import annotations

import html
import numbers
from collections.abc import Iterable

import numpy as np

from geo.format import format_number
from geo.i18n import t

_TEMPLATE_LITERAL = str.maketrans({"`": "&#96;", "$": "&#36;", "\\": "&#92;"})


def escape_text(value: object) -> str:
    """Text safe inside HTML and inside a JavaScript template literal.

    ``None`` and NaN become an empty string.

    >>> escape_text("<img src=x onerror=alert(1)>")
    '&lt;img src=x onerror=alert(1)&gt;'
    >>> escape_text("`${x}`")
    '&#96;&#36;{x}&#96;'
    """
    if _is_missing(value):
        return ""
    return html.escape(str(value), quote=True).translate(_TEMPLATE_LITERAL)


def _is_missing(value: object) -> bool:
    """True for None, NaN, NaT and pandas NA."""
    if value is None:
        return True
    try:
        return bool(value != value)
    except (TypeError, ValueError):
        return True


def format_value(value: object, *, digits: int = 1, lang: str = "en") -> str:
    """A number or text as people read it in ``lang`` (:mod:`geo.format`): whole numbers with
    the language's thousands separator, other numbers rounded to ``digits``, yes/no for
    booleans. Missing values (None, NaN, pandas NA) give an en dash.

    >>> format_value(1100), format_value(2.345), format_value(None), format_value(49732, lang="es")
    ('1,100', '2.3', '–', '49\xa0732')
    """
    if _is_missing(value):
        return "–"
    if isinstance(value, bool | np.bool_):
        return t("yes" if value else "no", lang)
    if isinstance(value, numbers.Integral):
        return format_number(int(value), lang)
    if isinstance(value, numbers.Real):
        number = float(value)
        return format_number(number, lang, decimals=0 if number.is_integer() else digits)
    return str(value)


def html_table(rows: Iterable[tuple[str, object]], *, title: object = None, lang: str = "en"
               ) -> str:
    """A two-column HTML table (label, value) with every label and value escaped.

    Parameters
    ----------
    rows
        (label, value) pairs; values are formatted with :func:`format_value`.
    title
        Optional heading shown in bold above the table.
    lang
        Language of the numbers (``es``: ``49 732``, ``0,7``; ``en``: ``49,732``, ``0.7``).
    """
    parts = ['<div class="crecida-popup">']
    if title is not None and str(title):
        parts.append(f"<b>{escape_text(title)}</b>")
    parts.append('<table style="border-collapse:collapse;font-size:12px">')
    for label, value in rows:
        parts.append(
            '<tr><th style="text-align:left;padding-right:8px;font-weight:600">'
            f"{escape_text(label)}</th><td>{escape_text(format_value(value, lang=lang))}</td></tr>"
        )
    parts.append("</table></div>")
    return "".join(parts)
