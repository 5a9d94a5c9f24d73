"""Log in with an email address (any case) and password."""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend

from primesync.models import User


def demo_password_refused(user: User, password: str) -> bool:
    """The published demo password only works while demo mode is on."""
    return password == settings.DEMO_PASSWORD and not settings.DEMO_MODE


class EmailBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        login = (email or username or "").strip()
        if not login or password is None:
            return None
        user = User.objects.filter(email__iexact=login).first()
        if user is None:
            User().set_password(password)  # same work as a real check: no timing oracle
            return None
        if demo_password_refused(user, password):
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
