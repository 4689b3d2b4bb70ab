"""The standalone HTML map (``layers.html``, handed to the exporter): escaped, self-contained
layers, and drawn by headless Chromium.

The browser test opens the exported file from a ``file://`` URL with every request that would
leave the machine aborted, as on a laptop with no connection: the file must carry every script,
style and image it needs.
"""

from __future__ import annotations

import json
import shutil

import geopandas as gpd
import pytest
from shapely.geometry import Point

from geo import export as ex
from geo.errors import InputError
from geo.flood import open_flood
from geo.provenance import build_provenance
from layers import html as layers_html
from layers.html import WRITERS

NAME = 'Colegio "Ñuñoa" <b>&amp;</b> <script>window.pwned=1</script>'


@pytest.fixture
def flood(write_tif, tiny_depth):
    return open_flood(write_tif(tiny_depth, "depth.tif"), name="118.6 m", kind="depth")


@pytest.fixture
def layers(tiny_centres, tiny_communities):
    centres = tiny_centres.copy()
    centres.loc[0, "name"] = NAME
    centres["scenario"] = "118.6 m"
    centres["depth_m"] = [0.0, 0.3, 1.0, 2.0]
    centres["flood_status"] = ["dry", "flooded", "flooded", "flooded"]
    communities = tiny_communities.assign(scenario="118.6 m", flooded_fraction=[0.0, 1.0],
                                          pop_exposed=[0.0, 800.0], displaced_est=[0.0, 400.0])
    return {"centres_exposure": centres, "communities_exposure": communities}


@pytest.fixture
def prov():
    return build_provenance({}, scenario="118.6 m", is_sample=True)


def test_html_embeds_layers_escaped_with_provenance(tmp_path, layers, flood, prov):
    out = ex.export(layers, tmp_path / "map.html", provenance=prov, flood=flood, lang="en",
                    writers=WRITERS)
    assert out == tmp_path / "map.html"
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".html"] == ["map.html"]
    page = out.read_text("utf-8")
    assert "<script>window.pwned=1</script>" not in page
    # Folium stores layer data as JSON, where accented letters are \u-escaped.
    assert json.dumps("Ñuñoa")[1:-1] in page and "data:image/png;base64," in page
    start = page.index('id="crecida-provenance">') + len('id="crecida-provenance">')
    assert json.loads(page[start:page.index("</script>", start)]) == prov.to_dict()
    assert "SYNTHETIC SAMPLE DATA" in page


def test_html_shows_one_scenario(tmp_path, layers, prov):
    other = layers["centres_exposure"].assign(scenario="116.0 m",
                                              name="Only in the low scenario")
    both = {**layers, "centres_exposure": gpd.pd.concat([other, layers["centres_exposure"]])}
    page = ex.export(both, tmp_path / "map.html", provenance=prov,
                     writers=WRITERS).read_text("utf-8")
    assert "Only in the low scenario" not in page


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.browser
def test_html_opens_from_disk_with_the_map_drawn(tmp_path, layers, flood, prov):
    import browser_app
    from playwright import sync_api

    out = ex.export(layers, tmp_path / "map.html", provenance=prov, flood=flood, lang="es",
                    writers=WRITERS)
    with sync_api.sync_playwright() as p:
        browser = browser_app.launch(p)
        try:
            context = browser.new_context()
            attempted = browser_app.cut_network(context)
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(out.as_uri())
            page.wait_for_selector(".leaflet-container", timeout=15_000)
            page.wait_for_selector("img.crecida-flood", state="attached", timeout=15_000)
            markers = page.locator("path.leaflet-interactive")
            markers.first.wait_for(state="attached", timeout=15_000)
            # 4 centres and 2 communities are drawn as SVG paths.
            assert markers.count() >= len(layers["centres_exposure"]) + 2
            assert page.evaluate("typeof window.pwned") == "undefined"
            legend = page.locator(".crecida-legend, .legend").first.inner_text()
            assert "Inundado" in legend
        finally:
            browser.close()
    assert not errors, errors
    assert attempted == [], attempted


def test_missing_point_layer_still_exports(tmp_path, prov):
    only = {"districts": gpd.GeoDataFrame({"name": ["Belén"]},
                                          geometry=[Point(-73.25, -3.75).buffer(0.01)],
                                          crs=4326)}
    page = ex.export(only, tmp_path / "d.html", provenance=prov,
                     writers=WRITERS).read_text("utf-8")
    assert "Belén" in page or "Bel\\u00e9n" in page


def test_html_without_its_writer_is_a_clear_error(tmp_path, layers, prov):
    with pytest.raises(InputError, match="HTML map writer was not provided"):
        ex.export(layers, tmp_path / "map.html", provenance=prov)
    assert not list(tmp_path.iterdir())


def test_writer_keyed_by_extension_is_used(tmp_path, layers, prov):
    calls = []

    def fake(frames, out, **options):
        calls.append((sorted(frames), options["lang"], options["threshold_m"]))
        out.write_text("ok", encoding="utf-8")
        return out

    out = ex.export(layers, tmp_path / "m.htm", provenance=prov, writers={".htm": fake},
                    lang="en", threshold_m=0.3)
    assert out.read_text("utf-8") == "ok"
    assert calls == [(["centres_exposure", "communities_exposure"], "en", 0.3)]


def test_the_command_line_finds_the_html_writer_registered_by_layers(tmp_path, capsys):
    from geo.cli import export_writers, main

    assert export_writers()["html"] is layers_html.write_html
    out = tmp_path / "mapa.html"
    assert main(["export", "--out", str(out)]) == 0
    assert "crecida-provenance" in out.read_text("utf-8")
    assert str(out) in capsys.readouterr().out
