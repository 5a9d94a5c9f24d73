"""Server-rendered SVG charts: horizontal bars, a funnel, a trend line. Every mark has a <title> (its value
on hover, read by screen readers) and every chart a title and description; labels are escaped."""

from __future__ import annotations

from datetime import timedelta

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()

WIDTH, ROW, LABEL = 560, 26, 150


def _svg(title: str, height: int, body: SafeString, *, width: int = WIDTH) -> SafeString:
    return format_html(
        '<svg class="chart" viewBox="0 0 {w} {h}" width="100%" role="img" aria-label="{t}" '
        'preserveAspectRatio="xMinYMin meet"><title>{t}</title>{b}</svg>', w=width, h=height, t=title, b=body)


@register.simple_tag
def bar_chart(items, label: str, value: str, title: str, *, unit: str = "", note: str = "") -> SafeString:
    """One bar per item, scaled to the largest; ``note`` names another key shown after the value."""
    peak = max((float(i.get(value) or 0) for i in items), default=0) or 1
    span = WIDTH - LABEL - 90
    rows = []
    for n, item in enumerate(items):
        amount = float(item.get(value) or 0)
        extra = f" · {item.get(note)}" if note else ""
        text = f"{_number(amount)}{unit}{extra}"
        y = n * ROW
        rows.append((y, item[label], LABEL, f"{max(1.0, span * amount / peak):.1f}", text,
                     f"{LABEL + span * amount / peak + 6:.1f}"))
    body = format_html_join("", (
        '<g class="bar"><title>{1}: {4}</title><text x="0" y="{6}" class="axis">{1}</text>'
        '<rect x="{2}" y="{0}" width="{3}" height="18" rx="3"></rect>'
        '<text x="{5}" y="{6}" class="value">{4}</text></g>'), (
        (y, name, x, w, text, tx, y + 13) for y, name, x, w, text, tx in rows))
    return _svg(title, max(ROW, len(rows) * ROW), body)


@register.simple_tag
def funnel_chart(stages, title: str) -> SafeString:
    """Deals reaching each stage, centred bars narrowing down, with the stage-to-stage rate."""
    peak = max((s["reached"] for s in stages), default=0) or 1
    span = WIDTH - LABEL - 110  # the rate, right-aligned, needs its 100 px
    centre = LABEL + span / 2
    parts = []
    for n, stage in enumerate(stages):
        w = max(2.0, span * stage["reached"] / peak)
        rate = f"{stage['to_next']}% go on" if stage.get("to_next") is not None else ""
        parts.append((n * 30, stage["stage"], f"{centre - w / 2:.1f}", f"{w:.1f}", stage["reached"], rate, n * 30 + 15))
    body = format_html_join("", (
        '<g class="bar"><title>{1}: {4} deals reached it</title><text x="0" y="{6}" class="axis">{1}</text>'
        '<rect x="{2}" y="{0}" width="{3}" height="22" rx="3"></rect>'
        '<text x="{7}" y="{6}" class="value" text-anchor="middle">{4}</text>'
        '<text x="{8}" y="{6}" class="muted-text" text-anchor="end">{5}</text></g>'),
        ((*part, f"{centre:.1f}", WIDTH) for part in parts))
    return _svg(title, max(30, len(parts) * 30), body)


@register.simple_tag
def trend_chart(points, title: str, quota: float = 0) -> SafeString:
    """Forecast and won per day (``points``: dicts with day, forecast, won), with the quota as a line."""
    if not points:
        return format_html('<p class="muted small">{}</p>', "No history yet: a point is added every night.")
    height, left, bottom = 160, 40, 20
    peak = max([p["forecast"] for p in points] + [p["won"] for p in points] + [quota]) or 1
    step = (WIDTH - left - 10) / max(1, len(points) - 1)

    def xy(n, v):
        return f"{left + n * step:.1f},{height - bottom - (height - bottom - 10) * v / peak:.1f}"

    forecast = " ".join(xy(n, p["forecast"]) for n, p in enumerate(points))
    won = " ".join(xy(n, p["won"]) for n, p in enumerate(points))
    marks = format_html_join("", '<circle cx="{}" cy="{}" r="3"><title>{}: forecast {}, won {}</title></circle>', (
        (*xy(n, p["forecast"]).split(","), p["day"].strftime("%b %-d"), _number(p["forecast"]), _number(p["won"]))
        for n, p in enumerate(points)))
    quota_y = height - bottom - (height - bottom - 10) * quota / peak
    body = format_html(
        '<line x1="{l}" x2="{r}" y1="{q}" y2="{q}" class="quota"><title>Quota {qv}</title></line>'
        '<polyline points="{f}" class="line-forecast"></polyline><polyline points="{w}" class="line-won"></polyline>'
        '{m}<text x="{l}" y="{b}" class="axis">{first}</text>'
        '<text x="{r}" y="{b}" class="axis" text-anchor="end">{last}</text>',
        l=left, r=WIDTH - 10, q=f"{quota_y:.1f}", qv=_number(quota), f=forecast, w=won, m=marks, b=height - 4,
        first=points[0]["day"].strftime("%b %-d"), last=points[-1]["day"].strftime("%b %-d"))
    return _svg(title, height, body)


@register.filter
def money(value) -> str:
    return _number(float(value or 0))


@register.filter
def duration(seconds) -> str:
    """3 h 20 min, 45 min, 2 d 4 h."""
    if seconds is None:
        return "—"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


def _number(value: float) -> str:
    if abs(value) >= 1_000_000:
        return f"{value / 1_000_000:.1f}M"
    if abs(value) >= 10_000:
        return f"{value / 1_000:.0f}k"
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


@register.filter
def split(value: str) -> list[str]:
    return value.split()


@register.filter
def get(mapping, key):
    return mapping.get(key)


@register.filter
def add_days(value, days):
    return value + timedelta(days=int(days))
