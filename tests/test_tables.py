"""Numbers written the Spanish or English way (geo.format) and tables a planner reads
(geo.tables): labels for codes, whole persons, empty cells where a value does not apply."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geo.format import format_number, format_percent, format_quantity, format_shortest
from geo.i18n import t
from geo.tables import (
    assignments_table,
    capacity_table,
    centres_table,
    compare_table,
    label,
    needs_table,
    scenario_label,
    season_centres_table,
    season_communities_table,
)


@pytest.mark.parametrize(("value", "lang", "decimals", "expected"), [
    (49732.4, "es", 0, "49\u00a0732"), (49732.4, "en", 0, "49,732"),
    (4500, "es", 0, "4500"),  # RAE: four digits are not grouped
    (4500, "en", 0, "4,500"), (1234567.891, "es", 1, "1\u00a0234\u00a0567,9"),
    (0.72, "es", 1, "0,7"), (0.72, "en", 1, "0.7"), (0.5, "es", 0, "1"), (2.5, "en", 0, "3"),
    (-0.04, "es", 1, "0,0"), (-1200.0, "en", 0, "-1,200"), (np.int64(77), "es", 0, "77"),
    ("12.5", "en", 1, "12.5"), (None, "es", 0, ""), (float("nan"), "es", 0, ""),
    (pd.NA, "en", 0, ""), (True, "es", 0, ""), ("abc", "es", 0, ""),
])
def test_format_number(value, lang, decimals, expected):
    assert format_number(value, lang, decimals=decimals) == expected


def test_quantities_and_percentages():
    assert format_quantity(0.72, "m", "es", decimals=1) == "0,7\u00a0m"
    assert format_quantity(None, "m", "es", missing="–") == "–"
    assert format_percent(0.453, "es") == "45\u00a0%" and format_percent(0.453, "en") == "45%"


def test_labels_and_scenario_names():
    assert label("reason", "over_capacity", "es") == t("reason_over_capacity", "es")
    assert label("reason", None, "es") == "" and label("reason", "", "es") == ""
    assert label("reason", "made_up", "es") == "made_up"
    assert scenario_label("117.0 m – red alert", "es") == "117,0 m – alerta roja"
    assert scenario_label("117.0 m – red alert", "en") == "117.0 m – red alert"


def test_centres_table_leaves_out_what_does_not_apply():
    centres = pd.DataFrame({
        "centre_id": ["a", "b"], "name": ["Colegio", "Iglesia"], "kind": ["school", None],
        "district": ["Belén", None], "families": [10, 3], "persons": [47.4, 14.1],
        "capacity_persons": [np.nan, 40], "flood_status": ["flooded", "dry"],
        "depth_m": [0.734, 0.0], "dist_to_flood_m": [0.0, 88.6], "status": ["open", "closed"]})
    shown = centres_table(centres, "es").display()
    assert list(shown.columns) == [t(f"col_{c}", "es") for c in (
        "centre_id", "name", "kind", "district", "families", "persons", "capacity_persons",
        "flood_status", "depth_m", "dist_to_flood_m", "status")]
    assert shown.iloc[0].tolist() == ["a", "Colegio", "Colegio", "Belén", "10", "47", "",
                                      "Inundado", "0,73", "", "Abierto"]
    assert shown.iloc[1].tolist() == ["b", "Iglesia", "", "", "3", "14", "40", "Seco", "",
                                      "89", "Cerrado"]
    numbers = centres_table(centres, "es").frame
    assert numbers[t("col_persons", "es")].tolist() == [47.0, 14.0]  # sorts by value


def test_capacity_table_has_no_spare_capacity_for_a_centre_that_takes_no_one():
    capacity = pd.DataFrame({
        "centre_id": ["a", "b"], "name": ["A", "B"], "status": ["open", "open"],
        "flood_status": ["flooded", "dry"], "operational": [False, True],
        "capacity_persons": [175.0, 38.0], "persons": [72.0, 54.0], "incoming": [0.0, 3.6],
        "spare": [103.0, -19.6], "overcrowded": [False, True]})
    shown = capacity_table(capacity, "es").display()
    row_a, row_b = shown.iloc[0], shown.iloc[1]
    for header in ("col_incoming", "col_spare_capacity", "col_overcrowded"):
        assert row_a[t(header, "es")] == ""
    assert (row_b[t("col_incoming", "es")], row_b[t("col_spare_capacity", "es")],
            row_b[t("col_overcrowded", "es")]) == ("4", "-20", "Sí")


def test_assignments_table_words_and_empty_cells():
    assignments = pd.DataFrame({
        "name": ["Belén Bajo", "Padre Cocha"], "demand_persons": [1710.25, 60.0],
        "centre_name": ["I.E. 60206", None], "assigned_persons": [103.0, 0.0],
        "distance_m": [470.67, 4715.5], "travel_min": [7.0600763, 70.7329],
        "unserved_persons": [1607.25, 60.0], "unserved_reason": ["over_capacity", "too_far"]})
    shown = assignments_table(assignments, "es").display()
    assert shown.iloc[0].tolist() == ["Belén Bajo", "1710", "I.E. 60206", "103", "471", "7",
                                      "1607", t("reason_over_capacity", "es")]
    assert shown.iloc[1][t("col_assigned_centre", "es")] == ""
    assert shown.iloc[1][t("col_unserved_reason", "es")] == t("reason_too_far", "es")


def test_needs_and_compare_tables_in_spanish():
    needs = pd.DataFrame({"item": ["latrines", "custom"], "quantity": [1991.2, 3.0],
                          "unit": ["latrines", "boxes"], "source": ["Sphere", "ours"]})
    shown = needs_table(needs, "es").display()
    assert shown.iloc[0].tolist() == [t("need_latrines", "es"), "1992",
                                      t("need_unit.latrines", "es"),
                                      t("need_source.latrines", "es")]
    assert shown.iloc[1].tolist() == ["custom", "3", "boxes", "ours"]  # a custom item as given
    summary = pd.DataFrame({"scenario": ["117.0 m – red alert"] * 2,
                            "metric": ["pop_exposed", "centres_flooded"],
                            "value": [30276.4, 4.0]})
    compare = compare_table(summary, ["117.0 m – red alert"], "es").display()
    assert list(compare.columns) == [t("col_metric", "es"), "117,0 m – alerta roja"]
    assert compare.set_index(t("col_metric", "es")).loc[
        t("metric_pop_exposed", "es")].tolist() == ["30\u00a0276"]


def test_season_tables_read_as_words_whole_days_and_percent():
    communities = pd.DataFrame({
        "community_id": ["C1", "C2"], "name": ["Belén Bajo", "Padre Cocha"],
        "district": ["Belén", "Punchana"], "population": [12345.4, 60.0],
        "days_total": [8, 8], "days_flooded": [5, 0], "days_dry": [2, 6],
        "days_unobserved": [1, 2], "first_flooded": ["2012-04-02", None],
        "last_flooded": ["2012-04-08", None], "longest_spell_days": [4, 0],
        "peak_flooded_share": [0.875, 0.0], "peak_date": ["2012-04-05", None]})
    es = season_communities_table(communities, "es")
    assert list(es.frame.columns) == [t(k, "es") for k in (
        "col_community_id", "col_name", "col_district", "col_population", "col_days_flooded",
        "col_days_dry", "col_days_unobserved", "col_first_flooded", "col_last_flooded",
        "col_longest_spell_days", "col_peak_flooded_share", "col_peak_date")]
    assert es.display().iloc[0].tolist() == [
        "C1", "Belén Bajo", "Belén", "12\u00a0345", "5", "2", "1", "2012-04-02", "2012-04-08",
        "4", "88", "2012-04-05"]  # 0.875 → 87.5 % → 88 (half away from zero)
    assert es.display().iloc[1].tolist()[7:] == ["", "", "0", "0", ""]
    assert season_communities_table(communities, "en").display().iloc[0, 3] == "12,345"
    centres = pd.DataFrame({"centre_id": ["A1"], "name": ["I.E. 601675"], "district": ["Belén"],
                            "persons": [72], "days_flooded": [2], "days_dry": [5],
                            "days_unobserved": [1], "first_flooded": ["2012-04-03"],
                            "last_flooded": ["2012-04-04"]})
    shown = season_centres_table(centres, "es").display()
    assert shown.columns[4] == "Días con inundación"
    assert shown.iloc[0].tolist() == ["A1", "I.E. 601675", "Belén", "72", "2", "5", "1",
                                      "2012-04-03", "2012-04-04"]


@pytest.mark.parametrize(("value", "lang", "expected"), [
    (0.5, "es", "0,5"), (0.5, "en", "0.5"), (117.85, "es", "117,85"), (2.0, "es", "2"),
    (12345.0, "es", "12\u00a0345"), (12345.0, "en", "12,345"), (1e-7, "es", "1e-07"),
    (None, "es", ""), (float("nan"), "en", ""),
])
def test_format_shortest_keeps_the_decimals_a_number_has(value, lang, expected):
    assert format_shortest(value, lang) == expected
