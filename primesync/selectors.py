"""Reading identity data: who is in a team, which API tokens a user may see."""

from django.db.models import Q

from primesync.models import ApiToken, Membership, Role, User


def team_members(*, team):
    return User.objects.filter(memberships__team=team, is_active=True).order_by("full_name", "email")


def team_member_choices(*, team) -> list[tuple[int, str]]:
    return [(u.pk, u.display_name) for u in team_members(team=team)]


def is_member(*, team, user) -> bool:
    return Membership.objects.filter(team=team, user=user).exists()


def owner_filter_choices(team) -> list[tuple[str, str]]:
    """The owner filter's options. Forms hand Django a callable, so the team is read only when the
    <select> is rendered: validating "me", "none" or an id needs no list (another team's id matches nothing).
    """
    return [("", "Anyone"), ("me", "Me"), ("none", "Unassigned"),
            *[(str(pk), name) for pk, name in team_member_choices(team=team)]]


OWNER_FILTER_PATTERN = r"^(me|none|\d{1,18})?$"


def api_token_list(*, user, seat):
    """The API tokens a user may see and revoke: their own, and for a team admin every token of the team.

    Another team's token is simply not in this queryset, so looking one up by id is a 404 like a missing one.
    """
    visible = Q(user=user)
    if seat is not None and seat.role == Role.ADMIN:
        visible |= Q(team=seat.team)
    return ApiToken.objects.filter(visible).select_related("user", "team").order_by("-created_at", "-id")
