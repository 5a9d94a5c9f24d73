# Outbox events: no single-column team index and no foreign-key check (see OutboxEvent.team for why).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('primesync', '0005_webhooks'),
    ]

    operations = [
        migrations.AlterField(
            model_name='outboxevent',
            name='team',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='primesync.team'),
        ),
    ]
