"""The README's screenshots of the app: every view in Spanish at 1366 × 768, network cut.

    .venv/bin/python docs/screenshots.py [--out docs]

Runs ``streamlit run app.py`` on the bundled synthetic sample and drives Debian's headless
Chromium (the helpers of ``tests/browser_app.py``); any request that leaves the machine is
aborted, so the pictures show what a planner sees offline.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import browser_app as app  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from geo.i18n import t  # noqa: E402

N_CENTRES = 77


def _view(page, view: str, ready: str) -> None:
    page.get_by_text(t(f"view_{view}", "es"), exact=True).click()
    page.get_by_text(t(ready, "es"), exact=True).first.wait_for(timeout=120_000)
    page.wait_for_timeout(300)
    app.wait_until_idle(page)


def _draw(page, fx: float, fy: float, dx: int, dy: int) -> None:
    """Drag a rectangle with the draw tool from (fx, fy), fractions of the map's box."""
    app.map_frame(page).locator(".leaflet-draw-draw-rectangle").click()
    box = page.locator(app.MAP_FRAME).first.bounding_box()
    x0, y0 = box["x"] + box["width"] * fx, box["y"] + box["height"] * fy
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move(x0 + dx, y0 + dy, steps=6)
    page.mouse.up()
    page.mouse.move(box["x"] + 5, box["y"] + box["height"] - 5)


def take(out: Path) -> list[Path]:
    """Write the screenshots to ``out``; returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    shots: list[Path] = []

    def shot(page, name: str) -> None:
        path = out / name
        page.evaluate("() => window.scrollTo(0, 0)")
        page.mouse.move(2, 760)
        page.wait_for_timeout(700)
        page.screenshot(path=str(path))
        shots.append(path)

    with app.running_app(log_path=app.ARTIFACTS / "screenshots.log") as url, \
            sync_playwright() as pw:
        browser = app.launch(pw)
        context = browser.new_context(viewport=app.SCREEN)
        attempted = app.cut_network(context)
        page = context.new_page()
        page.goto(url)
        app.wait_for_markers(page, N_CENTRES, timeout_ms=120_000)
        app.wait_until_idle(page)
        page.wait_for_timeout(1500)
        shot(page, "app_exposicion.png")

        _view(page, "catchment", "m_operational")
        app.wait_for_markers(page, N_CENTRES, timeout_ms=120_000)
        shot(page, "app_cobertura.png")

        _view(page, "sites", "k_sites")
        app.wait_for_markers(page, N_CENTRES, timeout_ms=120_000)
        page.get_by_role("button", name=t("optimise_button", "es")).click()
        sites = app.map_frame(page).locator(app.SITE_MARKERS)
        sites.first.wait_for(state="attached", timeout=180_000)
        app.wait_until_idle(page)
        frame = page.locator(app.MAP_FRAME).first.element_handle().content_frame()
        frame.evaluate("""() => { for (const k of Object.keys(window)) { try {
            if (window[k] instanceof L.Map) { window[k].setView([-3.765, -73.262], 13.5); }
        } catch (e) { } } }""")
        page.wait_for_timeout(1000)
        _draw(page, 0.28, 0.18, 70, 50)
        page.locator('[data-testid="stMetric"]').filter(has_text=t("e_area_m2", "es")).first \
            .wait_for(timeout=120_000)
        app.wait_until_idle(page)
        point = app.point_on_top(page, app.SITE_MARKERS)
        if point is not None:
            page.mouse.click(*point)
            app.map_frame(page).locator(".leaflet-popup-content").wait_for(timeout=10_000)
        page.wait_for_timeout(1200)
        page.evaluate("() => window.scrollTo(0, 0)")
        page.screenshot(path=str(out / "app_nuevos_albergues.png"))
        shots.append(out / "app_nuevos_albergues.png")
        page.get_by_text(t("h_optimise", "es"), exact=True).first.evaluate(
            "el => el.scrollIntoView({block: 'start'})")
        page.wait_for_timeout(800)
        page.screenshot(path=str(out / "app_nuevos_albergues_resultados.png"))
        shots.append(out / "app_nuevos_albergues_resultados.png")

        _view(page, "season", "season_metric_days")
        page.wait_for_timeout(1500)
        app.wait_until_idle(page)
        shot(page, "app_temporada.png")

        _view(page, "exposure", "m_centres_flooded")
        page.get_by_text(t("stage_mode", "es"), exact=True).click()
        app.wait_until_idle(page)
        box = page.get_by_label(t("stage_box", "es"))
        box.fill("117.85")
        box.press("Enter")
        app.wait_until_idle(page)
        page.get_by_text(t("stage_centres_flooded_by_stage", "es"), exact=True).first.wait_for(
            timeout=120_000)
        app.wait_for_markers(page, N_CENTRES, timeout_ms=120_000)
        shot(page, "app_nivel_rio.png")
        page.get_by_text(t("stage_centres_flooded_by_stage", "es"), exact=True).first.evaluate(
            "el => el.scrollIntoView({block: 'start'})")
        page.wait_for_timeout(800)
        page.screenshot(path=str(out / "app_nivel_rio_grafico.png"))
        shots.append(out / "app_nivel_rio_grafico.png")
        page.get_by_text(t("stage_mode", "es"), exact=True).click()
        app.wait_until_idle(page)

        _view(page, "export", "fmt_excel")
        page.get_by_text(t("ws_header", "es"), exact=True).click()
        page.get_by_label(t("ws_notes", "es")).fill(
            "Reunión de coordinación: revisar el sitio 1 con Defensa Civil.")
        page.get_by_label(t("ws_notes", "es")).press("Tab")
        app.wait_until_idle(page)
        shot(page, "app_exportar.png")
        browser.close()
    if attempted:
        raise SystemExit(f"requests to other hosts were attempted: {attempted[:3]}")
    return shots


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    for path in take(parser.parse_args().out):
        print(path)


if __name__ == "__main__":
    main()
