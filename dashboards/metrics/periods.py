"""The period picker: this month, this quarter, or custom dates (half-open: start included, end excluded)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

MAX_CUSTOM_DAYS = 731


@dataclass(frozen=True)
class Period:
    kind: str  # month, quarter, custom
    start: date
    end: date  # excluded

    @property
    def key(self) -> str:
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    @property
    def label(self) -> str:
        if self.kind == "month":
            return self.start.strftime("%B %Y")
        if self.kind == "quarter":
            return f"Q{(self.start.month - 1) // 3 + 1} {self.start.year}"
        return f"{self.start:%b %-d, %Y} to {self.end - timedelta(days=1):%b %-d, %Y}"

    def bounds(self) -> tuple[datetime, datetime]:
        """The period as aware datetimes in the server's time zone."""
        tz = timezone.get_current_timezone()
        return (datetime.combine(self.start, time.min, tzinfo=tz), datetime.combine(self.end, time.min, tzinfo=tz))

    def elapsed(self, today: date) -> float:
        """How much of the period is behind us, 0 to 1 (for quota pace)."""
        total = (self.end - self.start).days
        return min(1.0, max(0.0, ((today - self.start).days + 1) / total)) if total else 1.0


def this_month(today: date) -> Period:
    start = today.replace(day=1)
    return Period("month", start, (start + timedelta(days=32)).replace(day=1))


def this_quarter(today: date) -> Period:
    start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    end = date(start.year + (start.month == 10), (start.month + 2) % 12 + 1, 1)
    return Period("quarter", start, end)


def from_query(params, today: date) -> Period:
    """?period=month|quarter|custom&start=YYYY-MM-DD&end=YYYY-MM-DD (end inclusive as people pick it)."""
    kind = params.get("period", "quarter")
    if kind == "month":
        return this_month(today)
    if kind == "custom":
        try:
            start = date.fromisoformat(params.get("start", ""))
            last = date.fromisoformat(params.get("end", ""))
        except ValueError:
            return this_quarter(today)
        if last < start or (last - start).days > MAX_CUSTOM_DAYS:
            return this_quarter(today)
        return Period("custom", start, last + timedelta(days=1))
    return this_quarter(today)


STANDARD = (this_month, this_quarter)

# A quota counts by the share of its own period that falls in the one asked about (params: end, start).
QUOTA_IN_PERIOD_SQL = (
    "coalesce(sum(q.amount * (least(q.period_end, %s) - greatest(q.period_start, %s))::numeric"
    " / (q.period_end - q.period_start)), 0)"
)  # what the background jobs keep warm
