"""Choosing each field's value among what the sources said: highest confidence, decayed with age.

Pure functions: observations in, choices out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

# When two sources are equally sure, the more specific one wins.
SOURCE_RANK = {"person": 9, "zerobounce": 5, "local": 4, "linkedin": 3, "apollo": 2, "zoominfo": 1}


@dataclass(frozen=True)
class Seen:
    entity: str
    field: str
    value: Any
    source: str
    confidence: float
    observed_at: datetime


PERSON = "person"  # a value a person chose: it does not fade


def decayed(confidence: float, observed_at: datetime, now: datetime, half_life_days: float,
            source: str = "") -> float:
    """Confidence halves every ``half_life_days``: last year's title is worth less than this week's."""
    if source == PERSON:
        return confidence
    age_days = max(0.0, (now - observed_at).total_seconds() / 86400)
    return confidence * 0.5 ** (age_days / half_life_days)


def latest_answers(observations: list[Seen]) -> list[Seen]:
    """Each source's latest answer about a lead or its company replaces its earlier ones: once an address is
    re-verified as valid, the old "did you mean" of its typo must not win for want of a newer value.
    A person's choices all stay."""
    newest: dict[tuple[str, str], datetime] = {}
    for seen in observations:
        key = (seen.source, seen.entity)
        if seen.source != PERSON and (key not in newest or seen.observed_at > newest[key]):
            newest[key] = seen.observed_at
    return [s for s in observations if s.source == PERSON or s.observed_at == newest[(s.source, s.entity)]]


def choose(observations: list[Seen], *, now: datetime, half_life_days: float) -> dict[tuple[str, str], Seen]:
    """Per (entity, field): the best observation. Ties go to the newer one, then to the more specific source."""
    best: dict[tuple[str, str], tuple[tuple, Seen]] = {}
    for seen in observations:
        if seen.value in (None, "", []):
            continue
        rank = (round(decayed(seen.confidence, seen.observed_at, now, half_life_days, seen.source), 6),
                seen.observed_at,
                SOURCE_RANK.get(seen.source, 0))
        key = (seen.entity, seen.field)
        if key not in best or rank > best[key][0]:
            best[key] = (rank, seen)
    return {key: seen for key, (_, seen) in best.items()}


def may_write(current: Any, previously_applied: Any) -> bool:
    """A field is enrichment's to write when it is empty or still holds what enrichment wrote there.

    Anything else was typed (or imported) by a person, and a person's value is never overwritten.
    """
    return current in (None, "", []) or current == previously_applied
