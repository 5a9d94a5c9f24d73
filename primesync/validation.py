"""Checks that services share."""

from django.core.exceptions import ValidationError

from primesync.models import Membership


def require_member(team, user, *, field: str) -> None:
    """``user`` (if given) must hold a seat in ``team``: owners and assignees never cross teams."""
    if user is not None and not Membership.objects.filter(team=team, user=user).exists():
        raise ValidationError({field: "Not a member of this team."})


def apply_fields(obj, fields: dict, *, allowed: set[str]) -> list[str]:
    """Set the allowed fields on obj; return the names that actually changed."""
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError({name: "This field cannot be changed." for name in sorted(unknown)})
    changed = []
    for name, value in fields.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed
