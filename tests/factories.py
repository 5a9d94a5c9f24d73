"""Factories. Tenant rows are created inside their team's RLS scope, as the app would."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from deals.models import Deal, Quota, Stage
from deals.services import pipeline_create_default
from leads.models import Activity, ActivityKind, Company, Lead
from primesync import tenancy
from primesync.models import Membership, Role, Team, User

PASSWORD = "correct horse battery"


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    slug = factory.Sequence(lambda n: f"team-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save(update_fields=["password"])


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    team = factory.SubFactory(TeamFactory)
    role = Role.REP


class TenantFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with tenancy.use_team(kwargs["team"]):
            return super()._create(model_class, *args, **kwargs)


class CompanyFactory(TenantFactory):
    class Meta:
        model = Company

    name = factory.Faker("company")
    domain = factory.Sequence(lambda n: f"company{n}.example")
    industry = "Software"
    employees = 120


class LeadFactory(TenantFactory):
    class Meta:
        model = Lead

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.Sequence(lambda n: f"lead{n}@prospect.example")
    phone = "+1 415 555 0100"
    title = "VP Sales"
    company_name = "Prospect Inc"


class ActivityFactory(TenantFactory):
    class Meta:
        model = Activity

    kind = ActivityKind.CALL
    subject = "Intro call"
    occurred_at = factory.LazyFunction(timezone.now)


def pipeline_for(team: Team):
    with tenancy.use_team(team):
        return pipeline_create_default(team=team)


def stage(team: Team, name: str) -> Stage:
    with tenancy.use_team(team):
        return Stage.objects.get(team=team, name=name)


class DealFactory(TenantFactory):
    class Meta:
        model = Deal

    name = factory.Sequence(lambda n: f"Deal {n}")
    amount = Decimal("12000.00")
    currency = "USD"


class QuotaFactory(TenantFactory):
    class Meta:
        model = Quota

    period_start = factory.LazyFunction(lambda: date.today().replace(day=1))
    period_end = factory.LazyAttribute(lambda o: o.period_start + timedelta(days=90))
    amount = Decimal("100000.00")
