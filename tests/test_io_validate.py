"""Cell validation on tiny frames: values in, exact values, problems and notes out."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geo import schema, settings
from geo.errors import Problem
from geo.io import validate as v

LABEL = "f.csv"
IQUITOS = (-77.9, -8.8, -69.9, 0.1)  # the default study area, written out


def test_the_defaults_these_expectations_were_computed_with():
    assert settings.PERSONS_PER_FAMILY == 4.7
    assert settings.STUDY_AREA_BOUNDS_LONLAT == IQUITOS


# --------------------------------------------------------------------------- numbers


def test_parse_numbers_decimal_comma_bad_and_missing_cells():
    problems: list[Problem] = []
    got = v.parse_numbers(pd.Series(["1", " 2,5 ", "-3.25", "abc", "", "-", "1,000,5"]),
                          column="c", label=LABEL, problems=problems, required=True)
    np.testing.assert_array_equal(got, [1.0, 2.5, -3.25, np.nan, np.nan, np.nan, np.nan])
    assert [str(p) for p in problems] == [
        str(Problem("'abc' is not a number", LABEL, 4, "c", "write a plain number")),
        str(Problem("'1,000,5' is not a number", LABEL, 7, "c", "write a plain number")),
        str(Problem("value missing", LABEL, 5, "c", "fill in the value")),
        str(Problem("value missing", LABEL, 6, "c", "fill in the value")),
    ]


def test_parse_numbers_blank_cells_are_fine_when_not_required():
    problems: list[Problem] = []
    got = v.parse_numbers(pd.Series(["", "N/A", "7"]), column="c", label=LABEL,
                          problems=problems)
    np.testing.assert_array_equal(got, [np.nan, np.nan, 7.0])
    assert problems == []


def test_parse_numbers_of_a_numeric_column():
    problems: list[Problem] = []
    got = v.parse_numbers(pd.Series([1, None, 3.5]), column="c", label=LABEL,
                          problems=problems, required=True)
    np.testing.assert_array_equal(got, [1.0, np.nan, 3.5])
    expected = Problem("value missing", LABEL, 2, "c", "fill in the value")
    assert [str(p) for p in problems] == [str(expected)]


def test_numeric_if_all_converts_a_column_of_numbers_and_blanks():
    got = v.numeric_if_all(pd.Series(["1", "2,5", ""]))
    np.testing.assert_array_equal(got, [1.0, 2.5, np.nan])


@pytest.mark.parametrize("cells", [["1", "x"], ["", ""]])  # a word; nothing but blanks
def test_numeric_if_all_leaves_other_columns_as_they_are(cells):
    column = pd.Series(cells)
    assert v.numeric_if_all(column) is column


def test_check_non_negative():
    problems: list[Problem] = []
    v.check_non_negative(pd.Series([0.0, -1.5, np.nan, 2.0]), "families", label=LABEL,
                         problems=problems)
    assert [str(p) for p in problems] == [
        str(Problem("-1.5 is negative", LABEL, 2, "families", "give zero or a positive number"))
    ]


# --------------------------------------------------------------------------- coordinates


def test_coordinate_columns_missing_names_the_file_headers():
    problems: list[Problem] = []
    frame = pd.DataFrame({"lat": ["-3.7"], "nombre": ["A"]})
    lat, lon = v.coordinate_columns(frame, label=LABEL, problems=problems,
                                    headers=["Latitud", "Nombre"])
    assert lat.empty and lon.empty
    assert [str(p) for p in problems] == [str(Problem(
        "no longitude column (columns found: Latitud, Nombre)", LABEL,
        fix="name them lat/lon, latitud/longitud, latitude/longitude or y/x, or tag them "
            "#geo+lat/#geo+lon in an HXL row",
    ))]


def test_coordinate_columns_parse_both_with_a_problem_per_cell():
    problems: list[Problem] = []
    frame = pd.DataFrame({"lat": ["-3,75", ""], "lon": ["-73.25", "oeste"]})
    lat, lon = v.coordinate_columns(frame, label=LABEL, problems=problems, headers=[])
    np.testing.assert_array_equal(lat, [-3.75, np.nan])
    np.testing.assert_array_equal(lon, [-73.25, np.nan])
    assert [(p.message, p.row, p.column) for p in problems] == [
        ("value missing", 2, "lat"), ("'oeste' is not a number", 2, "lon")]


def _check(lon, lat, area=IQUITOS):
    problems: list[Problem] = []
    notes: list[Problem] = []
    out = v.check_coordinates(pd.Series(lon, dtype=float), pd.Series(lat, dtype=float), area,
                              label=LABEL, problems=problems, notes=notes)
    return (*out, problems, [str(n) for n in notes])


def test_check_coordinates_inside_changes_nothing():
    lon, lat, outside, problems, notes = _check([-73.25], [-3.75])
    assert (lon.tolist(), lat.tolist(), outside.tolist()) == ([-73.25], [-3.75], [False])
    assert problems == [] and notes == []


def test_check_coordinates_swaps_whole_columns():
    lon, lat, outside, problems, notes = _check([-3.75, -3.80], [-73.25, -73.30])
    assert lon.tolist() == [-73.25, -73.30] and lat.tolist() == [-3.75, -3.80]
    assert outside.tolist() == [False, False] and problems == []
    assert notes == [
        "latitude and longitude columns are swapped: the swapped values fall in the study area "
        "and the given ones do not; corrected — check the file's column headers"]


def test_check_coordinates_swaps_one_row_and_names_it():
    lon, lat, _, problems, notes = _check([-73.25, -3.80], [-3.75, -73.30])
    assert lon.tolist() == [-73.25, -73.30] and lat.tolist() == [-3.75, -3.80]
    assert notes[0].startswith("latitude and longitude swapped in rows 2: ")
    assert problems == []


def test_check_coordinates_out_of_range_degrees():
    _, _, _, problems, notes = _check([-73.25, 200.0], [95.0, -3.75])
    assert [str(p) for p in problems] == [
        str(Problem("latitude 95.0 is outside −90…90", LABEL, 1, "lat",
                    "give degrees in WGS84 (e.g. −3.7481)")),
        str(Problem("longitude 200.0 is outside −180…180", LABEL, 2, "lon",
                    "give degrees in WGS84 (e.g. −73.2529)")),
    ]
    assert notes == []  # no "outside the study area" note on top of the problems


def test_check_coordinates_metres_are_recognised_as_projected():
    _, _, _, problems, _ = _check([694025.0], [9585523.0])
    assert [p.message for p in problems] == [
        "latitude 9585523.0 is outside −90…90",
        "longitude 694025.0 is outside −180…180",
        "the coordinates look like metres in a projected system, not degrees",
    ]


def test_check_coordinates_flags_far_points_without_a_problem():
    _, _, outside, problems, notes = _check([-73.25, -77.04], [-3.75, -12.05])
    assert outside.tolist() == [False, True] and problems == []
    assert notes == ["1 point(s) far outside the study area (rows 2): kept and flagged in "
                     "'outside_study_area'"]


# --------------------------------------------------------------------------- counts


def _counts(frame, *, required):
    problems: list[Problem] = []
    notes: list[Problem] = []
    people, groups = v.parse_counts(frame, "persons", "families", label=LABEL,
                                    problems=problems, notes=notes, required=required)
    return people, groups, [str(p) for p in problems], [str(n) for n in notes]


def test_parse_counts_estimates_each_from_the_other():
    frame = pd.DataFrame({"persons": ["", "10", "", "7"], "families": ["10", "", "3", "2"]})
    people, groups, problems, notes = _counts(frame, required=True)
    # round(10 × 4.7) = 47; round(3 × 4.7) = round(14.1) = 14; ceil(10 / 4.7) = ceil(2.13) = 3
    assert people.tolist() == [47, 10, 14, 7] and people.dtype == np.int64
    assert groups.tolist() == [10, 3, 3, 2] and groups.dtype == np.int64
    assert problems == []
    assert notes == ["persons of 2 row(s) estimated as families × 4.7",
                     "families of 1 row(s) estimated as persons / 4.7, rounded up"]


def test_parse_counts_negative_fractional_and_both_missing():
    frame = pd.DataFrame({"persons": ["-2", "4.5", ""], "families": ["1", "1", ""]})
    _, _, problems, _ = _counts(frame, required=True)
    assert problems == [
        str(Problem("-2.0 is negative", LABEL, 1, "persons", "give zero or a positive number")),
        str(Problem("4.5 is not a whole number", LABEL, 2, "persons", "give a count")),
        str(Problem("both persons and families are missing", LABEL, 3,
                    fix="give at least persons")),
    ]


def test_parse_counts_optional_blanks_are_zero_with_a_note():
    frame = pd.DataFrame({"persons": ["5", ""]})
    people, groups, problems, notes = _counts(frame, required=False)
    assert people.tolist() == [5, 0] and groups.tolist() == [2, 0]  # ceil(5 / 4.7) = 2
    assert problems == []
    assert notes == ["families of 1 row(s) estimated as persons / 4.7, rounded up",
                     "persons/families missing in 1 row(s): taken as 0"]


def test_parse_counts_without_columns():
    frame = pd.DataFrame({"name": ["A", "B"]})
    people, groups, problems, notes = _counts(frame, required=False)
    assert people.tolist() == [0, 0] and groups.tolist() == [0, 0] and problems == []
    assert notes == ["no persons/families columns: taken as 0"]
    _, _, problems, notes = _counts(frame, required=True)
    assert problems == [str(Problem("no persons and no families column", LABEL,
                                    fix="add a 'persons' (or 'families') column"))]
    assert notes == []


# --------------------------------------------------------------------------- ids and text


def test_make_ids_generates_blanks_and_makes_duplicates_unique():
    notes: list[Problem] = []
    ids = v.make_ids(pd.Series(["A1", " A1 ", "A1", "A1-2", None, 7.0]),
                     index=pd.RangeIndex(6), prefix="ALB", notes=notes)
    assert ids.tolist() == ["A1", "A1-3", "A1-4", "A1-2", "ALB-005", "7"]
    assert notes == [Problem.keyed("ids_generated", n=1),
                     Problem.keyed("ids_made_unique", renamed="A1→A1-3, A1→A1-4")]
    assert [str(n) for n in notes] == ["1 missing id(s) generated from the row number",
                                       "duplicate id(s) made unique: A1→A1-3, A1→A1-4"]
    assert [n.text("es") for n in notes] == [
        "1 código(s) faltante(s) generado(s) a partir del número de fila",
        "códigos repetidos hechos únicos: A1→A1-3, A1→A1-4"]


def test_make_ids_without_a_column_and_with_zero_padding():
    notes: list[Problem] = []
    ids = v.make_ids(None, index=pd.RangeIndex(2), prefix="COM", notes=notes)
    assert ids.tolist() == ["COM-001", "COM-002"]
    assert notes == [Problem.keyed("ids_generated", n=2)]
    ubigeo = v.make_ids(pd.Series([60108.0, "160112", "X-1"]), index=pd.RangeIndex(3),
                        prefix="D", notes=[], zero_pad=6)
    assert ubigeo.tolist() == ["060108", "160112", "X-1"]


def test_make_ids_names_ten_renamed_duplicates_at_most():
    notes: list[Problem] = []
    ids = v.make_ids(pd.Series(["A"] * 12), index=pd.RangeIndex(12), prefix="X", notes=notes)
    assert ids.tolist() == ["A", *(f"A-{k}" for k in range(2, 13))]
    assert [str(n) for n in notes] == ["duplicate id(s) made unique: "
                                       + ", ".join(f"A→A-{k}" for k in range(2, 12)) + " …"]


@pytest.mark.parametrize("cell, text", [
    (None, ""), (float("nan"), ""), (3.0, "3"), (3.5, "3.5"), ("  Belén ", "Belén"), (12, "12"),
])
def test_cell_text(cell, text):
    assert v.cell_text(cell) == text


def test_clean_text_takes_defaults_for_blanks_and_missing_columns():
    default = pd.Series(["ALB-001", "ALB-002"])
    assert v.clean_text(pd.Series([" x ", ""]), index=default.index,
                        default=default).tolist() == ["x", "ALB-002"]
    assert v.clean_text(None, index=default.index, default="").tolist() == ["", ""]


def test_format_rows():
    assert v.format_rows([2]) == "2"
    # no word of any language: the text goes into Spanish and English messages alike
    assert v.format_rows(list(range(1, 13))) == "1, 2, 3, 4, 5, 6, 7, 8, 9, 10 … (+2)"


# --------------------------------------------------------------------------- categories


def _categories(values, *, strict):
    problems: list[Problem] = []
    notes: list[Problem] = []
    got = v.parse_categories(values, schema.STATUS_ALIASES, "open", index=pd.RangeIndex(3),
                             column="status", label=LABEL, problems=problems, notes=notes,
                             strict=strict)
    return got.tolist(), problems, notes


def test_parse_categories_maps_spanish_words_and_blanks():
    got, problems, notes = _categories(pd.Series(["Cerrado", "", " PROPUESTO "]), strict=True)
    assert got == ["closed", "open", "proposed"] and problems == [] and notes == []


def test_parse_categories_strict_unknown_is_a_problem_per_row():
    _, problems, notes = _categories(pd.Series(["quizás", "abierto", "tal vez"]), strict=True)
    assert problems == [Problem.keyed("status_unknown", source=LABEL, row=1, column="status",
                                      value="quizás"),
                        Problem.keyed("status_unknown", source=LABEL, row=3, column="status",
                                      value="tal vez")]
    assert problems[0].message == "unknown status 'quizás'"
    assert problems[0].fix == "use one of: open, closed, proposed (or in Spanish)"
    assert problems[0].text("es").endswith(
        "estado desconocido 'quizás' — use uno de: abierto, cerrado, propuesto")
    assert notes == []


def test_parse_categories_lenient_unknown_becomes_the_default():
    got, problems, notes = _categories(pd.Series(["quizás", "abierto", "tal vez"]), strict=False)
    assert got == ["open", "open", "open"] and problems == []
    assert notes == [Problem.keyed("status_values_unknown", values="quizás, tal vez")]
    assert str(notes[0]) == ("unknown status value(s) quizás, tal vez taken as 'open' "
                             "(accepted: open, closed, proposed, or in Spanish)")


def test_parse_categories_without_a_column():
    got, problems, notes = _categories(None, strict=True)
    assert got == ["open", "open", "open"] and problems == []
    assert notes == [Problem.keyed("status_column_absent")]
    assert str(notes[0]) == "no 'status' column: every row taken as 'open'"
    assert notes[0].text("es") == ("no hay columna de estado: todas las filas se toman como "
                                   "'abierto'")


@pytest.mark.parametrize(("column", "aliases", "categories"), [
    ("status", schema.STATUS_ALIASES, schema.OPERATING_STATUSES),
    ("kind", schema.KIND_ALIASES, schema.CENTRE_KINDS),
])
@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_words_a_category_message_lists_are_read_as_every_category(column, aliases,
                                                                         categories, lang):
    """The accepted words the messages name (in each language) are read by the aliases of
    :mod:`geo.schema`, one per category: the messages cannot drift from what is read."""
    from geo.i18n import t

    listed = [t(f"fix.{column}_unknown", lang).split(": ", 1)[1].split(" (")[0],
              t(f"msg.{column}_values_unknown", lang, values="x").rsplit(" (", 1)[1]
              .split(": ", 1)[1].removesuffix(")").removesuffix(", or in Spanish")]
    for text in listed:
        words = text.split(", ")
        read = [aliases.get(schema.normalise_header(w)) for w in words]
        assert sorted(read) == sorted(categories), (words, read)
    default = {"status": "open", "kind": "other"}[column]
    quoted = t(f"msg.{column}_column_absent", lang).rsplit("'", 2)[1]
    assert aliases[schema.normalise_header(quoted)] == default
