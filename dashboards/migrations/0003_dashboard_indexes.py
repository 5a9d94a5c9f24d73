"""Indexes the dashboard's metrics read from, found with EXPLAIN ANALYZE at 1M deals and 1M leads (bench/dashboard.py,
docs/BENCHMARKS.md). Those on the deals and leads tables are created here, not in their apps: only the dashboards
read them, and the leads and deals apps know nothing of dashboards.

Built CONCURRENTLY (so the migration is not atomic): a deploy does not block writes to the deals and leads
tables while they build (a few seconds each at that size).
"""

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models

# name, table, definition, why
INDEXES = [
    ("dashboard_deal_stage_closed", "deals_deal", "(team_id, stage_id, closed_at) INCLUDE (amount, owner_id, created_at, "
     "lead_id)", "deals won in a period (forecast, velocity, leaderboard) and the won leads (lead to won), "
     "from the index alone"),
    ("dashboard_deal_stage_close_date", "deals_deal", "(team_id, stage_id, expected_close_date) INCLUDE (amount, "
     "owner_id)", "open deals expected to close in a period (forecast), from the index alone"),
    ("dashboard_leadsla_started", "leads_leadsla", "(team_id, started_at) INCLUDE (lead_id, response_seconds, "
     "breached_at)", "the speed-to-lead clocks of a period (response time, leaderboard): it had none"),
    ("dashboard_activity_occurred", "leads_activity", "(team_id, occurred_at) INCLUDE (created_by_id)",
     "activities logged in a period, per person (leaderboard): it had none"),
]


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("dashboards", "0002_metrics"),
        ("deals", "0006_alerts"),
        ("leads", "0005_routing"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="dealstagechange",
            index=models.Index(fields=["team", "changed_at"],
                               include=["from_stage", "seconds_in_from_stage", "owner", "deal", "pipeline"],
                               name="dealstagechange_period"),
        ),
        AddIndexConcurrently(
            model_name="dealstagechange",
            index=models.Index(fields=["team", "deal", "changed_at"], include=["to_stage"],
                               name="dealstagechange_path"),
        ),
        RemoveIndexConcurrently(model_name="dealstagechange", name="dealstagechange_team_at"),
        RemoveIndexConcurrently(model_name="dealstagechange", name="dealstagechange_team_deal"),
        *(
            migrations.RunSQL(
                sql=[f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {table} {definition}",
                     f"COMMENT ON INDEX {name} IS 'dashboards: {why}'"],
                reverse_sql=f"DROP INDEX CONCURRENTLY IF EXISTS {name}",
            )
            for name, table, definition, why in INDEXES
        ),
    ]
