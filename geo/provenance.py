"""What produced an export: inputs with their SHA-256, parameters, scenario, version and time.

A :class:`Provenance` is built once per export (:func:`build_provenance`) and written by
:mod:`geo.export` into every format that can hold it: GeoPackage metadata and a ``provenance``
table, a ``README.txt`` inside zips, a top-level ``crecida_provenance`` member in GeoJSON (a
foreign member, allowed by RFC 7946), ``ExtendedData`` in KML, GeoTIFF tags and PDF metadata.

Input files are named by their file name only (never a full path of the machine that ran it).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from geo.errors import Problem, localise
from geo.io.files import sha256_file

__all__ = ["InputRecord", "Provenance", "build_provenance", "crecida_version"]


def crecida_version() -> str:
    """Crecida's version (``geo.__version__``, the one place it is written)."""
    import geo

    return geo.__version__


@dataclass(frozen=True)
class InputRecord:
    """One input of an export.

    Attributes
    ----------
    layer
        What the input is used as (``centres``, ``flood:118.6 m``…).
    name
        File name, without its directory.
    sha256
        Hex SHA-256 of the file's bytes, ``None`` when it could not be read.
    size_bytes
        File size in bytes, ``None`` when it could not be read.
    """

    layer: str
    name: str
    sha256: str | None
    size_bytes: int | None


@dataclass(frozen=True)
class Provenance:
    """What produced an export.

    Attributes
    ----------
    inputs
        Every input file with its SHA-256.
    parameters
        Analysis parameters (threshold, radii, rates…), JSON-serialisable values.
    scenario
        Flood scenario shown or exported (``None`` when several or none).
    version
        Crecida's version.
    created_utc
        ISO 8601 time in UTC, to the second (``2026-11-23T10:00:00Z``).
    is_sample
        True when the bundled synthetic sample data was used.
    producer
        Who produced it (organisation or person); empty when not given.
    decisions
        How each input was read (``geo.inputs.Inputs.decisions``): per layer, each decision's
        key and its text in Spanish and English.
    notes
        What was fixed or assumed on the way (the inputs' warnings, an export's own notes),
        in English.
    """

    inputs: tuple[InputRecord, ...] = ()
    parameters: Mapping[str, object] = field(default_factory=dict)
    scenario: str | None = None
    version: str = field(default_factory=crecida_version)
    created_utc: str = field(default_factory=lambda: _utc_now())
    is_sample: bool = False
    producer: str = ""
    decisions: Mapping[str, tuple[Mapping[str, str], ...]] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        """Plain, JSON-serialisable dictionary (inputs as a list of dicts)."""
        return {
            "software": "Crecida",
            "version": self.version,
            "created_utc": self.created_utc,
            "scenario": self.scenario,
            "is_sample": self.is_sample,
            "producer": self.producer,
            "parameters": {str(k): _jsonable(v) for k, v in self.parameters.items()},
            "inputs": [
                {"layer": i.layer, "name": i.name, "sha256": i.sha256, "size_bytes": i.size_bytes}
                for i in self.inputs
            ],
            "decisions": {layer: [dict(d) for d in items]
                          for layer, items in self.decisions.items()},
            "notes": list(self.notes),
        }

    def to_json(self) -> str:
        """Compact JSON (UTF-8 characters kept as they are)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)

    def to_rows(self) -> list[tuple[str, str]]:
        """(key, value) rows for an attribute table, one per fact and one per input."""
        rows = [
            ("software", "Crecida"),
            ("version", self.version),
            ("created_utc", self.created_utc),
            ("scenario", self.scenario or ""),
            ("is_sample", "true" if self.is_sample else "false"),
            ("producer", self.producer),
        ]
        rows += [(f"parameter:{k}", json.dumps(_jsonable(v), ensure_ascii=False))
                 for k, v in sorted(self.parameters.items())]
        rows += [(f"input:{i.layer}", f"{i.name} sha256={i.sha256 or 'unreadable'}")
                 for i in self.inputs]
        rows += [(f"decision:{layer}", d["en"]) for layer, items in self.decisions.items()
                 for d in items]
        rows += [(f"note:{n}", note) for n, note in enumerate(self.notes, start=1)]
        return rows

    def to_text(self, *, title: str = "Crecida export") -> str:
        """Plain-text README: what produced the files, and the sample-data warning if any."""
        lines = [title, "=" * len(title), ""]
        if self.is_sample:
            lines += ["SYNTHETIC SAMPLE DATA — NOT FOR OPERATIONAL USE.",
                      "DATOS DE EJEMPLO SINTÉTICOS — NO USAR EN OPERACIONES.", ""]
        lines += [
            f"Produced by Crecida {self.version} at {self.created_utc} (UTC)"
            + (f" for {self.producer}" if self.producer else "") + ".",
            f"Scenario: {self.scenario or '(all scenarios in the data)'}",
            "",
            "Inputs (file name, SHA-256):",
        ]
        lines += [f"  - {i.layer}: {i.name}  {i.sha256 or '(unreadable)'}" for i in self.inputs]
        if not self.inputs:
            lines.append("  (none recorded)")
        if self.decisions:
            lines += ["", "How the inputs were read (decisions):"]
            for layer, items in self.decisions.items():
                lines.append(f"  - {layer}:")
                lines += [f"      {d['en']}" for d in items]
        lines += ["", "Parameters:"]
        lines += [f"  - {k} = {json.dumps(_jsonable(v), ensure_ascii=False)}"
                  for k, v in sorted(self.parameters.items())]
        if not self.parameters:
            lines.append("  (defaults)")
        if self.notes:
            lines += ["", "Notes (fixed or assumed on the way):"]
            lines += [f"  - {note}" for note in self.notes]
        lines += ["", "Preliminary analysis, not yet validated in the field.", ""]
        return "\n".join(lines)


def build_provenance(
    sources: Mapping[str, str | Path] | None = None,
    *,
    parameters: Mapping[str, object] | None = None,
    scenario: str | None = None,
    is_sample: bool = False,
    producer: str = "",
    now: dt.datetime | None = None,
    decisions: Mapping[str, Sequence[Problem | str]] | None = None,
    notes: Sequence[str] = (),
) -> Provenance:
    """Describe an export's inputs by hashing the files they came from.

    Parameters
    ----------
    sources
        Layer name to file path (``Inputs.sources``). Files that cannot be read are recorded
        with ``sha256=None`` rather than failing the export.
    parameters
        Analysis parameters to record (values must be JSON-serialisable or ``str()``-able).
    scenario
        The flood scenario exported, if one.
    is_sample
        True when the synthetic sample was used (adds the sample warning everywhere).
    producer
        Organisation or person producing the export.
    now
        Time to record (default: now); naive times are taken as UTC.
    decisions
        How each input was read, per layer (``Inputs.decisions``): kept with their keys and
        their Spanish and English texts.
    notes
        What was fixed or assumed on the way (see :attr:`Provenance.notes`).
    """
    records = []
    for layer, path in (sources or {}).items():
        p = Path(path)
        try:
            records.append(InputRecord(str(layer), p.name, sha256_file(p), p.stat().st_size))
        except OSError:
            records.append(InputRecord(str(layer), p.name, None, None))
    return Provenance(
        inputs=tuple(records),
        parameters=dict(parameters or {}),
        scenario=scenario,
        created_utc=_utc_now(now),
        is_sample=is_sample,
        producer=producer,
        decisions={str(layer): tuple(_decision(d) for d in items)
                   for layer, items in (decisions or {}).items() if items},
        notes=tuple(str(n) for n in notes),
    )


def _decision(item: Problem | str) -> dict[str, str]:
    key = item.key if isinstance(item, Problem) and item.key else ""
    return {"key": key, "es": localise(item, "es"), "en": localise(item, "en")}


def _utc_now(now: dt.datetime | None = None) -> str:
    now = now or dt.datetime.now(dt.UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=dt.UTC)
    return now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _jsonable(value: object) -> object:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    try:  # numpy scalars
        return value.item()  # type: ignore[attr-defined]
    except AttributeError:
        return str(value)
