"""Stages as a user writes them: a scenario's name ("117.8 m") and the CLI's stage ranges."""

from __future__ import annotations

import math

from geo import settings
from geo.errors import InputError, Problem

__all__ = ["CM_PER_M", "parse_stages", "stage_cm", "stage_name"]

#: Stage steps per metre (whole centimetres: ``settings.STAGE_STEP_M``).
CM_PER_M: float = 1.0 / settings.STAGE_STEP_M if settings.STAGE_STEP_M else 100.0


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


def stage_cm(stage_m: object, *, top_cm: int | None) -> int:
    """A stage (m) in whole centimetres, checked: a finite number, at most ``top_cm`` (the
    highest stage a model or its curves were built for; ``None``: no limit).

    Raises
    ------
    InputError
        Not a finite number, or above ``top_cm`` (rebuild with a higher maximum stage).
    """
    try:
        value = float(stage_m)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        value = math.nan
    if not math.isfinite(value):
        raise InputError(Problem(f"stage {stage_m!r} is not a number of metres",
                                 source="stage", fix="e.g. 117.8"))
    cm = round(value * CM_PER_M)
    if top_cm is not None and cm > top_cm:
        raise InputError(Problem(
            f"stage {value:g} m is above the highest stage the stage model was built for "
            f"({top_cm / CM_PER_M:g} m)", source="stage",
            fix="rebuild the stage model with a higher maximum stage"))
    return int(cm)
