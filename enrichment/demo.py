"""Demo: every demo lead waits for enrichment, so the workers fill the panels (and score the leads) in the
first minute of `make run`; the quality trend gets a past."""

from datetime import timedelta

from enrichment.models import LeadEnrichment, QualitySnapshot
from leads.models import Lead
from leads.services import enrichment_request
from primesync import demo

MESSY = [  # what badge scans and hurried typing leave behind, for the quality queue and "did you mean"
    ("Priya", "Raman", "", "Badge scan, booth 14"), ("Tom", "Keller", "", "Badge scan, booth 14"),
    ("Lena", "Berg", "", "Northwind"), ("Omar", "Haddad", "", ""), ("Chen", "Wei", "", "Contoso"),
    ("Jane", "Roe", "jane.roe@gmial.com", ""), ("Sam", "Ortiz", "sam.ortiz@yaho.com", ""),
    ("Ada", "Nwosu", "ada.nwosu@hotmial.com", ""), ("Max", "Vogel", "maxv@mailinator.com", ""),
]


@demo.register(39)
def seed_messy_leads(ctx: demo.DemoTeam) -> None:
    Lead.objects.bulk_create([
        Lead(team=ctx.team, first_name=first, last_name=last, email=email, company_name=company,
             owner=ctx.reps[i % len(ctx.reps)], source="event", created_at=ctx.moment(i % 5))
        for i, (first, last, email, company) in enumerate(MESSY)])


@demo.register(40)
def queue_demo_enrichment(ctx: demo.DemoTeam) -> None:
    leads = list(Lead.objects.filter(team=ctx.team).exclude(
        pk__in=LeadEnrichment.objects.filter(team=ctx.team).values("lead_id")))
    enrichment_request(team=ctx.team, by=None, leads=leads, reason="demo")


# Share of leads per band of 10 points four weeks ago, and where a team that cleans its data ends up.
HISTORY_FROM = (3, 4, 6, 6, 6, 10, 15, 15, 10, 25)
HISTORY_TO = (0, 0, 1, 0, 0, 3, 10, 14, 9, 63)


@demo.register(41)
def seed_quality_history(ctx: demo.DemoTeam) -> None:
    """Four weeks of nightly snapshots, so the /quality/ trend chart has a past (the nightly job adds a day
    at a time from now on): poor leads giving way to good ones."""
    total = Lead.objects.filter(team=ctx.team).count() or 1
    snapshots = []
    for days_ago in range(28, 0, -1):
        progress = 1 - days_ago / 28
        weights = [max(0.0, a + (b - a) * progress + ctx.rng.uniform(-0.8, 0.8)) for a, b in
                   zip(HISTORY_FROM, HISTORY_TO, strict=True)]
        histogram = [round(total * w / sum(weights)) for w in weights]
        leads = sum(histogram)
        average = round(sum((10 * band + 5) * n for band, n in enumerate(histogram)) / leads, 1)
        snapshots.append(QualitySnapshot(team=ctx.team, day=ctx.today - timedelta(days=days_ago), histogram=histogram,
                                         average=average, leads=leads, in_review=sum(histogram[:5]) // 3))
    QualitySnapshot.objects.bulk_create(snapshots, ignore_conflicts=True)
