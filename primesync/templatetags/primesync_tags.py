from django import template

from primesync.permissions import can_edit

register = template.Library()


@register.filter
def editable_by(obj, seat) -> bool:
    """``{% if deal|editable_by:seat %}``: may the request's seat change this record?"""
    return can_edit(seat, obj)


@register.filter
def money(value) -> str:
    """12500.00 → 12,500 (whole units: boards and lists show amounts, not cents)."""
    if value in (None, ""):
        return "—"
    return f"{round(float(value)):,}"
