"""Demo: every demo lead waits for enrichment, so the workers fill the panels in the first minute of `make run`."""

from enrichment.models import LeadEnrichment
from leads.models import Lead
from leads.services import enrichment_request
from primesync import demo


@demo.register(40)
def queue_demo_enrichment(ctx: demo.DemoTeam) -> None:
    leads = list(Lead.objects.filter(team=ctx.team).exclude(
        pk__in=LeadEnrichment.objects.filter(team=ctx.team).values("lead_id")))
    enrichment_request(team=ctx.team, by=None, leads=leads, reason="demo")
