"""Stages as a user writes them: a scenario's name ("117.8 m") and the CLI's stage ranges."""

from __future__ import annotations

import math

from geo.errors import InputError, Problem

__all__ = ["parse_stages", "stage_name"]


def stage_name(stage_m: float) -> str:
    """The name of a stage scenario: ``"117.8 m"``, ``"118.0 m"``, ``"117.85 m"``."""
    text = f"{round(float(stage_m), 2):.2f}"
    if text.endswith("0"):
        text = text[:-1]
    return f"{text} m"


def parse_stages(text: str) -> list[float]:
    """Stages from a CLI value: ``"117.8"`` or a range ``"116:119:0.2"`` (both ends included).

    Raises
    ------
    InputError
        Not a number or ``START:STOP:STEP`` with STOP ≥ START and STEP > 0; more than 1,000
        stages.
    """
    parts = [p.strip().replace(",", ".") for p in str(text).split(":")]
    fix = "give a stage in metres (117.8) or a range START:STOP:STEP (116:119:0.2)"
    try:
        values = [float(p) for p in parts]
    except ValueError:
        raise InputError(Problem(f"'{text}' is not a stage", source="stages", fix=fix)) from None
    if len(values) == 1 and math.isfinite(values[0]):
        return [round(values[0], 2)]
    if len(values) != 3 or not all(math.isfinite(v) for v in values):
        raise InputError(Problem(f"'{text}' is not a stage or a range", source="stages", fix=fix))
    start, stop, step = values
    if step <= 0 or stop < start:
        raise InputError(Problem(f"range '{text}' is empty", source="stages", fix=fix))
    n = math.floor((stop - start) / step + 1e-6) + 1
    if n > 1000:
        raise InputError(Problem(f"range '{text}' holds {n} stages", source="stages",
                                 fix="use a larger step (at most 1,000 stages)"))
    return [round(start + i * step, 2) for i in range(n)]
