"""User-visible texts of the exports, from :mod:`geo.i18n`, with a fallback.

Layer and column names come from the data, so not every one has a translation: those show as
they are (``default``) instead of failing an export.
"""

from __future__ import annotations

from geo.i18n import t

__all__ = ["label"]


def label(key: str, lang: str, *, default: str | None = None, **values: object) -> str:
    """Text of ``key`` in ``lang``, or ``default`` (else the key) when :mod:`geo.i18n` has none."""
    try:
        return t(key, lang, **values)
    except KeyError:
        return key if default is None else default
