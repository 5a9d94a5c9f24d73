"""Working time: when a clock that only runs in working hours reaches its end."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Hours:
    start: time
    end: time
    days: str  # ISO weekdays, "12345"
    tz: str = "UTC"

    def is_working(self, moment: datetime) -> bool:
        local = moment.astimezone(ZoneInfo(self.tz))
        return str(local.isoweekday()) in self.days and self.start <= local.time() < self.end


def add_working_minutes(start: datetime, minutes: int, hours: Hours) -> datetime:
    """``start`` plus ``minutes`` of working time (a lead at 17:55 with 15 minutes is due at 9:10 next working day)."""
    if not hours.days or hours.start >= hours.end:
        return start + timedelta(minutes=minutes)
    zone = ZoneInfo(hours.tz)
    current = start.astimezone(zone)
    left = timedelta(minutes=minutes)
    for _ in range(370):  # at most a year of days; a policy with no working day was handled above
        day_start = current.replace(hour=hours.start.hour, minute=hours.start.minute, second=0, microsecond=0)
        day_end = current.replace(hour=hours.end.hour, minute=hours.end.minute, second=0, microsecond=0)
        if str(current.isoweekday()) in hours.days and current < day_end:
            begin = max(current, day_start)
            available = day_end - begin
            if left <= available:
                return (begin + left).astimezone(start.tzinfo)
            left -= available
        next_day = (current + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        current = next_day
    raise ValueError("no working time within a year")
