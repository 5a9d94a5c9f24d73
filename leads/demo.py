"""Demo companies, leads and their activity history (registered with primesync.demo)."""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.utils import timezone
from faker import Faker

from leads.models import Activity, ActivityKind, Company, Lead, LeadSource, LeadStatus
from primesync import demo

COMPANIES_PER_TEAM = 45
LEADS_PER_TEAM = 320
INDUSTRIES = ["Software", "Fintech", "Healthcare", "Logistics", "Retail", "Manufacturing", "Media", "Education"]
COUNTRIES = ["US", "US", "US", "GB", "DE", "FR", "NL", "ES", "CA", "BR", "AU", "SG"]
TITLES = [
    "VP Sales", "Head of Operations", "CTO", "Procurement Manager", "Director of Marketing",
    "Revenue Operations Lead", "CFO", "IT Manager", "Founder & CEO", "Sales Development Manager",
]
TECH = ["Salesforce", "HubSpot", "AWS", "GCP", "Azure", "Snowflake", "Slack", "Zendesk", "Stripe", "Segment"]
STATUS_WEIGHTS = [
    (LeadStatus.NEW, 35), (LeadStatus.WORKING, 30), (LeadStatus.QUALIFIED, 15),
    (LeadStatus.DISQUALIFIED, 12), (LeadStatus.CONVERTED, 8),
]
CALL_NOTES = [
    "Left a voicemail, will try again tomorrow.", "Intro call: interested in a pilot for Q1.",
    "Asked for pricing for 25 seats.", "Gatekeeper: send an email to the team alias.",
    "Discussed current tooling and pain points.", "Not the decision maker; referred to the VP.",
]


LOGGED_KINDS = [ActivityKind.CALL, ActivityKind.CALL, ActivityKind.EMAIL, ActivityKind.NOTE, ActivityKind.MEETING]


def _phone(rng) -> str:
    return f"+1 {rng.randint(201, 989)} {rng.randint(200, 999)} {rng.randint(1000, 9999)}"


def _pick_weighted(rng, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights, k=1)[0]


@demo.register(10)
def seed_leads(ctx: demo.DemoTeam) -> None:
    rng = ctx.rng
    fake = Faker("en_US")
    fake.seed_instance(rng.randint(0, 10**6))
    companies = []
    names_seen = set()
    while len(companies) < COMPANIES_PER_TEAM:
        name = fake.company()
        if name in names_seen:
            continue
        names_seen.add(name)
        slug = "".join(ch for ch in name.lower() if ch.isalnum())[:24]
        companies.append(Company(
            team=ctx.team,
            name=name,
            domain=f"{slug}.com",
            industry=rng.choice(INDUSTRIES),
            employees=rng.choice([12, 40, 85, 150, 320, 800, 2500, 12000]),
            annual_revenue=rng.choice([1, 4, 9, 25, 60, 140, 500]) * 1_000_000,
            tech_stack=rng.sample(TECH, k=rng.randint(2, 5)),
            hq_city=fake.city(),
            hq_country=rng.choice(COUNTRIES),
            created_at=ctx.moment(rng.randint(60, 200)),
        ))
    companies = Company.objects.bulk_create(companies)

    leads = []
    for i in range(LEADS_PER_TEAM):
        company = rng.choice(companies)
        first, last = fake.first_name(), fake.last_name()
        status = _pick_weighted(rng, STATUS_WEIGHTS)
        owner = None if (status == LeadStatus.NEW and rng.random() < 0.3) else rng.choice(ctx.sellers)
        created = ctx.moment(rng.randint(0, 120))
        leads.append(Lead(
            team=ctx.team,
            first_name=first,
            last_name=last,
            email=f"{first}.{last}{i}@{company.domain}".lower(),
            phone=_phone(rng) if rng.random() < 0.75 else "",
            title=rng.choice(TITLES),
            company=company if status == LeadStatus.CONVERTED or rng.random() < 0.6 else None,
            company_name=company.name,
            country=company.hq_country,
            owner=owner,
            status=status,
            source=rng.choice([s for s in LeadSource.values if s != LeadSource.IMPORT]),
            converted_at=created + timedelta(days=rng.randint(3, 20)) if status == LeadStatus.CONVERTED else None,
            created_at=created,
        ))
    leads = Lead.objects.bulk_create(leads)

    activities = []
    for lead in leads:
        if lead.owner is None:
            continue
        age = (timezone.now() - lead.created_at).days
        for _ in range(rng.randint(0, 4)):
            kind = rng.choice(LOGGED_KINDS)
            activities.append(Activity(
                team=ctx.team, kind=kind, lead=lead, created_by=lead.owner,
                subject={"call": "Call", "email": "Email sent", "note": "Note", "meeting": "Discovery meeting"}[kind],
                body=rng.choice(CALL_NOTES), occurred_at=ctx.moment(rng.randint(0, max(age, 0))),
            ))
        if lead.status in (LeadStatus.NEW, LeadStatus.WORKING) and rng.random() < 0.35:
            due = timezone.now() + timedelta(days=rng.randint(-3, 5), hours=rng.randint(0, 6))
            activities.append(Activity(
                team=ctx.team, kind=ActivityKind.TASK, lead=lead, created_by=lead.owner, assigned_to=lead.owner,
                subject=rng.choice(["Follow up call", "Send proposal", "Book a demo", "Check in after trial"]),
                due_at=due, occurred_at=due,
            ))
    Activity.objects.bulk_create(activities)
    ctx.made["companies"] = companies
    ctx.made["leads"] = leads


@demo.register(30)
def seed_routing_and_sequences(ctx: demo.DemoTeam) -> None:
    """A catch-all assignment rule over the team's reps, the default SLA policy, and a follow-up sequence."""
    from leads.models import AssignmentMember, AssignmentRule, LeadSettings, RepAvailability, Sequence, SequenceStep

    rule = AssignmentRule.objects.create(team=ctx.team, name="Inbound round robin", priority=100)
    for rep in ctx.reps:
        AssignmentMember.objects.create(team=ctx.team, rule=rule, user=rep, weight=1)
        # the demo reps already own about 80 open leads each; room for the new ones
        RepAvailability.objects.create(team=ctx.team, user=rep, max_open_leads=150)
    LeadSettings.objects.create(team=ctx.team)
    sequence = Sequence.objects.create(team=ctx.team, name="New inbound lead follow-up")
    SequenceStep.objects.create(
        team=ctx.team, sequence=sequence, order=1, delay_hours=0, subject="Thanks for reaching out, {first_name}",
        body="Hi {first_name},\n\nThanks for your interest. Here is a two-minute tour: https://example.com/tour\n\n"
             "Would a 20-minute call this week work for {company}?\n\n{sender}",
    )
    SequenceStep.objects.create(
        team=ctx.team, sequence=sequence, order=2, delay_hours=72, subject="Following up",
        body="Hi {first_name}, just checking whether you had a chance to look. Happy to help.\n\n{sender}",
    )


@demo.register(31)
def seed_speed_to_lead(ctx: demo.DemoTeam) -> None:
    """The SLA clocks the seeded leads would have had (their LEAD_CREATED events are marked delivered): most
    leads touched by a first call within minutes to hours, some late (breached), a few not yet."""
    from leads.assignment import lead_settings
    from leads.models import LeadSla
    from leads.working_hours import Hours, add_working_minutes

    rng, now = ctx.rng, timezone.now()
    policy = lead_settings(ctx.team.pk)
    hours = Hours(policy.work_start, policy.work_end, policy.work_days, ctx.team.time_zone)
    first = dict(Activity.objects.filter(team=ctx.team, lead__isnull=False).exclude(kind=ActivityKind.TASK)
                 .values_list("lead_id").annotate(first=models.Min("occurred_at")))
    clocks, calls = [], []
    for lead in Lead.objects.filter(team=ctx.team, owner__isnull=False):
        due = add_working_minutes(lead.created_at, policy.sla_minutes, hours)
        touch = None
        if rng.random() < 0.9:
            call_at = lead.created_at + timedelta(minutes=min(3 * 24 * 60, rng.lognormvariate(3.6, 1.2)))
            if call_at < now:
                calls.append(Activity(team=ctx.team, kind=ActivityKind.CALL, lead=lead, created_by=lead.owner,
                                      subject="First call", body=rng.choice(CALL_NOTES), occurred_at=call_at))
                touch = min(call_at, first.get(lead.pk, call_at))
        clocks.append(LeadSla(
            team=ctx.team, lead=lead, started_at=lead.created_at, due_at=due, first_touch_at=touch,
            response_seconds=max(0, int((touch - lead.created_at).total_seconds())) if touch else None,
            breached_at=due if (touch or now) > due else None))
    Activity.objects.bulk_create(calls)
    LeadSla.objects.bulk_create(clocks)


@demo.register(38)
def seed_duplicate_leads(ctx: demo.DemoTeam) -> None:
    """A few people entered twice (a badge scan after a web form, a hurried retype), for /duplicates/."""
    rng = ctx.rng
    originals = [lead for lead in ctx.made.get("leads", []) if lead.owner_id and len(lead.first_name) > 3][:10]
    twins = []
    for i, lead in enumerate(originals):
        domain = lead.email.split("@")[1]
        twin = Lead(team=ctx.team, first_name=lead.first_name, last_name=lead.last_name, email=lead.email.upper(),
                    phone=lead.phone, title=lead.title, company_name=lead.company_name, country=lead.country,
                    owner=lead.owner, source=LeadSource.EVENT, created_at=ctx.moment(rng.randint(0, 10)))
        if i % 3 == 1:  # a letter dropped from the first name, another address at the same company
            twin.first_name = lead.first_name[:2] + lead.first_name[3:]
            twin.email = f"{lead.first_name[0]}{lead.last_name}@{domain}".lower()
            twin.company_name = f"{lead.company_name}, Inc."
        elif i % 3 == 2 and lead.phone:  # the phone as people write it, no email
            digits = "".join(ch for ch in lead.phone if ch.isdigit())[-10:]
            twin.phone, twin.email = f"({digits[:3]}) {digits[3:6]}-{digits[6:]}", ""
        twins.append(twin)
    Lead.objects.bulk_create(twins)


@demo.register(42)
def find_demo_duplicates(ctx: demo.DemoTeam) -> None:
    from leads.duplicates import scan

    scan(team_id=ctx.team.pk)
