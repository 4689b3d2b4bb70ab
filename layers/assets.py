"""The map's JavaScript and CSS, served by Crecida itself: nothing comes from a CDN.

Folium names its libraries by CDN address (Leaflet, jQuery and plugins on jsDelivr, cdnjs and
code.jquery.com). Crecida instead takes them, pinned to exact versions, from the npm registry at
install time (``package.json`` and ``package-lock.json``; ``make`` runs ``npm ci`` and then
``python -m layers.assets install``), copies the files the maps load into ``static/vendor/``
(git-ignored) and lets Streamlit serve that folder (``server.enableStaticServing``).

Three things happen here, in one place:

* :data:`CDN_FILES` maps every CDN address folium emits for the elements Crecida uses to its
  local copy, or to nothing when Crecida does not need it (Bootstrap, Font Awesome, the
  awesome-markers plugin and glyphicons are dropped: no Crecida map uses an icon marker).
* :func:`localise` rewrites the links of every element of a map to the local copies (as
  instance attributes: folium's class-level lists are never changed). The app's map and the
  standalone page both go through it (``layers.map.build_map`` calls it last).
* :func:`inline_assets` turns a rendered page into one self-contained file: scripts and style
  sheets inlined, and every image they or the page refer to as a ``data:`` URI, so the file
  opens from a USB stick with no network.

The licences of what is served are listed in ``THIRD_PARTY_LICENSES`` and copied next to each
package under ``static/vendor/``.
"""

from __future__ import annotations

import base64
import mimetypes
import re
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import branca.element
import folium.elements

from geo.errors import CrecidaError, Num, Problem
from geo.format import format_number
from geo.i18n import LANGUAGES, t

ROOT: Path = Path(__file__).resolve().parent.parent
VENDOR_DIR: Path = ROOT / "static" / "vendor"
"""Where ``python -m layers.assets install`` puts the served files (git-ignored)."""

NODE_MODULES: Path = ROOT / "node_modules"
"""Where ``npm ci`` unpacks the pinned packages."""

APP_STATIC_URL: str = "../../app/static/vendor/"
"""Address of :data:`VENDOR_DIR` as the map sees it. Streamlit serves ``static/`` at
``<base>/app/static/`` and draws the map in an iframe at
``<base>/component/streamlit_folium.st_folium/index.html``: two levels up from the iframe is
``<base>/``, so the relative address also works behind a ``server.baseUrlPath``."""


class AssetError(CrecidaError, FileNotFoundError):
    """A map library that has no local copy (not installed, or unknown to Crecida).

    Parameters
    ----------
    problem
        What is missing and how to install it (``Problem.keyed("assets_…", …)``).
    """

    def __init__(self, problem: Problem):
        self.problems: list[Problem] = [problem]
        super().__init__(problem.text("en"))

    def text(self, lang: str = "en") -> str:
        """The problem, in ``lang``."""
        return self.problems[0].text(lang)


@dataclass(frozen=True)
class Package:
    """One npm package whose files the maps load.

    Parameters
    ----------
    name, version
        npm name and the exact version pinned in ``package.json``.
    files
        Paths inside the package copied to ``static/vendor/<name>@<version>/`` (a folder is
        copied whole, for the images its style sheet refers to).
    licence
        SPDX identifier.
    licence_file
        The package's own licence text, copied next to its files (None: it ships none; the
        licence is then named in ``THIRD_PARTY_LICENSES`` from its ``package.json``).
    copyright
        Holder as the licence names them.
    """

    name: str
    version: str
    files: tuple[str, ...]
    licence: str
    licence_file: str | None
    copyright: str

    @property
    def folder(self) -> str:
        """Folder name under :data:`VENDOR_DIR`."""
        return f"{self.name}@{self.version}"


PACKAGES: tuple[Package, ...] = (
    Package("leaflet", "1.9.3", ("dist/leaflet.js", "dist/leaflet.css", "dist/images"),
            "BSD-2-Clause", "LICENSE",
            "2010-2022 Vladimir Agafonkin, 2010-2011 CloudMade"),
    Package("jquery", "3.7.1", ("dist/jquery.min.js",), "MIT", "LICENSE.txt",
            "OpenJS Foundation and other contributors"),
    Package("leaflet.fullscreen", "3.0.0",
            ("Control.FullScreen.js", "Control.FullScreen.css", "icon-fullscreen.svg"),
            "MIT", "LICENSE", "Bruno Bergot"),
    Package("leaflet-measure", "2.1.7",
            ("dist/leaflet-measure.min.js", "dist/leaflet-measure.css", "dist/images"),
            "MIT", "LICENSE", "LJA GIS"),
    Package("leaflet-draw", "1.0.2",
            ("dist/leaflet.draw.js", "dist/leaflet.draw.css", "dist/images"),
            "MIT", None, "2012-2017 Jon West, Jacob Toye and Leaflet"),
)
"""Every package served, in the order of ``THIRD_PARTY_LICENSES``."""

_BY_NAME: dict[str, Package] = {p.name: p for p in PACKAGES}


def _local(package: str, path: str) -> str:
    """``<name>@<version>/<path>`` of a file of a package listed in :data:`PACKAGES`."""
    return f"{_BY_NAME[package].folder}/{path}"


CDN_FILES: dict[str, str | None] = {
    # folium.Map: Leaflet and jQuery (folium's popups parse their HTML with jQuery).
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js":
        _local("leaflet", "dist/leaflet.js"),
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css":
        _local("leaflet", "dist/leaflet.css"),
    "https://code.jquery.com/jquery-3.7.1.min.js": _local("jquery", "dist/jquery.min.js"),
    # folium.Map, not needed: Bootstrap (no Crecida element uses it), icon markers and their
    # fonts (Crecida draws circle markers), glyphicons and the rotated-icon sheet.
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js": None,
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/css/bootstrap.min.css": None,
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/"
    "leaflet.awesome-markers.js": None,
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/"
    "leaflet.awesome-markers.css": None,
    "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css": None,
    "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@6.2.0/css/all.min.css": None,
    "https://cdn.jsdelivr.net/gh/python-visualization/folium/folium/templates/"
    "leaflet.awesome.rotate.min.css": None,
    # plugins.Fullscreen (the package ships the unminified script only).
    "https://cdn.jsdelivr.net/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.min.js":
        _local("leaflet.fullscreen", "Control.FullScreen.js"),
    "https://cdn.jsdelivr.net/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.css":
        _local("leaflet.fullscreen", "Control.FullScreen.css"),
    # plugins.MeasureControl (the package ships the unminified style sheet only).
    "https://cdn.jsdelivr.net/gh/ljagis/leaflet-measure@2.1.7/dist/leaflet-measure.min.js":
        _local("leaflet-measure", "dist/leaflet-measure.min.js"),
    "https://cdn.jsdelivr.net/gh/ljagis/leaflet-measure@2.1.7/dist/leaflet-measure.min.css":
        _local("leaflet-measure", "dist/leaflet-measure.css"),
    # plugins.Draw (the area a planner sketches for a new centre).
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.draw/1.0.2/leaflet.draw.js":
        _local("leaflet-draw", "dist/leaflet.draw.js"),
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.draw/1.0.2/leaflet.draw.css":
        _local("leaflet-draw", "dist/leaflet.draw.css"),
}
"""Every CDN address folium 0.20 emits for the elements Crecida uses → local file under
:data:`VENDOR_DIR` (None: dropped, nothing needs it)."""


# --------------------------------------------------------------------------- rewriting
def local_url(url: str, *, base_url: str = APP_STATIC_URL) -> str | None:
    """The address of the local copy of ``url`` (None when Crecida drops it).

    Addresses already local (under ``base_url``) are returned unchanged.

    Raises
    ------
    AssetError
        ``url`` is a remote address Crecida has no copy of.
    """
    if url.startswith(base_url):
        return url
    if url not in CDN_FILES:
        raise AssetError(Problem.keyed("assets_not_served", url=url))
    path = CDN_FILES[url]
    return None if path is None else base_url + path


def _elements(root: branca.element.Element) -> Iterator[branca.element.Element]:
    yield root
    for child in root._children.values():
        yield from _elements(child)


def localise(fmap: branca.element.Element, *, base_url: str = APP_STATIC_URL
             ) -> branca.element.Element:
    """Point every script and style sheet of ``fmap`` and its children at the local copies.

    Works on instance attributes: folium's classes keep their CDN lists. Call it after the
    last element is added (``build_map`` does). Returns ``fmap``.

    Raises
    ------
    AssetError
        An element loads a library Crecida does not serve (listed in the message).
    """
    for element in _elements(fmap):
        if not isinstance(element, folium.elements.JSCSSMixin):
            continue
        for attr in ("default_js", "default_css"):
            links = []
            for name, url in getattr(element, attr):
                local = local_url(url, base_url=base_url)
                if local is not None:
                    links.append((name, local))
            setattr(element, attr, links)
    return fmap


def served_files() -> list[str]:
    """Every file the maps may load, relative to :data:`VENDOR_DIR` (sorted)."""
    return sorted({path for path in CDN_FILES.values() if path is not None})


def missing_files(vendor_dir: Path = VENDOR_DIR) -> list[str]:
    """The files of :func:`served_files` that are not installed (empty when all are)."""
    return [path for path in served_files() if not (vendor_dir / path).is_file()]


def check_installed(vendor_dir: Path = VENDOR_DIR) -> None:
    """Raise :class:`AssetError` naming the missing files and the fix, if any are missing."""
    missing = missing_files(vendor_dir)
    if missing:
        raise AssetError(Problem.keyed("assets_not_installed", n=Num(len(missing)),
                                       folder=str(vendor_dir), first=missing[0]))


# --------------------------------------------------------------------------- install
def install(*, node_modules: Path = NODE_MODULES, vendor_dir: Path = VENDOR_DIR) -> list[Path]:
    """Copy the served files of every package from ``node_modules`` to ``vendor_dir``.

    Checks that each installed package is the pinned version first. Returns the files written.

    Raises
    ------
    AssetError
        A package is missing or at another version (run ``npm ci``).
    """
    import json

    written: list[Path] = []
    for package in PACKAGES:
        source = node_modules / package.name
        manifest = source / "package.json"
        if not manifest.is_file():
            raise AssetError(Problem.keyed("assets_package_missing", folder=str(source)))
        version = json.loads(manifest.read_text("utf-8")).get("version")
        if version != package.version:
            raise AssetError(Problem.keyed("assets_wrong_version", package=package.name,
                                           version=str(version or "?"),
                                           pinned=package.version))
        target = vendor_dir / package.folder
        if target.exists():
            shutil.rmtree(target)
        for rel in (*package.files, *([package.licence_file] if package.licence_file else [])):
            src, dst = source / rel, target / rel
            dst.parent.mkdir(parents=True, exist_ok=True)
            if src.is_dir():
                shutil.copytree(src, dst)
                written.extend(p for p in dst.rglob("*") if p.is_file())
            else:
                shutil.copyfile(src, dst)
                written.append(dst)
    check_installed(vendor_dir)
    return written


def licences_text() -> str:
    """``THIRD_PARTY_LICENSES``: one paragraph per served package."""
    lines = [
        "Third-party software that Crecida serves to the browser",
        "=======================================================",
        "",
        "These JavaScript and CSS libraries are installed from the npm registry at the exact",
        "versions pinned in package.json / package-lock.json (`make` runs `npm ci`), copied to",
        "static/vendor/ with their licence files, and served by Crecida itself or inlined into",
        "the standalone HTML map. Nothing is loaded from a CDN. Generated by",
        "`python -m layers.assets licences`.",
        "",
    ]
    for p in PACKAGES:
        lines += [f"{p.name} {p.version}", f"  licence: {p.licence}",
                  f"  copyright: {p.copyright}",
                  f"  licence text: static/vendor/{p.folder}/{p.licence_file}"
                  if p.licence_file else
                  "  licence text: none shipped in the package; its package.json declares "
                  f"{p.licence} (standard {p.licence} terms apply)",
                  f"  files served: {', '.join(p.files)}", ""]
    return "\n".join(lines)


# --------------------------------------------------------------------------- inlining
# One pass over the page: every <script> block (with or without src), stylesheet link and
# image. Inline scripts are kept as they are, and nothing inserted is searched again.
_TAGS = re.compile(
    r"""(?P<script><script\b(?P<attrs>[^>]*)>(?P<body>.*?)</script\s*>)"""
    r"""|(?P<link><link\b(?=[^>]*\brel\s*=\s*["']?stylesheet)[^>]*>)"""
    r"""|(?P<img><img\b[^>]*>)""",
    re.IGNORECASE | re.DOTALL)
_SRC = re.compile(r"""\bsrc\s*=\s*(["'])(?P<url>[^"']+)\1""", re.IGNORECASE)
_HREF = re.compile(r"""\bhref\s*=\s*(["'])(?P<url>[^"']+)\1""", re.IGNORECASE)
_CSS_URL = re.compile(r"""url\(\s*(["']?)(?P<url>[^"')]+)\1\s*\)""")


def _vendor_path(url: str, vendor_dir: Path, base_url: str) -> Path | None:
    """The file behind a page's script/style/image address; None for one Crecida drops."""
    local = local_url(url, base_url=base_url)
    if local is None:
        return None
    path = (vendor_dir / PurePosixPath(local[len(base_url):])).resolve()
    if not path.is_relative_to(vendor_dir.resolve()):
        raise AssetError(Problem.keyed("assets_outside_vendor", url=url,
                                       folder=str(vendor_dir)))
    if not path.is_file():
        raise AssetError(Problem.keyed("assets_file_not_installed", path=str(path)))
    return path


def data_uri(path: Path) -> str:
    """The file as a ``data:`` URI (type from its extension)."""
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _inline_css(css: str, folder: Path, vendor_dir: Path) -> str:
    """``url(...)`` in a style sheet replaced by ``data:`` URIs of the files it names."""

    def replace(match: re.Match[str]) -> str:
        url = match.group("url").strip()
        if url.startswith(("data:", "#")):
            return match.group(0)
        if re.match(r"^[a-z][a-z0-9+.-]*:", url, re.IGNORECASE) or url.startswith("//"):
            raise AssetError(Problem.keyed("assets_css_from_network", folder=str(folder),
                                           url=url))
        path = (folder / url.split("?", 1)[0].split("#", 1)[0]).resolve()
        if not path.is_relative_to(vendor_dir.resolve()) or not path.is_file():
            raise AssetError(Problem.keyed("assets_css_file_missing", url=url,
                                           folder=str(folder)))
        return f'url("{data_uri(path)}")'

    return _CSS_URL.sub(replace, css)


def inline_assets(html: str, *, vendor_dir: Path = VENDOR_DIR,
                  base_url: str = APP_STATIC_URL) -> str:
    """One self-contained page: every script, style sheet and image inlined.

    ``<script src>`` and ``<link rel="stylesheet">`` pointing at a local copy (or at a CDN
    address of :data:`CDN_FILES`) become inline ``<script>``/``<style>`` blocks; those Crecida
    drops are removed; images in the style sheets and ``<img src>`` become ``data:`` URIs.
    Inline scripts (the map itself, provenance) are kept as they are. The result loads
    nothing: it works opened from a file with no network.

    Parameters
    ----------
    html
        A page rendered by folium (``fmap.get_root().render()``), localised or not.
    vendor_dir
        Where the local copies are (:data:`VENDOR_DIR`).
    base_url
        The local address prefix used by :func:`localise`.

    Raises
    ------
    AssetError
        The page loads a script, style sheet or image that has no local copy.
    """

    def replace(match: re.Match[str]) -> str:
        if match.group("script"):
            src = _SRC.search(match.group("attrs"))
            if src is None:
                return match.group(0)
            path = _vendor_path(src.group("url"), vendor_dir, base_url)
            if path is None:
                return ""
            code = path.read_text("utf-8").replace("</script", "<\\/script")
            return f"<script>{code}\n</script>"
        if match.group("link"):
            href = _HREF.search(match.group("link"))
            if href is None:
                return match.group(0)
            path = _vendor_path(href.group("url"), vendor_dir, base_url)
            if path is None:
                return ""
            css = _inline_css(path.read_text("utf-8"), path.parent, vendor_dir)
            return "<style>" + css.replace("</style", "<\\/style") + "\n</style>"
        tag = match.group("img")
        src = _SRC.search(tag)
        if src is None or src.group("url").startswith("data:"):
            return tag
        path = _vendor_path(src.group("url"), vendor_dir, base_url)
        if path is None:
            raise AssetError(Problem.keyed("assets_image_not_served", url=src.group("url")))
        quote = src.group(1)
        return tag[:src.start()] + f"src={quote}{data_uri(path)}{quote}" + tag[src.end():]

    return _TAGS.sub(replace, html)


# --------------------------------------------------------------------------- command line
def main(argv: list[str] | None = None) -> int:
    """``python -m layers.assets [--lang es|en] install|check|licences``.

    Speaks the language of ``--lang``, else of the user's locale (as ``python -m geo`` does);
    the licences file is English, as the licences are.
    """
    from geo.cli import default_language

    args = list(sys.argv[1:] if argv is None else argv)
    lang = default_language()
    if "--lang" in args:
        at = args.index("--lang")
        value = args[at + 1] if at + 1 < len(args) else None
        del args[at:at + 2]
        if value not in LANGUAGES:
            print(t("assets.usage", lang), file=sys.stderr)
            return 2
        lang = value
    command = args[0] if args else "check"
    try:
        if command == "install":
            files = install(node_modules=NODE_MODULES, vendor_dir=VENDOR_DIR)
            print(t("assets.installed", lang, n=format_number(len(files), lang),
                    folder=f"{VENDOR_DIR.relative_to(ROOT)}/"))
        elif command == "check":
            check_installed(VENDOR_DIR)
            print(t("assets.all_installed", lang, n=format_number(len(served_files()), lang)))
        elif command == "licences":
            print(licences_text())
        else:
            print(t("assets.usage", lang), file=sys.stderr)
            return 2
    except AssetError as exc:
        print(f"{t('cli.error', lang)}: {exc.text(lang)}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
