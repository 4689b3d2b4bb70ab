"""Provenance: hashes, parameters, version and time, as written into every export."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest

from geo import provenance as pv


def test_build_records_names_hashes_and_unreadable_files(tmp_path):
    good = tmp_path / "sub" / "centros ñ.csv"
    good.parent.mkdir()
    good.write_bytes(b"abc")
    prov = pv.build_provenance(
        {"centres": good, "flood:118.6 m": tmp_path / "missing.tif"},
        parameters={"threshold_m": 0.1, "classes": (0.1, 0.5)}, scenario="118.6 m",
        producer="OIM", now=dt.datetime(2026, 11, 23, 10, 0, 5),
    )
    assert prov.inputs == (
        pv.InputRecord("centres", "centros ñ.csv", hashlib.sha256(b"abc").hexdigest(), 3),
        pv.InputRecord("flood:118.6 m", "missing.tif", None, None),
    )
    assert prov.created_utc == "2026-11-23T10:00:05Z"
    data = json.loads(prov.to_json())
    assert data["parameters"] == {"threshold_m": 0.1, "classes": [0.1, 0.5]}
    assert data["scenario"] == "118.6 m" and data["software"] == "Crecida"
    assert str(tmp_path) not in prov.to_json()  # file names only, never a machine's path


def test_times_are_converted_to_utc():
    lima = dt.timezone(dt.timedelta(hours=-5))
    prov = pv.build_provenance(now=dt.datetime(2026, 11, 23, 7, 0, tzinfo=lima))
    assert prov.created_utc == "2026-11-23T12:00:00Z"


def test_version_is_written_once_and_the_package_takes_it_from_there():
    import tomllib
    from pathlib import Path

    import geo

    pyproject = tomllib.loads((Path(pv.__file__).resolve().parent.parent
                               / "pyproject.toml").read_text())
    assert pyproject["project"]["dynamic"] == ["version"]
    assert pyproject["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "geo.__version__"}
    assert pv.crecida_version() == geo.__version__


@pytest.mark.parametrize(("is_sample", "warned"), [(True, True), (False, False)])
def test_readme_text(is_sample, warned):
    prov = pv.Provenance(inputs=(pv.InputRecord("centres", "a.csv", "ff" * 32, 3),),
                         parameters={"radius_m": 250}, scenario="117 m", is_sample=is_sample,
                         version="9.9", created_utc="2026-01-01T00:00:00Z")
    text = prov.to_text()
    assert ("SYNTHETIC SAMPLE DATA" in text) is warned
    assert "Crecida 9.9 at 2026-01-01T00:00:00Z" in text
    assert "centres: a.csv  " + "ff" * 32 in text
    assert "radius_m = 250" in text and "Scenario: 117 m" in text
    assert "not yet validated in the field" in text


def test_rows_for_the_attribute_table():
    prov = pv.Provenance(inputs=(pv.InputRecord("dem", "dem.tif", None, None),),
                         parameters={"threshold_m": 0.1}, version="1", created_utc="t")
    rows = dict(prov.to_rows())
    assert rows["parameter:threshold_m"] == "0.1"
    assert rows["input:dem"] == "dem.tif sha256=unreadable"
    assert rows["is_sample"] == "false"
