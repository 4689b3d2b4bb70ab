"""The app in a real browser, with the network cut: Debian's headless Chromium drives
``streamlit run app.py`` and every request that leaves the machine is aborted — nothing is
emulated. The app must serve its map libraries itself (``static/vendor/``, installed by
``make``); every test fails if a request to another host is even attempted, if the page throws
an error, or if the map does not draw with its background and legend. Screenshots are saved
under ``artifacts/`` (git-ignored) for people to look at.

CI needs: ``apt-get install -y chromium npm`` (Debian's Chromium; npm for ``make``), and the
Python requirements (playwright). No ``playwright install`` is needed.

Every page is opened at 1366 × 768, the planners' laptop screen: in both languages the map's
top edge is on the first screen in every view, community and centre tooltips open on hover with
the district boundaries on, a drawn area leaves the map's view where it was, and the
optimiser's markers open their popups when clicked.
"""

from __future__ import annotations

import os

import pandas as pd
import pytest

pytestmark = pytest.mark.browser

playwright_sync = pytest.importorskip("playwright.sync_api")

import browser_app as app  # noqa: E402  (after the importorskip)
from conftest import XSS_NAME  # noqa: E402
from wording import foreign_words  # noqa: E402

import geo.inputs  # noqa: E402
from geo.i18n import t  # noqa: E402
from geo.tables import scenario_label  # noqa: E402

N_CENTRES = 77

#: In the map iframe, click (as a person would) every centre whose popup data mentions the
#: needle, so Leaflet opens its popup; return how many were clicked.
_OPEN_POPUPS_WITH_TEXT = """(needle) => {
    const maps = new Set();
    for (const key of Object.keys(window)) {
        try { if (window[key] instanceof L.Map) maps.add(window[key]); } catch (e) { }
    }
    let clicked = 0;
    for (const map of maps) {
        map.eachLayer(layer => {
            const props = layer.feature && layer.feature.properties;
            if (!props || typeof props.popup !== "string" || !props.popup.includes(needle)) return;
            layer.fire("mouseover", {latlng: layer.getLatLng()}, true);
            layer.fire("click", {latlng: layer.getLatLng()}, true);
            clicked += 1;
        });
    }
    return clicked;
}"""


def _require_chromium() -> None:
    if app.chromium_path() is None:
        message = "Debian's chromium is not installed (apt-get install -y chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def app_url():
    _require_chromium()
    app.require_map_assets()
    with app.running_app(log_path=app.ARTIFACTS / "streamlit_test.log") as url:
        yield url


@pytest.fixture
def browser_page(app_url):
    with playwright_sync.sync_playwright() as pw:
        browser = app.launch(pw)
        context = browser.new_context(viewport=app.SCREEN, accept_downloads=True)
        attempted = app.cut_network(context)
        page = context.new_page()
        dialogs: list[str] = []
        errors: list[str] = []

        def on_dialog(dialog) -> None:
            dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        try:
            yield page, attempted, dialogs, errors
        finally:
            browser.close()
        assert attempted == [], f"requests to other hosts were attempted: {attempted[:5]}"


def _flood_image_loaded(page) -> bool:
    frame = app.map_frame(page)
    return bool(frame.locator(app.FLOOD_IMAGE).first.evaluate(
        "img => img.complete && img.naturalWidth > 0"))


def _uploader(page, expander_label: str):
    """The file input of the first uploader inside the sidebar expander ``expander_label``."""
    expander = page.locator('[data-testid="stExpander"]').filter(has_text=expander_label).first
    return expander.locator('[data-testid="stFileUploaderDropzoneInput"]').first


def _open(page, url: str, lang: str) -> None:
    """The app in ``lang``, its map drawn (in that language) and the page settled."""
    page.goto(url)
    app.wait_for_markers(page, N_CENTRES, timeout_ms=90_000)
    if lang == "en":
        page.get_by_text("English", exact=True).click()
        page.get_by_text(t("m_centres_flooded", "en"), exact=True).wait_for(timeout=60_000)
        app.wait_for_map_text(page, t("legend_flood", "en"), timeout_ms=60_000)
        app.wait_for_markers(page, N_CENTRES)
    app.wait_until_idle(page)
    page.wait_for_timeout(1000)  # the map's first answer to Streamlit settles


#: Something each view shows once it is drawn.
_VIEW_READY = {"exposure": "m_centres_flooded", "catchment": "m_operational",
               "sites": "k_sites", "export": "fmt_excel", "season": "season_metric_days"}


def _show(page, view: str, lang: str) -> None:
    """Switch to ``view`` and wait until it is drawn and nothing of the last view is left."""
    page.get_by_text(t(f"view_{view}", lang), exact=True).click()
    page.get_by_text(t(_VIEW_READY[view], lang), exact=True).first.wait_for(timeout=90_000)
    page.wait_for_timeout(300)
    app.wait_until_idle(page)


def test_map_renders_and_switching_scenario_changes_flooded_count(app_url, browser_page):
    page, attempted, dialogs, errors = browser_page
    page.goto(app_url)
    app.wait_for_markers(page, N_CENTRES, timeout_ms=90_000)
    assert _flood_image_loaded(page)
    flooded_label = t("m_centres_flooded", "es")
    names = [scenario_label(s["name"], "es")
             for s in geo.inputs.sample_manifest()["scenarios"]]
    app.wait_for_map_text(page, t("layer_flood", "es", scenario=names[-1]))
    worst = int(app.figure(app.metric_value(page, flooded_label)))
    assert worst > 0
    assert app.flooded_markers(page) == worst

    app.choose_option(page, t("scenario", "es"), names[0])
    app.wait_for_map_text(page, t("layer_flood", "es", scenario=names[0]))
    app.wait_for_markers(page, N_CENTRES)
    mildest = int(app.figure(app.metric_value(page, flooded_label)))
    assert mildest < worst
    assert app.flooded_markers(page) == mildest
    assert _flood_image_loaded(page)

    app.ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(app.ARTIFACTS / "app_exposure.png"))
    legend = app.map_frame(page).locator(app.LEGEND).first.inner_text()
    assert t("legend_flood", "es") in legend and t("legend_centres", "es") in legend
    control = app.map_frame(page).locator(".leaflet-control-layers").first
    assert "leaflet-control-layers-expanded" not in control.get_attribute("class")  # collapsed
    assert t("basemap_study_area", "es") in control.text_content()
    assert attempted == []
    assert not dialogs
    assert not errors, errors


def test_switching_language_translates_the_page(app_url, browser_page):
    page, _attempted, _dialogs, _errors = browser_page
    page.goto(app_url)
    app.wait_for_markers(page, N_CENTRES, timeout_ms=90_000)
    # The chosen view survives the switch, and stays shown as chosen.
    page.get_by_text(t("view_catchment", "es"), exact=True).click()
    page.get_by_text(t("m_operational", "es"), exact=True).wait_for(timeout=60_000)
    page.get_by_text("English", exact=True).click()
    page.get_by_text(t("m_operational", "en"), exact=True).wait_for(timeout=60_000)
    assert page.get_by_role("radio", name=t("view_catchment", "en")).is_checked()
    page.get_by_text(t("view_exposure", "en"), exact=True).click()
    page.get_by_text(t("m_centres_flooded", "en"), exact=True).wait_for(timeout=30_000)
    legend = app.map_frame(page).locator(".crecida-legend")
    legend.get_by_text(t("legend_flood", "en"), exact=True).wait_for(timeout=30_000)
    app.wait_for_markers(page, N_CENTRES)
    assert t("legend_centres", "en") in legend.inner_text()


def test_a_centre_named_like_a_script_shows_as_text_and_runs_nothing(
    app_url, browser_page, tmp_path
):
    page, _attempted, dialogs, _errors = browser_page
    sample_csv = geo.inputs.SAMPLE_DIR / geo.inputs.sample_manifest()["centres"]
    centres = pd.read_csv(sample_csv, dtype=str, keep_default_na=False)
    name_column = next(c for c in centres.columns if c.lower() in ("name", "nombre"))
    centres.loc[0, name_column] = XSS_NAME
    upload = tmp_path / "albergues_xss.csv"
    centres.to_csv(upload, index=False)

    page.goto(app_url)
    app.wait_for_markers(page, N_CENTRES, timeout_ms=90_000)
    page.get_by_text(t("data_header", "es"), exact=True).click()
    _uploader(page, t("data_header", "es")).set_input_files(str(upload))
    page.get_by_text(t("upload_loaded", "es", name=upload.name)).wait_for(timeout=60_000)
    app.wait_for_markers(page, N_CENTRES)

    opened = 0
    for _ in range(60):  # the map re-renders a moment after the upload is reported
        frame = page.locator(app.MAP_FRAME).first.element_handle().content_frame()
        opened = frame.evaluate(_OPEN_POPUPS_WITH_TEXT, "onerror=alert(1)")
        if opened:
            break
        page.wait_for_timeout(500)
    assert opened == 1, "the renamed centre was not found on the map"
    popup = app.map_frame(page).locator(".leaflet-popup-content")
    popup.wait_for(timeout=10_000)
    assert XSS_NAME in popup.inner_text()
    assert app.map_frame(page).locator('img[src="x"]').count() == 0
    assert page.locator('img[src="x"]').count() == 0
    page.wait_for_timeout(500)
    assert dialogs == []


def test_a_bad_upload_shows_a_readable_message_and_keeps_the_sample(
    app_url, browser_page, tmp_path
):
    page, _attempted, _dialogs, _errors = browser_page
    upload = tmp_path / "sin_coordenadas.csv"
    upload.write_text("nombre,familias\nI.E. N° 1,10\n", encoding="utf-8")
    page.goto(app_url)
    app.wait_for_markers(page, N_CENTRES, timeout_ms=90_000)
    page.get_by_text(t("data_header", "es"), exact=True).click()
    _uploader(page, t("data_header", "es")).set_input_files(str(upload))
    message = page.locator('[data-testid="stAlertContentError"]').filter(
        has_text=t("upload_failed", "es", name=upload.name))
    message.first.wait_for(timeout=60_000)
    text = message.first.inner_text()
    assert upload.name in text
    assert len([line for line in text.splitlines() if line.strip()]) >= 2  # the problem itself
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "Traceback" not in page.content()
    app.wait_for_markers(page, N_CENTRES)


def test_drawing_an_area_on_the_map_gets_it_evaluated(app_url, browser_page):
    page, _attempted, _dialogs, errors = browser_page
    page.goto(app_url)
    app.wait_for_markers(page, N_CENTRES, timeout_ms=90_000)
    page.get_by_text(t("view_sites", "es"), exact=True).click()
    tool = app.map_frame(page).locator(".leaflet-draw-draw-rectangle")
    tool.wait_for(timeout=60_000)
    page.get_by_text(t("draw_none", "es")).wait_for(timeout=30_000)
    tool.click()
    box = page.locator(app.MAP_FRAME).first.bounding_box()
    x0, y0 = box["x"] + box["width"] * 0.35, box["y"] + box["height"] * 0.35
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move(x0 + 80, y0 + 60, steps=5)
    page.mouse.up()
    app.wait_until_idle(page)
    area = page.locator('[data-testid="stMetric"]').filter(has_text=t("e_area_m2", "es"))
    area.first.wait_for(timeout=60_000)
    value = app.figure(app.metric_value(page, t("e_area_m2", "es")))
    assert value > 0
    app.wait_for_map_text(page, t("layer_drawn", "es"))
    assert not errors, errors


def test_panning_and_zooming_the_map_does_not_rerun_the_app(app_url, browser_page):
    page, _attempted, _dialogs, _errors = browser_page
    sent: list[int] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(len(payload))))
    page.goto(app_url)
    app.wait_for_markers(page, N_CENTRES, timeout_ms=90_000)
    page.wait_for_timeout(1000)
    before = len(sent)
    box = page.locator(app.MAP_FRAME).first.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 150, y + 90, steps=8)
    page.mouse.up()
    page.mouse.wheel(0, -400)
    app.map_frame(page).locator(".leaflet-control-zoom-in").click()
    page.wait_for_timeout(1500)
    assert len(sent) == before, "the browser asked Streamlit to rerun after a pan or zoom"
    # and a real widget change does reach the server (the check above can fail)
    page.get_by_text("English", exact=True).click()
    page.wait_for_timeout(1000)
    assert len(sent) > before


def test_catchment_view_draws_offline(app_url, browser_page):
    page, attempted, _dialogs, errors = browser_page
    page.goto(app_url)
    app.wait_for_markers(page, N_CENTRES, timeout_ms=90_000)
    page.get_by_text(t("view_catchment", "es"), exact=True).click()
    page.get_by_text(t("m_operational", "es"), exact=True).wait_for(timeout=60_000)
    app.wait_for_map_text(page, t("layer_catchments", "es"), timeout_ms=60_000)
    app.wait_for_markers(page, N_CENTRES)
    assert app.map_frame(page).locator("path.crecida-catchment").count() > 0
    app.ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(app.ARTIFACTS / "app_catchment_offline.png"))
    assert attempted == []
    assert not errors, errors


def test_new_centres_view_draw_tool_and_optimiser_markers_offline(app_url, browser_page):
    page, attempted, _dialogs, errors = browser_page
    page.goto(app_url)
    app.wait_for_markers(page, N_CENTRES, timeout_ms=90_000)
    page.get_by_text(t("view_sites", "es"), exact=True).click()
    app.map_frame(page).locator(".leaflet-draw-draw-rectangle").wait_for(timeout=60_000)
    page.get_by_role("button", name=t("optimise_button", "es")).click()
    # The optimiser's proposed sites: numbered HTML markers, above every other layer.
    sites = app.map_frame(page).locator(app.SITE_MARKERS)
    sites.first.wait_for(state="attached", timeout=180_000)
    app.wait_for_markers(page, N_CENTRES)
    app.wait_for_count(page, app.SITE_MARKERS, 3)  # k = 3, the view's default
    app.ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(app.ARTIFACTS / "app_sites_offline.png"))
    assert attempted == []
    assert not errors, errors


# --------------------------------------------------------------------------- at 1366 × 768
MAP_VIEWS = ("exposure", "catchment", "sites")


@pytest.mark.parametrize("lang", ["es", "en"])
def test_every_view_fits_the_laptop_screen_and_speaks_one_language(app_url, browser_page,
                                                                   lang):
    page, attempted, _dialogs, errors = browser_page
    _open(page, app_url, lang)
    texts = {}
    for view in (*MAP_VIEWS, "season", "export"):
        _show(page, view, lang)
        if view == "season":  # communities coloured by days flooded, no centre markers
            frame = app.map_frame(page)
            frame.locator(app.LEGEND).first.wait_for(state="attached", timeout=60_000)
            frame.get_by_text(t("season_layer_days", lang, n=3), exact=True).first.wait_for(
                state="attached", timeout=60_000)
            page.get_by_text(t("season_centres_table", lang), exact=True).wait_for(
                timeout=60_000)
        if view in (*MAP_VIEWS, "season"):
            if view != "season":
                app.wait_for_markers(page, N_CENTRES, timeout_ms=60_000)
            page.evaluate("() => window.scrollTo(0, 0)")
            top = page.locator(app.MAP_FRAME).first.bounding_box()["y"]
            assert 0 < top < app.SCREEN["height"], (view, top)
            scale = app.map_frame(page).locator(".leaflet-control-scale-line")
            assert scale.count() == 1 and scale.first.inner_text().endswith(("m", "km"))
        else:
            page.get_by_text(t("fmt_excel", lang), exact=True).first.wait_for(timeout=60_000)
            page.get_by_text(t("data_header", lang), exact=True).click()  # the uploaders too
            page.wait_for_timeout(500)
        texts[view] = app.visible_text(page)
        app.ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(app.ARTIFACTS / f"screen_{lang}_{view}.png"))
    assert {v: foreign_words(text.splitlines(), lang) for v, text in texts.items()} == {
        v: [] for v in texts}
    # Streamlit's own uploader texts, replaced in the page's style sheet
    button = page.locator('[data-testid="stFileUploaderDropzone"] button > div').first
    after = button.evaluate("el => getComputedStyle(el, '::after').content")
    assert t("uploader_button", lang) in after
    assert attempted == [] and not errors, errors


def _hover_and_read_tooltip(page, selector: str) -> str:
    """Move the mouse where a ``selector`` element is on top; the tooltip that opens."""
    point = app.point_on_top(page, selector)
    assert point is not None, f"no {selector} can be reached by the mouse"
    page.mouse.move(*point)
    tooltip = app.map_frame(page).locator(".leaflet-tooltip")
    tooltip.first.wait_for(timeout=10_000)
    text = tooltip.first.inner_text()
    page.mouse.move(5, 5)
    tooltip.first.wait_for(state="detached", timeout=10_000)
    return text


@pytest.mark.parametrize("lang", ["es", "en"])
def test_community_and_centre_tooltips_open_on_hover_with_districts_on(app_url, browser_page,
                                                                       lang):
    page, _attempted, _dialogs, errors = browser_page
    _open(page, app_url, lang)
    assert app.map_frame(page).locator("path.crecida-district").count() > 0
    page.evaluate("() => window.scrollTo(0, 0)")
    community = _hover_and_read_tooltip(page, "path.crecida-community")
    assert t("col_population", lang) in community and t("col_flooded_fraction", lang) in community
    centre = _hover_and_read_tooltip(page, "path.crecida-centre")
    assert " — " in centre and any(t(f"status_{s}", lang) in centre
                                   for s in ("flooded", "isolated", "at_risk", "dry"))
    assert not errors, errors


def test_a_drawn_area_keeps_the_map_view(app_url, browser_page):
    page, _attempted, _dialogs, errors = browser_page
    _open(page, app_url, "es")
    _show(page, "sites", "es")
    tool = app.map_frame(page).locator(".leaflet-draw-draw-rectangle")
    tool.wait_for(timeout=60_000)
    app.wait_for_markers(page, N_CENTRES)
    assert tool.get_attribute("title") == t("drawlocal.draw.toolbar.buttons.rectangle", "es")
    app.map_frame(page).locator(".leaflet-control-zoom-in").click()
    page.wait_for_timeout(800)
    before = app.map_view(page)
    tool.click()
    box = page.locator(app.MAP_FRAME).first.bounding_box()
    x0, y0 = box["x"] + box["width"] * 0.45, box["y"] + box["height"] * 0.3
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move(x0 + 70, y0 + 50, steps=5)
    page.mouse.up()
    area = page.locator('[data-testid="stMetric"]').filter(has_text=t("e_area_m2", "es"))
    area.first.wait_for(timeout=60_000)
    app.wait_until_idle(page)
    page.wait_for_timeout(1500)
    assert app.map_view(page) == before
    app.map_frame(page).locator("path.crecida-drawn").first.wait_for(state="attached",
                                                                     timeout=30_000)
    page.mouse.move(5, 5)
    assert app.map_frame(page).locator(".leaflet-draw-tooltip:visible").count() == 0
    assert not errors, errors


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_optimisers_markers_are_on_top_and_open_their_popup(app_url, browser_page, lang):
    page, attempted, _dialogs, errors = browser_page
    _open(page, app_url, lang)
    _show(page, "sites", lang)
    app.map_frame(page).locator(".leaflet-draw-draw-rectangle").wait_for(timeout=60_000)
    page.get_by_role("button", name=t("optimise_button", lang)).click()
    sites = app.map_frame(page).locator(app.SITE_MARKERS)
    sites.first.wait_for(state="attached", timeout=180_000)
    app.wait_until_idle(page)
    app.wait_for_count(page, app.SITE_MARKERS, 3)  # k = 3, the view's default
    page.evaluate("() => window.scrollTo(0, 0)")
    point = app.point_on_top(page, ".crecida-site")
    assert point is not None, "every proposed site is covered by something"
    page.mouse.click(*point)
    popup = app.map_frame(page).locator(".leaflet-popup-content")
    popup.wait_for(timeout=10_000)
    text = popup.inner_text()
    assert t("col_capacity_persons", lang) in text and t("col_nearest_existing", lang) in text
    assert foreign_words(text.splitlines(), lang) == []
    legend = app.map_frame(page).locator(app.LEGEND).first.inner_html()
    assert "rotate(45deg)" in legend  # the legend draws the same diamond
    assert attempted == [] and not errors, errors


def test_work_saved_and_reopened_in_a_fresh_session_gives_the_same_results(
    app_url, browser_page, tmp_path
):
    page, _attempted, _dialogs, errors = browser_page
    _open(page, app_url, "es")
    _show(page, "sites", "es")
    tool = app.map_frame(page).locator(".leaflet-draw-draw-rectangle")
    tool.wait_for(timeout=60_000)
    app.wait_for_markers(page, N_CENTRES)
    page.get_by_role("button", name=t("optimise_button", "es")).click()
    app.map_frame(page).locator(app.SITE_MARKERS).first.wait_for(state="attached",
                                                                 timeout=180_000)
    app.wait_until_idle(page)
    tool.click()
    box = page.locator(app.MAP_FRAME).first.bounding_box()
    x0, y0 = box["x"] + box["width"] * 0.45, box["y"] + box["height"] * 0.3
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move(x0 + 70, y0 + 50, steps=5)
    page.mouse.up()
    page.locator('[data-testid="stMetric"]').filter(has_text=t("e_area_m2", "es")).first \
        .wait_for(timeout=60_000)
    app.wait_until_idle(page)
    figures = {k: app.metric_value(page, t(k, "es"))
               for k in ("e_area_m2", "e_served", "m_still_unplaced", "m_new_placed")}
    page.get_by_text(t("ws_header", "es"), exact=True).click()
    notes = page.get_by_label(t("ws_notes", "es"))
    notes.fill("Reunión COE: revisar el sitio 1")
    notes.press("Tab")
    app.wait_until_idle(page)
    with page.expect_download(timeout=120_000) as download:
        page.get_by_role("button", name=t("ws_save", "es")).click()
    saved = tmp_path / "trabajo.gpkg"
    download.value.save_as(saved)
    assert saved.read_bytes()[:16] == b"SQLite format 3\x00"

    fresh = page.context.browser.new_context(viewport=app.SCREEN)
    app.cut_network(fresh)
    other = fresh.new_page()
    try:
        _open(other, app_url, "es")
        other.get_by_text(t("ws_header", "es"), exact=True).click()
        _uploader(other, t("ws_header", "es")).set_input_files(str(saved))
        other.get_by_text(t("ws_opened", "es", name=saved.name)).wait_for(timeout=90_000)
        _show(other, "sites", "es")
        other.locator('[data-testid="stMetric"]').filter(has_text=t("e_area_m2", "es")) \
            .first.wait_for(timeout=90_000)
        app.wait_until_idle(other)
        assert {k: app.metric_value(other, t(k, "es")) for k in figures} == figures
        app.wait_for_count(other, app.SITE_MARKERS, 3)
        app.map_frame(other).locator("path.crecida-drawn").first.wait_for(state="attached",
                                                                          timeout=30_000)
        assert other.get_by_label(t("ws_notes", "es")).input_value() == (
            "Reunión COE: revisar el sitio 1")
    finally:
        fresh.close()
    assert not errors, errors
