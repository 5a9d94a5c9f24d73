# CSV imports of leads (issue 7): the uploaded file, the import job, its rejected rows, saved mappings.

import django.contrib.postgres.fields
import django.db.models.deletion
import django.utils.timezone
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('leads', '0007_enrichmentrequest_started_at'),
        ('primesync', '0003_handler_failure'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ImportFile',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=255)),
                ('sha256', models.CharField(max_length=64)),
                ('size', models.PositiveIntegerField()),
                ('content', models.BinaryField()),
                ('uploaded_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                ('team', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='primesync.team')),
                ('uploaded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
        ),
        migrations.CreateModel(
            name='ImportMapping',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100)),
                ('headers_signature', models.CharField(help_text='SHA-256 of the normalised headers, in order', max_length=64)),
                ('headers', models.JSONField(default=list)),
                ('mapping', models.JSONField(default=dict, help_text='CSV header → lead field')),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('team', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='primesync.team')),
            ],
        ),
        migrations.CreateModel(
            name='LeadImport',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('file_sha256', models.CharField(max_length=64)),
                ('file_name', models.CharField(max_length=255)),
                ('headers', models.JSONField(default=list, help_text="The file's column names, in order")),
                ('mapping', models.JSONField(default=dict, help_text='CSV header → lead field')),
                ('on_duplicate', models.CharField(choices=[('skip', 'Skip them'), ('update_empty', 'Fill in their empty fields'), ('create', 'Create them anyway')], default='skip', max_length=12)),
                ('phone_region', models.CharField(default='US', help_text='For phone numbers without +country code', max_length=2)),
                ('status', models.CharField(choices=[('pending', 'Waiting for a worker'), ('running', 'Running'), ('done', 'Done'), ('failed', 'Failed')], default='pending', max_length=10)),
                ('detail', models.CharField(blank=True, help_text='Why it failed', max_length=500)),
                ('total', models.PositiveIntegerField(default=0, help_text='Data rows in the file')),
                ('checked', models.PositiveIntegerField(default=0, help_text='Rows validated so far')),
                ('processed', models.PositiveIntegerField(default=0, help_text='Rows written or skipped so far')),
                ('lines_done', models.PositiveIntegerField(default=0, help_text='Last line whose outcome is committed (resume point)')),
                ('created', models.PositiveIntegerField(default=0)),
                ('updated', models.PositiveIntegerField(default=0)),
                ('duplicates', models.PositiveIntegerField(default=0)),
                ('rejected', models.PositiveIntegerField(default=0)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                ('started_at', models.DateTimeField(blank=True, null=True)),
                ('heartbeat_at', models.DateTimeField(blank=True, help_text='Last sign of life of the worker running it', null=True)),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('default_owner', models.ForeignKey(blank=True, help_text='Owner of rows without an owner column value; none: the routing rules assign them', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('file', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='imports', to='leads.importfile')),
                ('team', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='primesync.team')),
            ],
        ),
        migrations.CreateModel(
            name='ImportRowError',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('line', models.PositiveIntegerField()),
                ('reason', models.CharField(max_length=1000)),
                ('values', django.contrib.postgres.fields.ArrayField(base_field=models.TextField(), default=list, size=None)),
                ('team', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='primesync.team')),
                ('lead_import', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='row_errors', to='leads.leadimport')),
            ],
        ),
        migrations.AddIndex(
            model_name='importfile',
            index=models.Index(fields=['team', 'uploaded_at'], name='importfile_team_uploaded'),
        ),
        migrations.AddConstraint(
            model_name='importmapping',
            constraint=models.UniqueConstraint(fields=('team', 'headers_signature'), name='importmapping_team_headers'),
        ),
        migrations.AddIndex(
            model_name='leadimport',
            index=models.Index(fields=['team', 'id'], name='leadimport_team_id'),
        ),
        migrations.AddIndex(
            model_name='leadimport',
            index=models.Index(fields=['team', 'created_by', 'id'], name='leadimport_team_user'),
        ),
        migrations.AddIndex(
            model_name='leadimport',
            index=models.Index(fields=['team', 'status'], name='leadimport_team_status'),
        ),
        migrations.AddConstraint(
            model_name='leadimport',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'failed'), _negated=True), fields=('team', 'file_sha256'), name='leadimport_once_per_file'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='leadimport',
            trigger=pgtrigger.compiler.Trigger(name='outbox_import_requested', sql=pgtrigger.compiler.UpsertTriggerSql(func="INSERT INTO primesync_outboxevent (team_id, type, entity_type, entity_id, payload, context, correlation_id, created_at) SELECT n.team_id, 'IMPORT_REQUESTED', 'import', n.id, jsonb_build_object('created_by_id', n.created_by_id), ctx.c, COALESCE(ctx.c->>'correlation_id', ''), now() FROM new_values n, (SELECT NULLIF(current_setting('pghistory.context_metadata', true), '')::jsonb AS c) AS ctx; RETURN NULL;", hash='21c0a82739c17ae10da527b59a855ba0ca0f7e45', level='STATEMENT', operation='INSERT', pgid='pgtrigger_outbox_import_requested_37868', referencing='REFERENCING NEW TABLE AS new_values ', table='leads_leadimport', when='AFTER')),
        ),
        migrations.AddIndex(
            model_name='importrowerror',
            index=models.Index(fields=['team', 'lead_import', 'line'], name='importrowerror_import_line'),
        ),
    ]
