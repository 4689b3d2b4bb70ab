"""A flood season: days flooded against a brute-force count on a hand-made 8-day series;
the same numbers on Dask's synchronous scheduler and on local clusters of 1 and 2 workers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
from conftest import TINY_CELL_M, TINY_CRS, TINY_ORIGIN_E, TINY_ORIGIN_N
from rasterio.transform import from_origin
from shapely.geometry import Point, box

from geo.cli import main
from geo.errors import InputError
from geo.flood import open_flood
from geo.season import (
    SeasonExtent,
    date_from_name,
    open_season,
    season,
    season_sources,
)

NODATA = -9999.0
THRESHOLD = 0.1
START = dt.date(2012, 3, 10)
# Communities as boxes of whole cells: (row0, row1, col0, col1), rows/cols end-exclusive.
CELLS = {"A": (0, 2, 0, 3), "B": (0, 3, 3, 6), "C": (4, 6, 0, 6)}
POP = {"A": 100.0, "B": 250.0, "C": 80.0}
DISTRICT = {"A": "D1", "B": "D1", "C": "D2"}
# Centres at cell centres (row, col); Z is outside every extent.
SITES = {"P1": (0, 0), "P2": (3, 3), "P3": (5, 5), "Z": (40, 40)}


def _xy(row: float, col: float) -> tuple[float, float]:
    return TINY_ORIGIN_E + col * TINY_CELL_M, TINY_ORIGIN_N - row * TINY_CELL_M


def _series() -> list[np.ndarray]:
    """Eight 6 × 6 days of depths (m) with nodata, and one shorter (rows 0–2 only) day."""
    rng = np.random.default_rng(8)
    days = []
    for _ in range(8):
        d = rng.choice(np.array([0.0, 0.05, 0.3, 1.2, NODATA], dtype=np.float32),
                       size=(6, 6), p=[0.3, 0.1, 0.25, 0.2, 0.15])
        days.append(d)
    days[1][0:2, 0:3] = NODATA                       # A not observed at all
    days[2][0:2, 0:3] = [[0.3, 0.3, 0.3], [0.0, 0.0, 0.05]]   # A exactly half wet: flooded
    days[3][0:2, 0:3] = [[0.3, 0.3, 0.0], [0.0, 0.0, NODATA]]  # 2 of 5 observed: dry
    days[4][0:3, 3:6] = 0.5                          # B all wet
    days[5][0:3, 3:6] = 0.0                          # B all dry: breaks its spell
    days[6] = days[6][0:3].copy()                    # C outside this extent: unobserved
    days[0][0, 0] = 0.3
    days[7][0, 0] = NODATA                           # P1 unobserved on the last day
    return days


@pytest.fixture
def extents(tmp_path: Path) -> list[SeasonExtent]:
    out = []
    for k, d in enumerate(_series()):
        path = tmp_path / f"gfm_{(START + dt.timedelta(days=k)).isoformat()}.tif"
        with rasterio.open(path, "w", driver="GTiff", width=d.shape[1], height=d.shape[0],
                           count=1, dtype="float32", crs=TINY_CRS, nodata=NODATA,
                           transform=from_origin(TINY_ORIGIN_E, TINY_ORIGIN_N, TINY_CELL_M,
                                                 TINY_CELL_M)) as ds:
            ds.write(d, 1)
        out.append(SeasonExtent(START + dt.timedelta(days=k),
                                open_flood(path, name=f"day{k}", kind="depth")))
    return out[::-1]  # any order in: sorted by date inside


@pytest.fixture
def communities() -> gpd.GeoDataFrame:
    geoms = []
    for r0, r1, c0, c1 in CELLS.values():
        (x0, y0), (x1, y1) = _xy(r1, c0), _xy(r0, c1)
        geoms.append(box(x0, y0, x1, y1))
    return gpd.GeoDataFrame({"community_id": list(CELLS), "district": list(DISTRICT.values()),
                             "population": list(POP.values())},
                            geometry=geoms, crs=TINY_CRS).to_crs("EPSG:4326")


@pytest.fixture
def centres() -> gpd.GeoDataFrame:
    pts = [Point(_xy(r + 0.5, c + 0.5)) for r, c in SITES.values()]
    return gpd.GeoDataFrame({"centre_id": list(SITES)}, geometry=pts, crs=TINY_CRS)


def _brute_force():
    """Per community and day: 'flooded', 'dry' or 'unobserved', and the flooded share; per
    centre and day the state — by looping over every cell of every day."""
    comm: dict[str, list[tuple[str, float]]] = {c: [] for c in CELLS}
    cent: dict[str, list[str]] = {p: [] for p in SITES}
    for d in _series():
        for name, (r0, r1, c0, c1) in CELLS.items():
            seen = wet = 0
            for r in range(r0, r1):
                for c in range(c0, c1):
                    if r < d.shape[0] and c < d.shape[1] and d[r, c] != NODATA:
                        seen += 1
                        wet += d[r, c] >= THRESHOLD
            if seen == 0:
                comm[name].append(("unobserved", float("nan")))
            else:
                comm[name].append(("flooded" if wet * 2 >= seen else "dry", wet / seen))
        for name, (r, c) in SITES.items():
            if r >= d.shape[0] or c >= d.shape[1] or d[r, c] == NODATA:
                cent[name].append("unobserved")
            else:
                cent[name].append("flooded" if d[r, c] >= THRESHOLD else "dry")
    return comm, cent


def _longest(states: list[str]) -> int:
    best = run = 0
    for s in states:
        if s == "flooded":
            run += 1
            best = max(best, run)
        elif s == "dry":
            run = 0
    return best


def test_days_flooded_equal_a_brute_force_count(extents, communities, centres):
    res = season(extents, communities, centres, threshold_m=THRESHOLD, scheduler="synchronous")
    comm, cent = _brute_force()
    dates = [(START + dt.timedelta(days=k)).isoformat() for k in range(8)]
    got = res.communities.set_index("community_id")
    for name, days in comm.items():
        states = [s for s, _ in days]
        flooded_dates = [dates[k] for k, s in enumerate(states) if s == "flooded"]
        row = got.loc[name]
        assert row["days_flooded"] == states.count("flooded"), name
        assert row["days_dry"] == states.count("dry"), name
        assert row["days_unobserved"] == states.count("unobserved"), name
        assert row["first_flooded"] == (flooded_dates[0] if flooded_dates else None)
        assert row["last_flooded"] == (flooded_dates[-1] if flooded_dates else None)
        assert row["longest_spell_days"] == _longest(states), name
        shares = [(sh, k) for k, (s, sh) in enumerate(days) if s != "unobserved"]
        peak = max(sh for sh, _ in shares)
        assert row["peak_flooded_share"] == pytest.approx(peak, rel=1e-12)
        assert row["peak_date"] == dates[min(k for sh, k in shares if sh == peak)]
    # the hand-made cases are really there
    assert [s for s, _ in comm["A"]][1:4] == ["unobserved", "flooded", "dry"]
    assert comm["C"][6][0] == "unobserved"
    gotc = res.centres.set_index("centre_id")
    for name, states in cent.items():
        assert gotc.loc[name, "days_flooded"] == states.count("flooded"), name
        assert gotc.loc[name, "days_unobserved"] == states.count("unobserved"), name
    assert gotc.loc["Z", "days_unobserved"] == 8
    assert cent["P1"][7] == "unobserved"
    # district timeline: Σ population × flooded share of observed communities
    tl = res.timeline.set_index(["date", "district"])
    for k, day in enumerate(dates):
        expected = sum(POP[c] * comm[c][k][1] for c in ("A", "B")
                       if comm[c][k][0] != "unobserved")
        unobserved = sum(POP[c] for c in ("A", "B") if comm[c][k][0] == "unobserved")
        assert tl.loc[(day, "D1"), "population_exposed"] == pytest.approx(expected, rel=1e-12)
        assert tl.loc[(day, "D1"), "population_unobserved"] == unobserved
    assert tl.loc[(dates[6], "D2"), "communities_unobserved"] == 1
    assert list(res.daily.columns) == ["community_id", "date", "state", "flooded_share",
                                       "observed_share"]
    assert res.day(START + dt.timedelta(days=1)).set_index("community_id").loc[
        "A", "state"] == "unobserved"


def test_one_and_two_workers_and_the_synchronous_scheduler_agree(extents, communities,
                                                                  centres):
    from geo.distributed import executor

    results = [season(extents, communities, centres, threshold_m=THRESHOLD,
                      scheduler="synchronous"),
               season(extents, communities, centres, threshold_m=THRESHOLD, workers=1)]
    with executor(workers=2) as two:
        assert two.workers == 2
        results.append(season(extents, communities, centres, threshold_m=THRESHOLD, run=two))
        # tiles of 3 × 3 cells: several tasks per extent, reduced the same way
        results.append(season(extents, communities, centres, threshold_m=THRESHOLD, run=two,
                              tile_cells=3))
    assert results[-1].tasks > results[2].tasks > results[0].tasks  # tiles; batches of 1
    for other in results[1:]:
        pd.testing.assert_frame_equal(results[0].communities, other.communities,
                                      check_exact=True)
        pd.testing.assert_frame_equal(results[0].centres, other.centres, check_exact=True)
        pd.testing.assert_frame_equal(results[0].timeline, other.timeline, check_exact=True)
        pd.testing.assert_frame_equal(results[0].daily, other.daily, check_exact=True)


def test_sources_from_pairs_folders_globs_and_csv(tmp_path):
    for name in ("gfm_20120301.tif", "gfm_2012-03-02.tif", "notes.txt"):
        (tmp_path / name).write_bytes(b"")
    (tmp_path / "list.csv").write_text("date,path\n2012-03-05,gfm_2012-03-02.tif\n",
                                       encoding="utf-8")
    folder = season_sources([str(tmp_path)])
    assert [d.isoformat() for d, _ in folder] == ["2012-03-01", "2012-03-02"]
    pattern = season_sources([str(tmp_path / "gfm_2012*")])
    assert [p.name for _, p in pattern] == ["gfm_20120301.tif", "gfm_2012-03-02.tif"]
    csv = season_sources([str(tmp_path / "list.csv")])
    assert csv == [(dt.date(2012, 3, 5), tmp_path / "gfm_2012-03-02.tif")]
    pair = season_sources([f"2012-02-29={tmp_path / 'gfm_20120301.tif'}"])
    assert pair[0][0] == dt.date(2012, 2, 29)
    assert date_from_name("GFM_E060N084T3_20120315T101530.tif") == dt.date(2012, 3, 15)
    with pytest.raises(InputError, match="two extents for 2012-03-01"):
        season_sources([str(tmp_path), f"2012-03-01={tmp_path / 'gfm_2012-03-02.tif'}"])
    with pytest.raises(InputError, match="no date in the file name"):
        season_sources([str(tmp_path / "notes.txt")])


def test_cli_writes_the_three_layers_and_a_chart(extents, communities, centres, tmp_path):
    communities.to_file(tmp_path / "c.gpkg")
    centres.to_file(tmp_path / "a.gpkg")
    out = tmp_path / "out" / "season.gpkg"
    folder = Path(extents[0].scenario.raster.path).parent
    code = main(["season", "--flood", str(folder / "gfm_2012-03-1*.tif"),
                 "--communities", str(tmp_path / "c.gpkg"), "--centres", str(tmp_path / "a.gpkg"),
                 "--scheduler", "synchronous", "--out", str(out)])
    assert code == 0
    import pyogrio

    assert [n for n, _ in pyogrio.list_layers(out)] == ["communities_season", "centres_season",
                                                       "district_timeline"]
    layer = gpd.read_file(out, layer="communities_season").set_index("community_id")
    comm, _ = _brute_force()
    assert layer.loc["B", "days_flooded"] == [s for s, _ in comm["B"]].count("flooded")
    assert (out.parent / "season_timeline.png").read_bytes()[:4] == b"\x89PNG"
    _, notes = open_season([(START, folder / f"gfm_{START.isoformat()}.tif")])
    assert "guessed as 'depth'" in str(notes[0])
    assert "deducido como 'profundidad'" in notes[0].text("es")


def test_the_app_temporada_view_shows_the_sample_as_a_season():
    from streamlit.testing.v1 import AppTest

    from geo.i18n import t

    app = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"),
                            default_timeout=180).run()
    app = app.radio(key="view_es").set_value("season").run()
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]
    metrics = {m.label: m.value for m in app.metric}
    assert metrics[t("season_metric_days", "es")] == "3"
    app = app.radio(key="season_map_mode").set_value("day").run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.select_slider(key="season_date").value == "2012-03-03"
