# Leads: indexes no query can use dropped (lower() expressions, which row-level security keeps from
# index conditions; see leads/models/keys.py) or that another index covers (team_id alone, team + company).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('leads', '0011_person_erasure'),
        ('primesync', '0006_outbox_team_unchecked'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='lead',
            name='lead_team_email',
        ),
        migrations.RemoveIndex(
            model_name='lead',
            name='lead_team_company',
        ),
        migrations.RemoveIndex(
            model_name='lead',
            name='lead_team_company_lc',
        ),
        migrations.AlterField(
            model_name='lead',
            name='team',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='primesync.team'),
        ),
    ]
