"""A metric's value with the moment it was true and how it is kept fresh."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

FRESHNESS = {
    "live": "updates as the data changes",
    "cached": "recomputed when older than 5 minutes",
    "hourly": "recomputed every hour",
    "daily": "recomputed every night",
}


@dataclass(frozen=True)
class Reading:
    metric: str
    value: dict
    as_of: datetime
    freshness: str  # a key of FRESHNESS

    @property
    def label(self) -> str:
        if self.freshness == "live":
            return "live"
        return f"as of {timezone.localtime(self.as_of):%H:%M}" if timezone.localdate() == timezone.localtime(
            self.as_of).date() else f"as of {timezone.localtime(self.as_of):%b %-d, %H:%M}"

    def as_json(self) -> dict:
        return {"value": self.value, "as_of": self.as_of.isoformat(), "freshness": self.freshness}
