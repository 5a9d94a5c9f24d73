"""Identity and tenancy: teams, users, memberships, API tokens, the RLS bypass log.

These tables are read before a team is known (login, token lookup), so they are not under
row-level security; access to them is controlled in Python. Everything a team owns derives
from ``TenantModel`` and is.
"""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from primesync import audit, events


@audit.tracked()
class Team(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    time_zone = models.CharField(max_length=64, default="UTC")
    currency = models.CharField(max_length=3, default="USD")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TenantModel(models.Model):
    """A row owned by one team; db_setup puts every subclass under row-level security."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra) -> User:
        if not email:
            raise ValueError("users need an email")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)

    def get_by_natural_key(self, email: str) -> User:
        return self.get(email__iexact=email)


@audit.tracked(exclude=("password", "last_login"), skip_unchanged=True)
class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in, with their email."""

    email = models.EmailField(max_length=254)
    full_name = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="Can log into Django admin.")
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def display_name(self) -> str:
        return self.full_name or self.email.split("@")[0]


class Role(models.TextChoices):
    REP = "rep", "Rep"
    MANAGER = "manager", "Manager"
    ADMIN = "admin", "Admin"


@audit.tracked()
class Membership(models.Model):
    """A user's seat in a team, with the role that decides what they may do there."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.REP)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "team"], name="membership_user_team_unique")]
        indexes = [models.Index(fields=["team", "role"], name="membership_team_role")]

    def __str__(self) -> str:
        return f"{self.user} in {self.team} ({self.role})"

    @property
    def is_manager(self) -> bool:
        return self.role in (Role.MANAGER, Role.ADMIN)


def hash_token(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the key is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=80, default="API token")
    prefix = models.CharField(max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "revoked_at"], name="apitoken_user_active")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def new_key() -> str:
        return secrets.token_urlsafe(32)


class RlsBypass(models.Model):
    """One use of the cross-team bypass (Django admin, system sweeps). Append-only."""

    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(max_length=200)
    path = models.CharField(max_length=500, blank=True)
    method = models.CharField(max_length=10, blank=True)
    correlation_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        triggers = [audit.append_only_trigger()]
        verbose_name = "RLS bypass"
        verbose_name_plural = "RLS bypass log"

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.user} {self.reason}"


class OutboxEvent(TenantModel):
    """Something happened (a row changed, an email was opened): delivered at least once by the relay."""

    id = models.BigAutoField(primary_key=True)
    # Cheap to write, because a bulk write emits an event per row: no index of its own (outbox_team_type
    # and outbox_team_entity lead with team_id) and no foreign-key check: triggers write these rows with
    # the team_id of a row whose own foreign key was just checked, events.publish with the bound team,
    # and row-level security admits no other team. Deleting a team still deletes its events (Django's
    # cascade).
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False)
    type = models.CharField(max_length=40)
    entity_type = models.CharField(max_length=40)
    entity_id = models.BigIntegerField()
    payload = models.JSONField(default=dict)
    context = models.JSONField(null=True, blank=True, help_text="Who and where, from the audit context")
    correlation_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    # database defaults: triggers insert rows without these columns
    attempts = models.PositiveIntegerField(default=0, db_default=0)
    last_error = models.CharField(max_length=500, blank=True, default="", db_default="")

    class Meta:
        triggers = [events.notify_trigger()]
        indexes = [
            # what the relay claims: undelivered rows in order; stays small because delivered rows leave it
            models.Index(fields=["id"], condition=models.Q(delivered_at__isnull=True), name="outbox_undelivered"),
            models.Index(fields=["team", "type", "id"], name="outbox_team_type"),
            models.Index(fields=["team", "entity_type", "entity_id"], name="outbox_team_entity"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.type} {self.entity_type}:{self.entity_id}"

    @property
    def actor_id(self) -> int | None:
        return (self.context or {}).get("user")


class ProcessedEvent(TenantModel):
    """An (event, handler) pair that ran to completion: the handler's effects committed with it."""

    event_id = models.BigIntegerField()
    handler = models.CharField(max_length=120)
    processed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event_id", "handler"], name="processed_event_once")]

    def __str__(self) -> str:
        return f"{self.handler} on #{self.event_id}"


class HandlerFailure(TenantModel):
    """A workflow handler that kept failing after its retries: recorded for a person to look at."""

    event_id = models.BigIntegerField()
    handler = models.CharField(max_length=120)
    error = models.TextField()
    failed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["team", "failed_at"], name="handlerfailure_team_time")]

    def __str__(self) -> str:
        return f"{self.handler} on #{self.event_id}"


class IdempotencyKey(TenantModel):
    """The answer to an API POST sent with an ``Idempotency-Key``: a retry gets it again instead of a second write.

    Keys are the client's, so they are unique per team and user: two users' keys never collide.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64, help_text="SHA-256 of method, path and body")
    # 0 only inside the claiming request's transaction; the answer is written before it commits
    response_status = models.PositiveSmallIntegerField(default=0)
    response_body = models.JSONField(null=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "user", "key"], name="idempotency_key_once")]
        # what the purge reads: keys past their 24 hours
        indexes = [models.Index(fields=["created_at"], name="idempotency_key_created")]

    def __str__(self) -> str:
        return f"{self.key} → {self.response_status}"


# Outbound webhooks live in their own package; Django finds their models through this module.
from primesync.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint  # noqa: E402, F401
