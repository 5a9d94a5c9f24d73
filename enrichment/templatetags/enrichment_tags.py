"""How enriched values read on a page: Yes/No, lists joined, numbers grouped, sources named, ages short."""

from datetime import datetime
from decimal import Decimal

from django import template
from django.utils import timezone
from django.utils.timesince import timesince

from enrichment.models import VENDORS

register = template.Library()
SOURCE_NAMES = {**dict(VENDORS), "linkedin": "LinkedIn source", "local": "offline check", "person": "a person"}


@register.filter
def enriched_value(value) -> str:
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, int | float | Decimal) and abs(value) >= 1000:
        return f"{round(float(value)):,}"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return "" if value is None else str(value)


@register.filter
def source_name(source: str) -> str:
    return SOURCE_NAMES.get(source, source)


@register.filter
def ago(moment: datetime | None) -> str:
    if moment is None:
        return ""
    if (timezone.now() - moment).total_seconds() < 60:
        return "just now"
    return f"{timesince(moment).split(',')[0]} ago"
