"""Drive the Streamlit app in Debian's headless Chromium (shared by the browser tests and the
benchmark script), with the network cut.

The app runs as ``streamlit run app.py`` on a free localhost port; Chromium is Debian's
(``apt-get install -y chromium``), launched by Playwright with ``executable_path`` because
``playwright install`` cannot download browsers here. :func:`cut_network` aborts every request
that leaves the machine and records it — nothing is emulated: the app must serve its map
libraries itself (``static/vendor/``, installed by ``make``), and a test fails when any request
to another host is even attempted.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

ROOT: Path = Path(__file__).resolve().parent.parent
APP: Path = ROOT / "app.py"
ARTIFACTS: Path = ROOT / "artifacts"

CHROMIUM_ARGS: list[str] = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
SCREEN: dict[str, int] = {"width": 1366, "height": 768}
"""The planners' laptop screen the page is laid out for."""
CENTRE_MARKERS = "path.crecida-centre"
SITE_MARKERS = ".crecida-site"
FLOOD_IMAGE = "img.crecida-flood"
BACKGROUND = "path.crecida-land"
LEGEND = ".crecida-legend"
LOCAL_HOSTS: tuple[str, ...] = ("127.0.0.1", "localhost", "[::1]", "::1")


def cut_network(target) -> list[str]:
    """Abort every request of a Playwright ``BrowserContext`` or ``Page`` that leaves the
    machine, as with the network unplugged; return the list the aborted URLs are appended to.

    Requests to ``localhost``/``127.0.0.1`` (the app server) and ``file:``, ``data:`` and
    ``blob:`` URLs go through; nothing else is answered.
    """
    attempted: list[str] = []

    def handle(route) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("file", "data", "blob") or parts.hostname in LOCAL_HOSTS:
            route.continue_()
            return
        attempted.append(url)
        route.abort("internetdisconnected")

    target.route("**/*", handle)
    return attempted


def chromium_path() -> str | None:
    """Debian's Chromium binary, if installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def running_app(*, app: Path | None = None, log_path: Path | None = None, timeout_s: float = 90.0,
                env: dict[str, str] | None = None) -> Iterator[str]:
    """Start ``streamlit run app`` on a free port; yield its URL; stop it afterwards."""
    port = free_port()
    command = [
        sys.executable, "-m", "streamlit", "run", str(app or APP),
        "--server.headless", "true", "--server.port", str(port),
        "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none", "--global.developmentMode", "false",
        "--client.toolbarMode", "minimal",
    ]
    log_path = log_path or (ARTIFACTS / "streamlit.log")
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                env={**os.environ, **(env or {})})
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + timeout_s
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"streamlit exited early (code {proc.returncode}); "
                                       f"see {log_path}")
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                        if resp.status == 200:
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"streamlit did not answer within {timeout_s} s")
                time.sleep(0.3)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


def require_map_assets() -> None:
    """Fail with the fix when the map libraries are not installed (``make assets``)."""
    from layers.assets import check_installed

    check_installed()


def launch(playwright):
    """Headless Debian Chromium with the flags CI needs."""
    return playwright.chromium.launch(executable_path=chromium_path(), headless=True,
                                      args=CHROMIUM_ARGS)


def map_frame(page):
    """The streamlit-folium iframe holding the Leaflet map."""
    return page.frame_locator(MAP_FRAME).first


def wait_for_markers(page, count: int, *, timeout_ms: int = 30_000) -> None:
    """Wait until the map shows exactly ``count`` centre markers, the flood image, the
    offline background and the legend."""
    frame = map_frame(page)
    frame.locator(FLOOD_IMAGE).first.wait_for(state="attached", timeout=timeout_ms)
    frame.locator(BACKGROUND).first.wait_for(state="attached", timeout=timeout_ms)
    frame.locator(LEGEND).first.wait_for(state="attached", timeout=timeout_ms)
    wait_for_count(page, CENTRE_MARKERS, count, timeout_ms=timeout_ms)


def wait_for_count(page, selector: str, count: int, *, timeout_ms: int = 30_000) -> None:
    """Wait until the map holds exactly ``count`` elements matching ``selector`` (layers that
    streamlit-folium adds after the map itself, such as the proposed sites, come a moment
    later than the script's run ends)."""
    frame = map_frame(page)
    deadline = time.monotonic() + timeout_ms / 1000
    while frame.locator(selector).count() != count:
        if time.monotonic() > deadline:
            raise AssertionError(f"the map shows {frame.locator(selector).count()} "
                                 f"{selector!r}, expected {count}")
        time.sleep(0.05)


def wait_for_map_text(page, text: str, *, timeout_ms: int = 30_000) -> None:
    """Wait until the map holds ``text`` in its legend or its layer control (collapsed: the
    names are there, not shown): the map re-rendered."""
    map_frame(page).get_by_text(text, exact=True).first.wait_for(state="attached",
                                                                 timeout=timeout_ms)


def figure(text: str, lang: str = "es") -> float:
    """A figure as the app writes it (es ``49 732`` / ``0,7``; en ``49,732`` / ``0.7``)."""
    if lang == "es":
        return float(text.replace("\u00a0", "").replace(" ", "").replace(",", "."))
    return float(text.replace(",", ""))


_MAP_VIEW = """() => {
    for (const key of Object.keys(window)) {
        try {
            if (window[key] instanceof L.Map) {
                const c = window[key].getCenter();
                return [window[key].getZoom(), c.lat, c.lng];
            }
        } catch (e) { }
    }
    return null;
}"""


def map_view(page) -> tuple[float, float, float] | None:
    """(zoom, latitude, longitude) of the map's view."""
    frame = page.locator(MAP_FRAME).first.element_handle().content_frame()
    view = frame.evaluate(_MAP_VIEW)
    return None if view is None else tuple(view)


_POINT_ON_TOP = """(selector) => {
    // A point of the first element matching `selector` that the mouse reaches: the topmost
    // element there is it (nothing drawn over it), inside the window.
    for (const el of document.querySelectorAll(selector)) {
        const r = el.getBoundingClientRect();
        for (let i = 1; i < 12; i++) {
            for (let j = 1; j < 12; j++) {
                const x = r.left + r.width * i / 12, y = r.top + r.height * j / 12;
                if (x < 0 || y < 0 || x > innerWidth || y > innerHeight) continue;
                if (document.elementFromPoint(x, y) === el) return [x, y];
            }
        }
    }
    return null;
}"""


def point_on_top(page, selector: str) -> tuple[float, float] | None:
    """Page coordinates of a point where the map element ``selector`` is on top (what the mouse
    touches there), or ``None`` when every one is covered."""
    handle = page.locator(MAP_FRAME).first.element_handle()
    box = handle.bounding_box()
    point = handle.content_frame().evaluate(_POINT_ON_TOP, selector)
    return None if point is None else (box["x"] + point[0], box["y"] + point[1])


def visible_text(page) -> str:
    """The text people see: the page (main area and sidebar) and the map."""
    from playwright.sync_api import Error as PlaywrightError

    text = page.locator("body").inner_text()
    for frame in page.frames:
        if frame == page.main_frame:
            continue
        try:
            if not frame.frame_element().is_visible():  # a map on its way out: not seen
                continue
            text += "\n" + frame.locator("body").inner_text(timeout=5_000)
        except PlaywrightError:  # a frame that went away while being read
            continue
    return text


def flooded_markers(page) -> int:
    """Centre markers drawn with the flooded status."""
    return map_frame(page).locator("path.crecida-centre.crecida-status-flooded").count()


def metric_value(page, label: str) -> str:
    """Text of the ``st.metric`` whose label is ``label``."""
    metric = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return metric.locator('[data-testid="stMetricValue"]').inner_text().strip()


def choose_option(page, label: str, option: str) -> None:
    """Pick ``option`` in the ``st.selectbox`` labelled ``label``."""
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text=label).first
    box.click()
    page.get_by_role("option", name=option, exact=True).click()


def wait_until_idle(page, *, timeout_ms: int = 60_000) -> None:
    """Wait until Streamlit has finished rerunning the script and no element of the previous
    run is still shown (Streamlit marks those ``data-stale="true"``)."""
    page.wait_for_function(
        "() => (!document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " || !/Running|Ejecutando/i.test("
        "document.querySelector('[data-testid=\"stStatusWidget\"]').innerText))"
        " && !document.querySelector('[data-stale=\"true\"]')",
        timeout=timeout_ms,
    )
