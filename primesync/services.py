"""Teams, memberships and API tokens."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from primesync.errors import DomainError
from primesync.models import ApiToken, Membership, Role, Team, User, hash_token


def team_create(*, name: str, slug: str | None = None, time_zone: str = "UTC", currency: str = "USD") -> Team:
    return Team.objects.create(name=name, slug=slug or slugify(name), time_zone=time_zone, currency=currency)


def member_add(*, team: Team, user: User, role: str = Role.REP) -> Membership:
    if role not in Role.values:
        raise DomainError(f"unknown role {role!r}", field="role")
    membership, _ = Membership.objects.update_or_create(user=user, team=team, defaults={"role": role})
    return membership


def user_create(*, email: str, password: str | None, full_name: str = "", is_superuser: bool = False) -> User:
    if User.objects.filter(email__iexact=email).exists():
        raise DomainError("A user with this email already exists.", field="email")
    if is_superuser:
        return User.objects.create_superuser(email, password, full_name=full_name)
    return User.objects.create_user(email, password, full_name=full_name)


def api_token_create(*, user: User, team: Team | None = None, name: str = "API token") -> tuple[ApiToken, str]:
    """Issue a token for one of the user's teams; returns the row and the key (shown once)."""
    membership = Membership.objects.filter(user=user, **({"team": team} if team else {})).order_by("id").first()
    if membership is None:
        raise DomainError("You are not a member of a team.")
    key = ApiToken.new_key()
    token = ApiToken.objects.create(
        user=user, team_id=membership.team_id, name=name[:80], prefix=key[:8], key_hash=hash_token(key)
    )
    return token, key


def api_token_revoke(*, token: ApiToken) -> None:
    with transaction.atomic():
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def user_deactivate(*, user: User) -> None:
    """The user can no longer log in; their API tokens stop working with them."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_active=False)
