"""Demo companies, leads and their activity history (registered with primesync.demo)."""

from __future__ import annotations

from datetime import timedelta

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
