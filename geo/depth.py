"""Depth classes of flood water: edges, labels, colours, codes and displacement rates.

The one definition of the classes that the exposure statistics (``area_m2_<class>`` columns and
displacement), the map overlay and its legend, the classified GeoTIFF, the QGIS/SLD and KML
styles and the briefing map all use, so that they name the same classes at every threshold.

Classes are derived from the flood threshold and the configured edges
(``settings.DEPTH_CLASSES_M``): the first class starts at the threshold, configured edges at or
below the threshold are dropped, the last class is open above. At the default threshold (0.1 m)
and edges (0.1, 0.5, 1.5) this gives 0.1–0.5 m, 0.5–1.5 m and over 1.5 m; at 0.7 m it gives
0.7–1.5 m and over 1.5 m; at 0.05 m an extra 0.05–0.1 m class.

Decisions, stated once here:

- **Codes** of a classified depth array: 0 dry (below the threshold), 1…n the classes, n+1
  water of unknown depth (``+inf``, from 0/1 extent rasters), :data:`NODATA` (255) for NaN.
- **Edges** are compared in float32, the type of the depth rasters, so a cell stored as 0.7
  is in the class that starts at 0.7 m (a depth on an edge goes to the deeper class).
- **Displacement rate** of a class: the rate of the configured class it lies in
  (``settings.DISPLACEMENT_RATE_BY_CLASS``); 0 for a class below the first configured edge (a
  threshold below it), as InaSAFE displaces nobody below its lowest hazard class.
- **Colour** of a class: the palette colour of the configured class it lies in (a depth has the
  same colour at every threshold); :data:`geo.palette.DEPTH_SHALLOW_COLOUR` below the first
  configured edge.
- **Labels** (:mod:`geo.i18n`) write metres the language's way (:mod:`geo.format`), as every
  figure Crecida shows: "0,1–0,5 m", "más de 1,5 m" / "0.1–0.5 m", "over 1.5 m".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from geo import palette, settings
from geo.errors import InputError, Num, Problem, Term
from geo.format import format_shortest
from geo.i18n import DEFAULT_LANGUAGE, t

__all__ = [
    "DRY",
    "NODATA",
    "DepthClasses",
    "class_index",
    "classify_depth",
    "depth_class_labels",
    "depth_classes",
]

#: Code of cells below the flood threshold.
DRY: int = 0
#: Code of cells without data (NaN depth) in a classified depth array.
NODATA: int = 255


def class_index(depth_m: np.ndarray, edges_m: np.ndarray | Sequence[float]) -> np.ndarray:
    """Number of class edges at or below each depth, compared in the depth array's type.

    0 below the first edge, ``i`` in the class starting at ``edges_m[i - 1]``; NaN gives 0 and
    ``+inf`` ``len(edges_m)``. uint8 for fewer than 255 edges.

    >>> class_index(np.array([0.05, 0.1, 0.49, 0.5, 2.0], dtype="float32"), (0.1, 0.5, 1.5))
    array([0, 1, 1, 2, 3], dtype=uint8)
    """
    depth_m = np.asarray(depth_m)
    edges = np.asarray(edges_m, dtype=np.float64).astype(depth_m.dtype, copy=False)
    out = np.zeros(depth_m.shape, dtype=np.uint8 if edges.size < 255 else np.intp)
    with np.errstate(invalid="ignore"):
        for edge in edges:  # faster than searchsorted for a handful of edges
            out += depth_m >= edge
    return out


@dataclass(frozen=True)
class DepthClasses:
    """Depth classes at one flood threshold (build them with :func:`depth_classes`).

    Attributes
    ----------
    threshold_m
        Flood threshold (m): the lower edge of the first class.
    edges_m
        Lower edge of each class (m), strictly increasing; ``edges_m[0] == threshold_m``. Class
        code ``i`` (1…n) spans ``edges_m[i - 1]`` to ``edges_m[i]`` (the last is open above).
    rates
        Share of exposed people displaced in each class (0–1).
    configured
        Index of the configured class (``settings.DEPTH_CLASSES_M``) each class lies in; -1
        below the first configured edge.
    """

    threshold_m: float
    edges_m: tuple[float, ...]
    rates: tuple[float, ...]
    configured: tuple[int, ...]

    @property
    def count(self) -> int:
        """Number of depth classes (n)."""
        return len(self.edges_m)

    @property
    def codes(self) -> tuple[int, ...]:
        """Codes of the depth classes: 1…n."""
        return tuple(range(1, self.count + 1))

    @property
    def unknown(self) -> int:
        """Code of water of unknown depth: n + 1."""
        return self.count + 1

    def bounds(self, code: int) -> tuple[float, float | None]:
        """Lower and upper depth (m) of class ``code`` (1…n); the upper is ``None`` for the last.

        Raises
        ------
        InputError
            ``code`` is not a depth class (dry, unknown depth and no data have no bounds).
        """
        self._check(code, self.codes)
        upper = self.edges_m[code] if code < self.count else None
        return self.edges_m[code - 1], upper

    def label(self, code: int, lang: str = DEFAULT_LANGUAGE) -> str:
        """Label of ``code`` in ``lang``: dry, a depth class or water of unknown depth."""
        self._check(code, (DRY, *self.codes, self.unknown))
        if code == DRY:
            return t("legend_depth_below", lang, high=format_shortest(self.threshold_m, lang))
        if code == self.unknown:
            return t("legend_water_unknown", lang)
        low, high = self.bounds(code)
        if high is None:
            return t("legend_depth_above", lang, low=format_shortest(low, lang))
        return t("legend_depth_range", lang, low=format_shortest(low, lang),
                 high=format_shortest(high, lang))

    def labels(self, lang: str = DEFAULT_LANGUAGE) -> dict[int, str]:
        """Code to label for dry (0), every class (1…n) and unknown depth (n+1)."""
        return {code: self.label(code, lang) for code in (DRY, *self.codes, self.unknown)}

    def colour(self, code: int) -> str:
        """Fill colour (``#rrggbb``) of a class (1…n) or of water of unknown depth (n+1)."""
        self._check(code, (*self.codes, self.unknown))
        if code == self.unknown:
            return palette.WATER_UNKNOWN_DEPTH_COLOUR
        index = self.configured[code - 1]
        return palette.DEPTH_SHALLOW_COLOUR if index < 0 else palette.depth_class_colour(index)

    def colours(self) -> dict[int, str]:
        """Code to colour for every class (1…n) and unknown depth (n+1)."""
        return {code: self.colour(code) for code in (*self.codes, self.unknown)}

    def classify(self, depth_m: np.ndarray) -> np.ndarray:
        """Codes (uint8) of a depth array in metres (see the module docstring).

        >>> depth_classes(threshold_m=0.1, classes_m=(0.1, 0.5, 1.5), rates=(0.1, 0.5, 1)
        ...               ).classify(np.array([0.05, 0.1, 0.5, 1.5, np.inf, np.nan]))
        array([  0,   1,   2,   3,   4, 255], dtype=uint8)
        """
        depth = np.asarray(depth_m, dtype=np.float32)
        codes = class_index(depth, self.edges_m).astype(np.uint8, copy=False)
        codes[np.isposinf(depth)] = self.unknown
        codes[np.isnan(depth)] = NODATA
        return codes

    def column_suffixes(self) -> list[str]:
        """Column suffixes of the classes: ``0_1_to_0_5``, ``0_5_to_1_5``, ``over_1_5``."""
        text = [_metres(e).replace(".", "_") for e in self.edges_m]
        return [f"{low}_to_{text[i + 1]}" for i, low in enumerate(text[:-1])] + [
            f"over_{text[-1]}"]

    def _check(self, code: int, allowed: Sequence[int]) -> None:
        if int(code) not in allowed:
            raise InputError(Problem.keyed("depth_code_unknown", code=str(code),
                                           allowed=", ".join(map(str, allowed)),
                                           threshold=Num(self.threshold_m)))


def depth_classes(
    threshold_m: float | None = None,
    *,
    classes_m: Sequence[float] | None = None,
    rates: Sequence[float] | None = None,
) -> DepthClasses:
    """The depth classes at a flood threshold.

    Parameters
    ----------
    threshold_m
        Depth (m) from which a cell is flooded; default ``settings.FLOOD_THRESHOLD_M``.
    classes_m
        Configured class edges (m), strictly increasing; default ``settings.DEPTH_CLASSES_M``.
    rates
        Displacement rate (0–1) of each configured class; default
        ``settings.DISPLACEMENT_RATE_BY_CLASS``.

    Raises
    ------
    InputError
        Every problem at once: a threshold that is not a positive number, edges that are not
        increasing, not one rate per configured class, a rate outside 0–1.

    Examples
    --------
    >>> c = depth_classes(0.7, classes_m=(0.1, 0.5, 1.5), rates=(0.1, 0.5, 1.0))
    >>> c.edges_m, c.rates, c.labels("en")[1]
    ((0.7, 1.5), (0.5, 1.0), '0.7–1.5 m')
    """
    threshold = _number(settings.FLOOD_THRESHOLD_M if threshold_m is None else threshold_m)
    edges = np.asarray(settings.DEPTH_CLASSES_M if classes_m is None else classes_m,
                       dtype=np.float64)
    shares = np.asarray(settings.DISPLACEMENT_RATE_BY_CLASS if rates is None else rates,
                        dtype=np.float64)
    problems = []
    if not np.isfinite(threshold):
        problems.append(Problem.keyed("depth_threshold_not_a_number"))
    elif not threshold > 0:
        problems.append(Problem.keyed("depth_threshold", value=Num(threshold)))
    if edges.ndim != 1 or edges.size == 0 or not np.isfinite(edges).all():
        problems.append(Problem.keyed("depth_edges_not_numbers"))
    elif np.any(np.diff(edges) <= 0):
        listed = _Numbers("msg.depth_list_separator", tuple(edges.tolist()))
        problems.append(Problem.keyed("depth_edges_not_increasing", edges=listed))
    if shares.shape != edges.shape:
        problems.append(Problem.keyed("depth_rates_count", rates=Num(shares.size),
                                      classes=Num(edges.size)))
    elif not np.all((shares >= 0) & (shares <= 1)):
        problems.append(Problem.keyed("depth_rates_range"))
    if problems:
        raise InputError(problems)
    # Edges at or below the threshold, in the rasters' float32, are dropped.
    kept = [float(e) for e in edges if np.float32(e) > np.float32(threshold)]
    lower = (threshold, *kept)
    configured = tuple(int(np.searchsorted(edges, e, side="right")) - 1 for e in lower)
    return DepthClasses(
        threshold_m=threshold,
        edges_m=lower,
        rates=tuple(float(shares[i]) if i >= 0 else 0.0 for i in configured),
        configured=configured,
    )


def classify_depth(depth: np.ndarray, *, threshold_m: float | None = None) -> np.ndarray:
    """Codes (uint8) of a depth array in metres at ``threshold_m`` (:meth:`DepthClasses.classify`).

    0 below the threshold (default ``settings.FLOOD_THRESHOLD_M``), 1…n the depth classes (a
    depth on an edge goes to the deeper class), n+1 for ``+inf`` (water of unknown depth),
    :data:`NODATA` for NaN.
    """
    return depth_classes(threshold_m).classify(depth)


def depth_class_labels(*, threshold_m: float | None = None, lang: str = DEFAULT_LANGUAGE
                       ) -> dict[int, str]:
    """Code to label of dry (0), every class (1…n) and unknown depth (n+1) at ``threshold_m``."""
    return depth_classes(threshold_m).labels(lang)


@dataclass(frozen=True)
class _Numbers(Term):
    """Numbers given as one parameter of a problem, each written the problem's language's way
    and listed with its separator (``msg.depth_list_separator``: "0.5, 0.1" / "0,5; 0,1")."""

    values: tuple[float, ...] = ()

    def text(self, lang: str = "en") -> str:
        return t(self.key, lang).join(Num(v).text(lang) for v in self.values)


def _number(value: object) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def _metres(value: float) -> str:
    return f"{value:g}"
