"""Problems carry their words in Spanish and English (geo.errors with geo.i18n)."""

from __future__ import annotations

import re

import pytest

from geo.errors import InputError, Num, Problem, localise
from geo.i18n import STRINGS
from geo.io.validate import parse_numbers


def test_a_keyed_problem_reads_in_both_languages_with_where_and_fix():
    p = Problem.keyed("not_a_number", source="sitios.csv", row=3, column="latitud", value="abc")
    assert str(p) == "sitios.csv, row 3, column 'latitud': 'abc' is not a number — write a " \
                     "plain number"
    assert p.text("es") == "sitios.csv, fila 3, columna 'latitud': 'abc' no es un número — " \
                           "escriba un número simple"
    assert localise(p, "es") == p.text("es")
    assert localise("a plain note", "es") == "a plain note"


def test_an_input_error_lists_every_problem_in_the_language_asked():
    err = InputError([Problem.keyed("value_missing", source="a.csv", row=1, column="x"),
                      Problem.keyed("value_missing", source="a.csv", row=2, column="x")])
    assert err.text("es").splitlines() == [
        "2 problemas encontrados:",
        "  - a.csv, fila 1, columna 'x': falta el valor — complete el valor",
        "  - a.csv, fila 2, columna 'x': falta el valor — complete el valor",
    ]
    assert str(err).startswith("2 problems found:")


def test_the_number_parser_reports_keyed_problems():
    import pandas as pd

    problems: list[Problem] = []
    parse_numbers(pd.Series(["1", "x"]), column="personas", label="f.csv", problems=problems)
    assert [(p.key, p.row, p.column, dict(p.params)) for p in problems] == [
        ("not_a_number", 2, "personas", {"value": "x"})]


@pytest.mark.parametrize("key", sorted(k for k in STRINGS if k.startswith(("msg.", "fix."))))
def test_every_message_has_both_languages_and_the_same_placeholders(key):
    entry = STRINGS[key]
    assert set(entry) == {"es", "en"} and all(entry.values())
    fields = {lang: set(re.findall(r"{(\w+)", text)) for lang, text in entry.items()}
    assert fields["es"] == fields["en"], key


def test_a_term_parameter_reads_in_the_problems_language():
    from geo.errors import Term

    p = Problem.keyed("geometry_type_centres", source="x.gpkg", found=Term("geometry.lines"),
                      rows="2")
    assert p.message == "centres must be points, but the layer has lines (rows 2)"
    assert p.text("es").startswith("x.gpkg: los albergues deben ser puntos, pero la capa "
                                   "tiene líneas (filas 2)")
    assert p == Problem.keyed("geometry_type_centres", source="x.gpkg",
                              found=Term("geometry.lines"), rows="2")
    assert len({p, p}) == 1  # hashable, as notes are deduplicated


def test_a_library_reason_is_shown_in_english_only():
    p = Problem.keyed("table_unreadable", source="a.xlsx", detail="File is not a zip file")
    assert str(p).startswith("a.xlsx: cannot be read as a table (File is not a zip file) — ")
    assert p.text("es").startswith("a.xlsx: no se puede leer como tabla — revise el archivo")
    assert "zip file" not in p.text("es")
    assert InputError(p).text("es") == p.text("es")


def test_a_number_parameter_is_written_the_languages_way():
    # format_number's rules (geo.format): a decimal comma and a no-break space in Spanish
    # from five digits; a point and a comma from four digits in English.
    p = Problem.keyed("catchment_note_capacity_unknown", n=Num(12345))
    assert p.text("es").startswith("12\u00a0345 albergue(s) sin capacidad")
    assert p.text("en").startswith("12,345 centre(s) without") and str(p) == p.text("en")
    assert Num(12345.5, unit="m").text("es") == "12\u00a0345,5\u00a0m"
    assert Num(0.5).text("es") == "0,5" and Num(0.5).text("en") == "0.5"
    assert Num(117.86, decimals=1).text("es") == "117,9"
    assert Num(3.0).text("es") == "3"
    assert Num(1e-7).text("es") == "1e-07"  # never rounded to a plausible 0
