"""Who may do what: team membership for everything, ownership or a manager role for writes."""

from rest_framework.permissions import SAFE_METHODS, BasePermission


class IsTeamMember(BasePermission):
    message = "You are not a member of a team."

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and getattr(request, "seat", None))


def can_edit(seat, obj) -> bool:
    """Managers and admins edit anything of their team; reps edit what they own.

    Records nobody owns (companies) are shared: anyone in the team edits them.
    """
    if seat is None or obj.team_id != seat.team.pk:
        return False
    if seat.is_manager or not hasattr(obj, "owner_id"):
        return True
    return obj.owner_id == seat.membership.user_id


class CanEditOwnedOrManager(IsTeamMember):
    message = "Only the owner or a manager can change this record."

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return can_edit(request.seat, obj)


class IsManager(IsTeamMember):
    message = "Only managers can do this."

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and request.seat.is_manager
