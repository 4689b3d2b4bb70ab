"""Field mode: every map library served by Crecida itself, a one-file HTML map, offline default.

The browser tests cut the network (every request that leaves the machine is aborted, nothing is
emulated) and fail if any request to another host is attempted.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from layers import assets
from layers.assets import APP_STATIC_URL, AssetError, inline_assets, local_url
from layers.basemap import online_tiles_enabled
from layers.map import build_map

ROOT = Path(__file__).resolve().parent.parent
MAX_EXPORT_BYTES = 5_000_000
"""Target size of the standalone sample map (issue 11)."""


def _links(html: str) -> list[str]:
    return re.findall(r"""<(?:script|link)\b[^>]*?(?:src|href)=["']([^"']+)["']""", html)


# --------------------------------------------------------------------------- the manifest
def test_every_script_and_style_sheet_of_every_map_is_local(tiny_centres):
    html = build_map(lang="es", centres=tiny_centres, draw=True).get_root().render()
    links = _links(html)
    assert len(links) == 9  # Leaflet js+css, jQuery, fullscreen, measure, draw (js+css each)
    assert all(link.startswith(APP_STATIC_URL) for link in links), links
    assert "http://" not in " ".join(links) and "https://" not in " ".join(links)


def test_the_optimisers_markers_need_no_extra_library(tiny_centres):
    from layers.sites import sites_layer

    sites = tiny_centres.assign(rank=[1, 2, 3, 4], covered_weight=1.0, mean_distance_m=1.0,
                                reason="test")
    plain = build_map(lang="es", centres=tiny_centres).get_root().render()
    html = build_map(lang="es", centres=tiny_centres,
                     top_layers=[sites_layer(sites, lang="es")]).get_root().render()
    assert "crecida-site" in html  # HTML markers (L.divIcon): plain Leaflet
    assert _links(html) == _links(plain)


def test_unknown_cdn_files_are_refused_and_unneeded_ones_dropped():
    with pytest.raises(AssetError, match="does not serve"):
        local_url("https://unpkg.com/leaflet@1.9.4/dist/leaflet.js")
    assert local_url("https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/css/"
                     "bootstrap.min.css") is None
    assert local_url("https://code.jquery.com/jquery-3.7.1.min.js") == (
        APP_STATIC_URL + "jquery@3.7.1/dist/jquery.min.js")


def test_folium_classes_keep_their_cdn_lists(tiny_centres):
    import folium

    build_map(lang="es", centres=tiny_centres)
    assert folium.Map.default_js[0][1].startswith("https://")


def test_pins_agree_between_package_json_lock_and_manifest():
    package = json.loads((ROOT / "package.json").read_text("utf-8"))
    lock = json.loads((ROOT / "package-lock.json").read_text("utf-8"))
    pinned = {p.name: p.version for p in assets.PACKAGES}
    assert package["dependencies"] == pinned
    for name, version in pinned.items():
        assert lock["packages"][f"node_modules/{name}"]["version"] == version
    assert "resolved" not in json.dumps(lock)  # no registry address in the repository


def test_licences_file_lists_every_served_package():
    text = (ROOT / "THIRD_PARTY_LICENSES").read_text("utf-8")
    assert text.strip() == assets.licences_text().strip()
    for package in assets.PACKAGES:
        assert f"{package.name} {package.version}" in text


def test_every_served_file_is_installed_with_its_licence():
    """``make`` installs the libraries (npm ci + python -m layers.assets install)."""
    assert assets.missing_files() == []
    for package in assets.PACKAGES:
        if package.licence_file:
            assert (assets.VENDOR_DIR / package.folder / package.licence_file).is_file()


# --------------------------------------------------------------------------- inlining
@pytest.fixture
def vendor(tmp_path):
    root = tmp_path / "vendor"
    (root / "lib@1.0" / "img").mkdir(parents=True)
    (root / "lib@1.0" / "a.js").write_text('var s = "</script>";', encoding="utf-8")
    (root / "lib@1.0" / "a.css").write_text(".x{background:url(img/dot.png)}"
                                            '.y{background:url("data:,")}', encoding="utf-8")
    (root / "lib@1.0" / "img" / "dot.png").write_bytes(b"PNG!")
    return root


def test_inline_assets_puts_scripts_styles_and_images_in_the_page(vendor):
    page = (f'<head><script src="{APP_STATIC_URL}lib@1.0/a.js"></script>'
            f'<link rel="stylesheet" href="{APP_STATIC_URL}lib@1.0/a.css"/>'
            '<link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/'
            'css/bootstrap.min.css"/>'
            '<script>var keep = 1;</script></head>'
            f'<body><img src="{APP_STATIC_URL}lib@1.0/img/dot.png"></body>')
    out = inline_assets(page, vendor_dir=vendor)
    assert out == (
        '<head><script>var s = "<\\/script>";\n</script>'
        '<style>.x{background:url("data:image/png;base64,UE5HIQ==")}'
        '.y{background:url("data:,")}\n</style>'
        '<script>var keep = 1;</script></head>'
        '<body><img src="data:image/png;base64,UE5HIQ=="></body>')


def test_inline_assets_refuses_what_it_cannot_serve(vendor):
    with pytest.raises(AssetError, match="does not serve"):
        inline_assets('<script src="https://example.org/x.js"></script>', vendor_dir=vendor)
    with pytest.raises(AssetError, match="not installed"):
        inline_assets(f'<script src="{APP_STATIC_URL}lib@1.0/gone.js"></script>',
                      vendor_dir=vendor)


# --------------------------------------------------------------------------- offline default
@pytest.mark.parametrize(("value", "online"), [(None, False), ("1", False), ("0", True),
                                               ("false", True), ("yes", False)])
def test_offline_is_the_default(monkeypatch, value, online, tiny_centres):
    if value is None:
        monkeypatch.delenv("CRECIDA_OFFLINE", raising=False)
    else:
        monkeypatch.setenv("CRECIDA_OFFLINE", value)
    assert online_tiles_enabled() is online
    html = build_map(lang="es", centres=tiny_centres).get_root().render()
    assert ("tile.openstreetmap.org" in html) is online
    assert ('"tileerror"' in html) is online  # the fallback comes with the tiles


def test_settings_flag_allows_tiles_without_the_variable(monkeypatch):
    from geo import settings

    monkeypatch.delenv("CRECIDA_OFFLINE", raising=False)
    monkeypatch.setattr(settings, "ONLINE_TILES", True)
    assert online_tiles_enabled()


def test_background_and_place_names_come_from_the_loaded_layers(tiny_centres,
                                                                tiny_communities):
    html = build_map(lang="en", centres=tiny_centres,
                     communities=tiny_communities).get_root().render()
    assert "Study area (offline)" in html and "crecida-land" in html
    # The name is escaped for HTML, then for JSON (& as \u0026), and never raw.
    assert "Community names" in html and "Wet \\u0026lt;b\\u0026gt;side" in html
    assert "Wet <b>side</b>" not in html


# --------------------------------------------------------------------------- in a browser
def _open_offline(path: Path, *, until: str):
    """Open ``path`` in Chromium with the network cut; returns (page facts, attempted, errors)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    import browser_app

    if browser_app.chromium_path() is None:
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)")
    with sync_api.sync_playwright() as pw:
        browser = browser_app.launch(pw)
        try:
            context = browser.new_context(viewport={"width": 1200, "height": 800})
            attempted = browser_app.cut_network(context)
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(path.as_uri())
            page.wait_for_selector(until, state="attached", timeout=20_000)
            page.wait_for_timeout(500)
            facts = page.evaluate("""() => ({
                centres: document.querySelectorAll("path.crecida-centre").length,
                background: document.querySelectorAll("path.crecida-land").length,
                flood: [...document.querySelectorAll("img.crecida-flood")]
                    .filter(i => i.complete && i.naturalWidth > 0).length,
                legend: (document.querySelector(".crecida-legend") || {}).innerText || "",
                note: [...document.querySelectorAll(".crecida-offline-note")]
                    .map(n => n.innerText),
                tiles: document.querySelectorAll(".crecida-online-tiles").length,
                mapHeight: document.querySelector(".leaflet-container").clientHeight,
            })""")
            browser_app.ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(browser_app.ARTIFACTS / f"offline_{path.stem}.png"))
        finally:
            browser.close()
    return facts, attempted, errors


@pytest.fixture(scope="module")
def sample_map_args():
    from geo.exposure import assess
    from geo.inputs import load_sample
    from layers.flood import flood_overlay

    inputs = load_sample()
    name = list(inputs.scenarios)[-1]
    result = assess(inputs.centres, inputs.communities, inputs.scenarios)
    return dict(centres=result.centres[result.centres["scenario"] == name],
                communities=result.communities[result.communities["scenario"] == name],
                flood=flood_overlay(inputs.scenarios[name]), flood_name=name,
                districts=inputs.districts, rivers=inputs.rivers)


@pytest.mark.browser
def test_the_one_file_sample_map_works_from_disk_with_no_network(tmp_path, sample_map_args):
    page = inline_assets(build_map(lang="es", **sample_map_args).get_root().render())
    assert len(page.encode("utf-8")) <= MAX_EXPORT_BYTES
    assert _links(page) == []
    out = tmp_path / "mapa_crecida.html"
    out.write_text(page, encoding="utf-8")
    facts, attempted, errors = _open_offline(out, until="path.crecida-centre")
    assert attempted == [], attempted
    assert errors == []
    assert facts["centres"] == 77 and facts["flood"] == 1 and facts["background"] > 0
    assert "Profundidad" in facts["legend"] or "Albergues" in facts["legend"]
    assert facts["mapHeight"] > 300


@pytest.mark.browser
def test_unreachable_web_tiles_fall_back_to_the_offline_background_once(tmp_path,
                                                                        tiny_centres):
    page = inline_assets(build_map(lang="es", centres=tiny_centres, tiles=True)
                         .get_root().render())
    out = tmp_path / "tiles_on.html"
    out.write_text(page, encoding="utf-8")
    facts, attempted, errors = _open_offline(out, until=".crecida-offline-note")
    assert attempted and all("openstreetmap" in url for url in attempted)  # only the tiles
    assert errors == []
    assert len(facts["note"]) == 1 and "Sin conexión" in facts["note"][0]
    assert facts["tiles"] == 0 and facts["background"] > 0


# --------------------------------------------------------------------------- the app
def test_the_app_says_in_spanish_why_the_map_cannot_draw(monkeypatch):
    """Map libraries missing: a message where the map would be, not an empty space."""
    from streamlit.testing.v1 import AppTest

    from geo.i18n import t

    monkeypatch.setitem(assets.CDN_FILES, "https://example.invalid/missing.js",
                        "nothing@0/missing.js")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180).run()
    assert not at.exception, [e.value for e in at.exception]
    expected = t("map_cannot_draw", "es", reason=t("map_assets_missing", "es"))
    assert [e.value for e in at.error] == [expected]
