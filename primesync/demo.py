"""Demo data: the core creates teams and users; each app registers a seeder for its own data.

The core never imports the apps (they import it), so apps add their seeders here from
``AppConfig.ready()``; ``manage.py seed_demo`` runs them in order, once per team.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from primesync.models import Team, User


@dataclass
class DemoTeam:
    team: Team
    manager: User
    reps: list[User]
    rng: random.Random
    today: date
    made: dict = field(default_factory=dict)  # what earlier seeders created, for later ones

    @property
    def sellers(self) -> list[User]:
        return [*self.reps, self.manager]

    def moment(self, days_ago: int) -> datetime:
        """A working-hours moment ``days_ago`` days before today."""
        day = self.today - timedelta(days=days_ago)
        start = timezone.make_aware(datetime.combine(day, time(9)))
        return start + timedelta(minutes=self.rng.randint(0, 540))


Seeder = Callable[[DemoTeam], None]
_seeders: list[tuple[int, str, Seeder]] = []


def register(order: int):
    def decorate(fn: Seeder) -> Seeder:
        if all(existing is not fn for _, _, existing in _seeders):
            _seeders.append((order, f"{fn.__module__}.{fn.__name__}", fn))
        return fn

    return decorate


def seeders() -> list[tuple[str, Seeder]]:
    return [(name, fn) for _, name, fn in sorted(_seeders, key=lambda s: (s[0], s[1]))]
