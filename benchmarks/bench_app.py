"""Benchmark the planner app in a real browser (headless Debian Chromium) on the sample.

Measures, on the bundled synthetic Iquitos sample:

* **page load → map with all 77 centres visible**: cold (first visit after the server starts:
  imports, exposure of the three scenarios and the flood image are computed) and warm (a new
  browser context on a running server: results come from the cache); target ≤ 5 s;
* **re-render after a scenario change**: from picking the scenario in the sidebar to the map
  showing the new flood layer and all 77 markers; target ≤ 2 s;
* **map payload**: the folium HTML of the exposure map for each scenario (what streamlit-folium
  ships to the browser), and the bytes the browser receives over Streamlit's websocket for one
  scenario change; target ≤ 3 MB.

* **offline**: the network is cut (every request that leaves the machine is aborted,
  ``browser_app.cut_network``): the map libraries come from Crecida itself
  (``static/vendor/``); the number of requests to other hosts is reported (must be 0), and the
  size of the one-file HTML map of the sample (``layers.assets.inline_assets``; target ≤ 5 MB).

Usage::

    python benchmarks/bench_app.py [--repeat 5] [--screenshot PATH] [--export-screenshot PATH]

Requires ``apt-get install -y chromium``, the project's requirements and ``make assets``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import browser_app as app  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from geo.exposure import assess  # noqa: E402
from geo.i18n import t  # noqa: E402
from geo.inputs import load_sample  # noqa: E402
from geo.tables import scenario_label  # noqa: E402
from layers.assets import inline_assets  # noqa: E402
from layers.flood import flood_overlay  # noqa: E402
from layers.map import build_map  # noqa: E402

N_CENTRES = 77


_ATTEMPTS: list[list[str]] = []
"""Per browser context, the requests to other hosts it attempted (all must stay empty)."""


def map_html_sizes(export_path: Path | None = None) -> tuple[dict[str, int], int]:
    """Bytes of the rendered exposure map (folium HTML) for each sample scenario, and of the
    one-file HTML map (everything inlined) of the last one, written to ``export_path``."""
    inputs = load_sample()
    result = assess(inputs.centres, inputs.communities, inputs.scenarios)
    sizes = {}
    page = ""
    for name, scenario in inputs.scenarios.items():
        centres = result.centres[result.centres["scenario"] == name]
        communities = result.communities[result.communities["scenario"] == name]
        fmap = build_map(lang="es", centres=centres, communities=communities,
                         flood=flood_overlay(scenario), flood_name=name,
                         districts=inputs.districts, rivers=inputs.rivers)
        page = fmap.get_root().render()
        sizes[name] = len(page.encode())
    standalone = inline_assets(page)
    if export_path is not None:
        export_path.parent.mkdir(parents=True, exist_ok=True)
        export_path.write_text(standalone, encoding="utf-8")
    return sizes, len(standalone.encode())


def _new_page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    _ATTEMPTS.append(app.cut_network(context))
    return context, context.new_page()


def _time_load(browser, url: str, names: list[str]) -> float:
    context, page = _new_page(browser)
    try:
        start = time.perf_counter()
        page.goto(url)
        app.wait_for_markers(page, N_CENTRES, timeout_ms=120_000)
        app.wait_for_map_text(page, t("layer_flood", "es", scenario=names[-1]))
        return time.perf_counter() - start
    finally:
        context.close()


def _screenshot(browser, url: str, names: list[str], path: Path) -> None:
    """The exposure view on the sample, network cut, map and headline figures in view."""
    context = browser.new_context(viewport={"width": 1440, "height": 1240})
    _ATTEMPTS.append(app.cut_network(context))
    page = context.new_page()
    page.goto(url)
    app.wait_for_markers(page, N_CENTRES, timeout_ms=120_000)
    app.wait_for_map_text(page, t("layer_flood", "es", scenario=names[-1]))
    page.wait_for_timeout(1000)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path))
    context.close()


def _export_screenshot(browser, export: Path, path: Path) -> None:
    """The one-file HTML map opened from disk with the network cut."""
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    _ATTEMPTS.append(app.cut_network(context))
    page = context.new_page()
    page.goto(export.as_uri())
    page.wait_for_selector(app.CENTRE_MARKERS, state="attached", timeout=30_000)
    page.wait_for_timeout(1000)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path))
    context.close()


def run(repeat: int, screenshot: Path | None = None,
        export_screenshot: Path | None = None) -> dict[str, object]:
    names = [scenario_label(n, "es") for n in load_sample().scenarios]  # as the app shows them
    export = app.ARTIFACTS / "bench_sample_map.html"
    sizes, standalone = map_html_sizes(export)
    out: dict[str, object] = {"map_html_bytes": sizes, "standalone_bytes": standalone}
    app.require_map_assets()
    with app.running_app(log_path=app.ARTIFACTS / "streamlit_bench.log") as url, \
            sync_playwright() as pw:
        browser = app.launch(pw)
        out["load_cold_s"] = _time_load(browser, url, names)
        out["load_warm_s"] = [_time_load(browser, url, names) for _ in range(repeat)]
        if screenshot is not None:
            _screenshot(browser, url, names, screenshot)
        if export_screenshot is not None:
            _export_screenshot(browser, export, export_screenshot)

        context, page = _new_page(browser)
        received: list[int] = []
        page.on("websocket", lambda ws: ws.on(
            "framereceived", lambda payload: received.append(len(payload))))
        page.goto(url)
        app.wait_for_markers(page, N_CENTRES, timeout_ms=120_000)
        switches = []
        for i in range(repeat * 2):
            target = names[0] if i % 2 == 0 else names[-1]
            received.clear()
            start = time.perf_counter()
            app.choose_option(page, t("scenario", "es"), target)
            app.wait_for_map_text(page, t("layer_flood", "es", scenario=target))
            app.wait_for_markers(page, N_CENTRES)
            switches.append(time.perf_counter() - start)
            page.wait_for_timeout(300)
            if i == 0:
                out["websocket_bytes_per_switch"] = sum(received)
        out["switch_s"] = switches
        context.close()
        browser.close()
    out["attempted_requests"] = [u for attempts in _ATTEMPTS for u in attempts]
    return out


def report(result: dict[str, object]) -> str:
    warm = result["load_warm_s"]
    switch = result["switch_s"]
    sizes = result["map_html_bytes"]
    rows = [
        ("Page load → 77 centres visible, cold server (s)", f"{result['load_cold_s']:.2f}",
         "≤ 5"),
        (f"Page load → 77 centres visible, warm (median of {len(warm)}, s)",
         f"{statistics.median(warm):.2f} (max {max(warm):.2f})", "≤ 5"),
        (f"Re-render after a scenario change (median of {len(switch)}, s)",
         f"{statistics.median(switch):.2f} (max {max(switch):.2f})", "≤ 2"),
        ("Map HTML payload per scenario (MB)",
         ", ".join(f"{v / 1e6:.2f}" for v in sizes.values()), "≤ 3"),
        ("Bytes over the websocket for one scenario change (MB)",
         f"{result['websocket_bytes_per_switch'] / 1e6:.2f}", "—"),
        ("One-file HTML map of the sample, everything inlined (MB)",
         f"{result['standalone_bytes'] / 1e6:.2f}", "≤ 5"),
        ("Requests to other hosts attempted (network cut)",
         str(len(result["attempted_requests"])), "0"),
    ]
    lines = ["| measure | result | target |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=5, help="warm loads and switch pairs")
    parser.add_argument("--screenshot", type=Path, default=None,
                        help="also save a screenshot of the exposure view (PNG)")
    parser.add_argument("--export-screenshot", type=Path, default=None,
                        help="also save a screenshot of the one-file HTML map opened from disk")
    args = parser.parse_args()
    print(report(run(args.repeat, screenshot=args.screenshot,
                     export_screenshot=args.export_screenshot)))


if __name__ == "__main__":
    main()
