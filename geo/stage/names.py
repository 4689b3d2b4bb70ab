"""Stages as a user writes them: a scenario's name ("117.8 m") and the CLI's stage ranges."""

from __future__ import annotations

import math

from geo import settings
from geo.errors import InputError, Num, Problem

__all__ = ["CM_PER_M", "parse_stages", "stage_cm", "stage_name"]

#: Stage steps per metre (whole centimetres: ``settings.STAGE_STEP_M``).
CM_PER_M: float = 1.0 / settings.STAGE_STEP_M if settings.STAGE_STEP_M else 100.0

_MAX_STAGES = 1000
"""Most stages one range may hold."""
_OPTION = "--stages"
"""Where a stage range comes from, in a problem (the command line's option)."""


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
    try:
        values = [float(p) for p in parts]
    except ValueError:
        raise InputError(Problem.keyed("stage_not_a_stage", source=_OPTION,
                                       text=text)) from None
    if len(values) == 1 and math.isfinite(values[0]):
        return [round(values[0], 2)]
    if len(values) != 3 or not all(math.isfinite(v) for v in values):
        raise InputError(Problem.keyed("stage_not_a_range", source=_OPTION, text=text))
    start, stop, step = values
    if step <= 0 or stop < start:
        raise InputError(Problem.keyed("stage_range_empty", source=_OPTION, text=text))
    n = math.floor((stop - start) / step + 1e-6) + 1
    if n > _MAX_STAGES:
        raise InputError(Problem.keyed("stage_range_too_long", source=_OPTION, text=text,
                                       n=Num(n), limit=Num(_MAX_STAGES)))
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
        raise InputError(Problem.keyed("stage_not_a_number", value=str(stage_m)))
    cm = round(value * CM_PER_M)
    if top_cm is not None and cm > top_cm:
        raise InputError(Problem.keyed("stage_above_top", stage=Num(value, unit="m"),
                                       top=Num(top_cm / CM_PER_M, unit="m")))
    return int(cm)
