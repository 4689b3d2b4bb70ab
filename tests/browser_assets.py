"""Serve the CDN files a Folium page asks for from local copies, for browser tests offline.

Folium pages load Leaflet, jQuery, Bootstrap, Font Awesome and Leaflet plugins from CDNs, which
CI cannot reach. This helper fetches the same versions from the npm registry (``npm pack``,
which CI can reach), unpacks them once into ``tests/_browser_assets/`` (git-ignored), and
installs Playwright request routing that answers each CDN request with the local file. Any other
external request (map tiles, telemetry) is aborted, so a test sees exactly what an offline user
would; requests to the local app server pass through.

Used by the app's browser test and by the standalone-HTML export test::

    from browser_assets import install_routes, prefetch_for_html
    prefetch_for_html(html_text)          # fails clearly if a URL has no local copy
    log = install_routes(context)         # context or page
    ...
    assert not log.unmapped               # every CDN file was served locally
"""

from __future__ import annotations

import mimetypes
import re
import shutil
import subprocess
import tarfile
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

CACHE_DIR: Path = Path(__file__).resolve().parent / "_browser_assets"
LOCAL_HOSTS: tuple[str, ...] = ("127.0.0.1", "localhost", "[::1]", "::1")

# (URL pattern, npm package name or None to take it from the URL, folder prefixes to try).
# The version always comes from the URL; the path inside the package is tried as given, then
# under each prefix, then without ".min" (some packages ship only the unminified file).
_RULES: tuple[tuple[re.Pattern[str], str | None, tuple[str, ...]], ...] = (
    (re.compile(r"^https://cdn\.jsdelivr\.net/npm/(?P<name>(?:@[^/@]+/)?[^/@]+)"
                r"@(?P<version>[^/]+)/(?P<path>.+)$"), None, ("",)),
    (re.compile(r"^https://cdn\.jsdelivr\.net/gh/ljagis/leaflet-measure@(?P<version>[^/]+)/"
                r"(?P<path>.+)$"), "leaflet-measure", ("",)),
    (re.compile(r"^https://cdnjs\.cloudflare\.com/ajax/libs/Leaflet\.awesome-markers/"
                r"(?P<version>[^/]+)/(?P<path>.+)$"),
     "drmonty-leaflet-awesome-markers", ("", "css/", "js/")),
    (re.compile(r"^https://cdnjs\.cloudflare\.com/ajax/libs/leaflet\.draw/"
                r"(?P<version>[^/]+)/(?P<path>.+)$"), "leaflet-draw", ("dist/", "")),
    (re.compile(r"^https://code\.jquery\.com/jquery-(?P<version>\d+\.\d+\.\d+)"
                r"(?P<path>(?:\.min)?\.js)$"), "jquery", ("dist/jquery",)),
)

#: Stylesheets folium links that no Crecida page needs and no npm package ships at that
#: version: answered with an empty stylesheet (glyphicons are only used by markers with the
#: "glyphicon" icon prefix; the rotate sheet only by rotated awesome-markers).
EMPTY_STYLESHEETS: tuple[str, ...] = (
    "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css",
    "https://cdn.jsdelivr.net/gh/python-visualization/folium/folium/templates/"
    "leaflet.awesome.rotate.min.css",
)

_LOCK = threading.Lock()


class AssetError(RuntimeError):
    """A CDN file has no local copy (unknown URL, or the npm package could not be fetched)."""


def _npm_spec(url: str) -> tuple[str, str, tuple[str, ...]] | None:
    """(``name@version``, path in the package, prefixes to try) for a CDN URL, else None."""
    for pattern, name, prefixes in _RULES:
        match = pattern.match(url.split("?", 1)[0].split("#", 1)[0])
        if match:
            package = name or match.group("name")
            return f"{package}@{match.group('version')}", match.group("path"), prefixes
    return None


def package_dir(spec: str, *, cache_dir: Path = CACHE_DIR) -> Path:
    """Folder holding the unpacked npm package ``spec`` (``name@version``), fetched once.

    Raises
    ------
    AssetError
        ``npm`` is missing or the registry does not have the package.
    """
    target = cache_dir / spec.replace("/", "__") / "package"
    if target.is_dir():
        return target
    npm = shutil.which("npm")
    if npm is None:
        raise AssetError(f"npm is needed to fetch {spec} for the browser test "
                         "(install Node.js/npm, e.g. apt-get install -y npm)")
    with _LOCK:
        if target.is_dir():
            return target
        cache_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=cache_dir) as tmp:
            result = subprocess.run(
                [npm, "pack", spec, "--pack-destination", tmp, "--silent"],
                capture_output=True, text=True, timeout=300, check=False,
            )
            tarballs = list(Path(tmp).glob("*.tgz"))
            if result.returncode != 0 or not tarballs:
                raise AssetError(f"npm pack {spec} failed: {result.stderr.strip()[-500:]}")
            unpack = Path(tmp) / "unpacked"
            with tarfile.open(tarballs[0]) as archive:
                archive.extractall(unpack, filter="data")
            target.parent.mkdir(parents=True, exist_ok=True)
            (unpack / "package").rename(target)
    return target


def local_file(url: str, *, cache_dir: Path = CACHE_DIR) -> Path | None:
    """The local copy of a CDN ``url`` (fetching its npm package if needed), else None."""
    found = _npm_spec(url)
    if found is None:
        return None
    spec, path, prefixes = found
    root = package_dir(spec, cache_dir=cache_dir).resolve()
    candidates = [prefix + path for prefix in prefixes]
    candidates += [c.replace(".min.", ".") for c in candidates if ".min." in c]
    for candidate in candidates:
        file = (root / candidate).resolve()
        if file.is_file() and file.is_relative_to(root):
            return file
    return None


def external_urls(html: str) -> list[str]:
    """Every ``http(s)`` URL a page loads through ``src=``/``href=`` or a JS/CSS link list."""
    urls = re.findall(r"""(?:src|href)\s*=\s*["'](https?://[^"']+)["']""", html)
    urls += re.findall(r"""["'](https?://[^"'\s]+\.(?:js|css))["']""", html)
    return list(dict.fromkeys(urls))


def prefetch(urls: list[str], *, cache_dir: Path = CACHE_DIR) -> dict[str, Path | None]:
    """Make sure every CDN ``url`` has a local copy; map each to its file (None: empty sheet).

    Raises
    ------
    AssetError
        A URL that is neither known nor an empty stylesheet, or a package npm cannot fetch.
    """
    out: dict[str, Path | None] = {}
    for url in urls:
        if url in EMPTY_STYLESHEETS:
            out[url] = None
            continue
        file = local_file(url, cache_dir=cache_dir)
        if file is None:
            raise AssetError(f"no local copy for {url}: add a rule to tests/browser_assets.py")
        out[url] = file
    return out


def prefetch_for_html(html: str, *, cache_dir: Path = CACHE_DIR) -> dict[str, Path | None]:
    """:func:`prefetch` for the script and stylesheet URLs of a page (tiles are ignored)."""
    wanted = [u for u in external_urls(html) if u.endswith((".js", ".css"))]
    return prefetch(wanted, cache_dir=cache_dir)


@dataclass
class RouteLog:
    """What the routing did: CDN files served locally, requests aborted, unmapped CDN URLs."""

    served: list[str] = field(default_factory=list)
    aborted: list[str] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)


def _content_type(path: Path) -> str:
    if path.suffix == ".js":
        return "application/javascript"
    if path.suffix == ".css":
        return "text/css"
    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def install_routes(target, *, cache_dir: Path = CACHE_DIR,
                   local_hosts: tuple[str, ...] = LOCAL_HOSTS) -> RouteLog:
    """Route every request of a Playwright ``BrowserContext`` or ``Page``.

    Requests to ``local_hosts`` (the app server) and ``file:``/``data:`` URLs pass through;
    CDN files are answered from local copies; everything else is aborted. Returns the log
    the handler appends to.
    """
    log = RouteLog()
    cors = {"Access-Control-Allow-Origin": "*", "Cache-Control": "max-age=3600"}

    def handle(route) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or parts.hostname in local_hosts:
            route.continue_()
            return
        if url.split("?", 1)[0] in EMPTY_STYLESHEETS:
            log.served.append(url)
            route.fulfill(status=200, body="", content_type="text/css", headers=cors)
            return
        try:
            file = local_file(url, cache_dir=cache_dir)
        except AssetError:
            file = None
        if file is not None:
            log.served.append(url)
            route.fulfill(status=200, path=str(file), content_type=_content_type(file),
                          headers=cors)
            return
        if _npm_spec(url) is not None or url.endswith((".js", ".css")):
            log.unmapped.append(url)
        log.aborted.append(url)
        route.abort("internetdisconnected")

    target.route("**/*", handle)
    return log
