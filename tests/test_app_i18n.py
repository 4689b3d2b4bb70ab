"""Every word shown to people exists in Spanish and English, with the same placeholders."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from geo import i18n
from geo.i18n import LANGUAGES, STRINGS, t

ROOT = Path(__file__).resolve().parent.parent


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(STRINGS))
def test_every_key_has_both_languages_with_the_same_placeholders(key):
    entry = STRINGS[key]
    assert set(entry) == set(LANGUAGES), key
    assert all(entry[lang].strip() for lang in LANGUAGES), key
    assert _fields(entry["es"]) == _fields(entry["en"]), key


def test_t_fills_placeholders_and_falls_back_to_spanish():
    assert t("layer_flood", "en", scenario="118.6 m") == "Flood: 118.6 m"
    assert t("status_flooded", "qu") == "Inundado"
    with pytest.raises(KeyError):
        t("no_such_key", "es")


def test_every_key_the_app_and_layers_use_exists():
    """Literal keys passed to t() in app.py and layers/ are all defined."""
    used: set[str] = set()
    for path in [ROOT / "app.py", *sorted((ROOT / "layers").glob("*.py"))]:
        used |= set(re.findall(r"""\bt\(\s*["']([a-z0-9_]+)["']\s*[,)]""", path.read_text("utf-8")))
    assert used, "no t() calls found"
    assert sorted(used - set(STRINGS)) == []


def test_status_kind_and_operating_labels_cover_the_schema():
    from geo.schema import CENTRE_KINDS, OPERATING_STATUSES

    for kind in CENTRE_KINDS:
        assert f"kind_{kind}" in STRINGS
    for status in OPERATING_STATUSES:
        assert f"op_{status}" in STRINGS
    for status in ("flooded", "isolated", "at_risk", "dry", "unknown"):
        assert f"status_{status}" in STRINGS
    assert i18n.DEFAULT_LANGUAGE == "es"
