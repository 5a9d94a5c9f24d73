# Audit triggers read the context (JSON and id) once per statement instead of once per row (primesync.audit).

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('deals', '0006_alerts'),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name='deal',
            name='insert_insert',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='deal',
            name='update_update',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='deal',
            name='delete_delete',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='pipeline',
            name='insert_insert',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='pipeline',
            name='update_update',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='pipeline',
            name='delete_delete',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='quota',
            name='insert_insert',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='quota',
            name='update_update',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='quota',
            name='delete_delete',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='stage',
            name='insert_insert',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='stage',
            name='update_update',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='stage',
            name='delete_delete',
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='deal',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "deals_dealevent" ("amount", "closed_at", "company_id", "created_at", "currency", "expected_close_date", "id", "lead_id", "lost_reason", "name", "next_step", "next_step_due", "owner_id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "pipeline_id", "stage_entered_at", "stage_id", "team_id", "updated_at") SELECT new_values."amount", new_values."closed_at", new_values."company_id", new_values."created_at", new_values."currency", new_values."expected_close_date", new_values."id", new_values."lead_id", new_values."lost_reason", new_values."name", new_values."next_step", new_values."next_step_due", new_values."owner_id", (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB), (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID), NOW(), \'insert\', new_values."id", new_values."pipeline_id", new_values."stage_entered_at", new_values."stage_id", new_values."team_id", new_values."updated_at" FROM ( SELECT new_values.* FROM new_values  ) AS new_values; RETURN NULL;', hash='5c6d4352e7f828709d2b4300a1b3f0a4f0695ea2', level='STATEMENT', operation='INSERT', pgid='pgtrigger_insert_insert_107f7', referencing='REFERENCING NEW TABLE AS new_values ', table='deals_deal', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='deal',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "deals_dealevent" ("amount", "closed_at", "company_id", "created_at", "currency", "expected_close_date", "id", "lead_id", "lost_reason", "name", "next_step", "next_step_due", "owner_id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "pipeline_id", "stage_entered_at", "stage_id", "team_id", "updated_at") SELECT new_values."amount", new_values."closed_at", new_values."company_id", new_values."created_at", new_values."currency", new_values."expected_close_date", new_values."id", new_values."lead_id", new_values."lost_reason", new_values."name", new_values."next_step", new_values."next_step_due", new_values."owner_id", (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB), (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID), NOW(), \'update\', new_values."id", new_values."pipeline_id", new_values."stage_entered_at", new_values."stage_id", new_values."team_id", new_values."updated_at" FROM ( SELECT new_values.* FROM new_values  ) AS new_values; RETURN NULL;', hash='0b67baab2b499c2e5db911c4d037c15f0e1f7214', level='STATEMENT', operation='UPDATE', pgid='pgtrigger_update_update_e9aad', referencing='REFERENCING OLD TABLE AS old_values  NEW TABLE AS new_values ', table='deals_deal', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='deal',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "deals_dealevent" ("amount", "closed_at", "company_id", "created_at", "currency", "expected_close_date", "id", "lead_id", "lost_reason", "name", "next_step", "next_step_due", "owner_id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "pipeline_id", "stage_entered_at", "stage_id", "team_id", "updated_at") SELECT old_values."amount", old_values."closed_at", old_values."company_id", old_values."created_at", old_values."currency", old_values."expected_close_date", old_values."id", old_values."lead_id", old_values."lost_reason", old_values."name", old_values."next_step", old_values."next_step_due", old_values."owner_id", (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB), (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID), NOW(), \'delete\', old_values."id", old_values."pipeline_id", old_values."stage_entered_at", old_values."stage_id", old_values."team_id", old_values."updated_at" FROM ( SELECT old_values.* FROM old_values  ) AS old_values; RETURN NULL;', hash='8a7bd1cfe9bb9b518871b42b298b12356097f825', level='STATEMENT', operation='DELETE', pgid='pgtrigger_delete_delete_8271c', referencing='REFERENCING OLD TABLE AS old_values ', table='deals_deal', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='pipeline',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "deals_pipelineevent" ("created_at", "id", "is_default", "name", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "team_id") SELECT new_values."created_at", new_values."id", new_values."is_default", new_values."name", (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB), (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID), NOW(), \'insert\', new_values."id", new_values."team_id" FROM ( SELECT new_values.* FROM new_values  ) AS new_values; RETURN NULL;', hash='b53c85d2e940e42edea8e2e27154a97b89658dc3', level='STATEMENT', operation='INSERT', pgid='pgtrigger_insert_insert_59833', referencing='REFERENCING NEW TABLE AS new_values ', table='deals_pipeline', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='pipeline',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "deals_pipelineevent" ("created_at", "id", "is_default", "name", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "team_id") SELECT new_values."created_at", new_values."id", new_values."is_default", new_values."name", (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB), (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID), NOW(), \'update\', new_values."id", new_values."team_id" FROM ( SELECT new_values.* FROM new_values  ) AS new_values; RETURN NULL;', hash='d0056d5367b449932fcd7d108624de3cc4bc36de', level='STATEMENT', operation='UPDATE', pgid='pgtrigger_update_update_25979', referencing='REFERENCING OLD TABLE AS old_values  NEW TABLE AS new_values ', table='deals_pipeline', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='pipeline',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "deals_pipelineevent" ("created_at", "id", "is_default", "name", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "team_id") SELECT old_values."created_at", old_values."id", old_values."is_default", old_values."name", (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB), (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID), NOW(), \'delete\', old_values."id", old_values."team_id" FROM ( SELECT old_values.* FROM old_values  ) AS old_values; RETURN NULL;', hash='813f08b4ed49701e91e194f08b490919d5108eba', level='STATEMENT', operation='DELETE', pgid='pgtrigger_delete_delete_3e785', referencing='REFERENCING OLD TABLE AS old_values ', table='deals_pipeline', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='quota',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "deals_quotaevent" ("amount", "id", "period_end", "period_start", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "team_id", "user_id") SELECT new_values."amount", new_values."id", new_values."period_end", new_values."period_start", (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB), (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID), NOW(), \'insert\', new_values."id", new_values."team_id", new_values."user_id" FROM ( SELECT new_values.* FROM new_values  ) AS new_values; RETURN NULL;', hash='6911849abe7a5582e00c3577137bd9d1d0d1b7c2', level='STATEMENT', operation='INSERT', pgid='pgtrigger_insert_insert_4a70a', referencing='REFERENCING NEW TABLE AS new_values ', table='deals_quota', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='quota',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "deals_quotaevent" ("amount", "id", "period_end", "period_start", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "team_id", "user_id") SELECT new_values."amount", new_values."id", new_values."period_end", new_values."period_start", (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB), (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID), NOW(), \'update\', new_values."id", new_values."team_id", new_values."user_id" FROM ( SELECT new_values.* FROM new_values  ) AS new_values; RETURN NULL;', hash='993ec43686fd62bf165dea22ba80c249f72f5b32', level='STATEMENT', operation='UPDATE', pgid='pgtrigger_update_update_30756', referencing='REFERENCING OLD TABLE AS old_values  NEW TABLE AS new_values ', table='deals_quota', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='quota',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "deals_quotaevent" ("amount", "id", "period_end", "period_start", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "team_id", "user_id") SELECT old_values."amount", old_values."id", old_values."period_end", old_values."period_start", (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB), (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID), NOW(), \'delete\', old_values."id", old_values."team_id", old_values."user_id" FROM ( SELECT old_values.* FROM old_values  ) AS old_values; RETURN NULL;', hash='d744dfab2207a23074cc77d6be9542e9f4e7f6a9', level='STATEMENT', operation='DELETE', pgid='pgtrigger_delete_delete_f0624', referencing='REFERENCING OLD TABLE AS old_values ', table='deals_quota', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='stage',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "deals_stageevent" ("id", "kind", "name", "order", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "pipeline_id", "stale_after_days", "team_id", "win_probability") SELECT new_values."id", new_values."kind", new_values."name", new_values."order", (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB), (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID), NOW(), \'insert\', new_values."id", new_values."pipeline_id", new_values."stale_after_days", new_values."team_id", new_values."win_probability" FROM ( SELECT new_values.* FROM new_values  ) AS new_values; RETURN NULL;', hash='00b564d8e7bc1349bc8d825d6c70112d46775eb6', level='STATEMENT', operation='INSERT', pgid='pgtrigger_insert_insert_684f6', referencing='REFERENCING NEW TABLE AS new_values ', table='deals_stage', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='stage',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "deals_stageevent" ("id", "kind", "name", "order", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "pipeline_id", "stale_after_days", "team_id", "win_probability") SELECT new_values."id", new_values."kind", new_values."name", new_values."order", (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB), (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID), NOW(), \'update\', new_values."id", new_values."pipeline_id", new_values."stale_after_days", new_values."team_id", new_values."win_probability" FROM ( SELECT new_values.* FROM new_values  ) AS new_values; RETURN NULL;', hash='669618ab86b50b28547226da4f63b0caa0106c76', level='STATEMENT', operation='UPDATE', pgid='pgtrigger_update_update_554d3', referencing='REFERENCING OLD TABLE AS old_values  NEW TABLE AS new_values ', table='deals_stage', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='stage',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "deals_stageevent" ("id", "kind", "name", "order", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "pipeline_id", "stale_after_days", "team_id", "win_probability") SELECT old_values."id", old_values."kind", old_values."name", old_values."order", (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB), (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID), NOW(), \'delete\', old_values."id", old_values."pipeline_id", old_values."stale_after_days", old_values."team_id", old_values."win_probability" FROM ( SELECT old_values.* FROM old_values  ) AS old_values; RETURN NULL;', hash='0429484b3c15ab24df5c81d066d4fe47a2af7a6e', level='STATEMENT', operation='DELETE', pgid='pgtrigger_delete_delete_51972', referencing='REFERENCING OLD TABLE AS old_values ', table='deals_stage', when='AFTER')),
        ),
    ]
