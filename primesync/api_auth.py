"""API authentication: ``Authorization: Token <key>``, scoped to the token's team."""

from datetime import timedelta

from django.utils import timezone
from rest_framework import authentication, exceptions

from primesync import tenancy
from primesync.models import ApiToken, hash_token

LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiTokenAuthentication(authentication.TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key: str):
        token = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=hash_token(key), revoked_at__isnull=True)
            .first()
        )
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("Invalid or revoked token.")
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            user, token = result
            seat = tenancy.bind_request(request._request, user, team_id=token.team_id)
            if seat is None or seat.team.pk != token.team_id:
                raise exceptions.AuthenticationFailed("The token's team membership has ended.")
        return result
