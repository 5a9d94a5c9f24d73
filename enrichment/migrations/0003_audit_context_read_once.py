# Audit triggers read the context (JSON and id) once per statement instead of once per row (primesync.audit).

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('enrichment', '0002_quality'),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name='leadenrichment',
            name='insert_insert',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='leadenrichment',
            name='update_update',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='leadenrichment',
            name='delete_delete',
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='leadenrichment',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "enrichment_leadenrichmentevent" ("applied", "chosen", "detail", "email_did_you_mean", "email_disposable", "email_free", "email_status", "email_sub_status", "enriched_at", "id", "lead_id", "linkedin_url", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "phone_e164", "phone_type", "score", "status", "team_id", "updated_at") SELECT new_values."applied", new_values."chosen", new_values."detail", new_values."email_did_you_mean", new_values."email_disposable", new_values."email_free", new_values."email_status", new_values."email_sub_status", new_values."enriched_at", new_values."id", new_values."lead_id", new_values."linkedin_url", (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB), (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID), NOW(), \'insert\', new_values."id", new_values."phone_e164", new_values."phone_type", new_values."score", new_values."status", new_values."team_id", new_values."updated_at" FROM ( SELECT new_values.* FROM new_values  ) AS new_values; RETURN NULL;', hash='65c65736278c292ec6ab2f99328208121f608e07', level='STATEMENT', operation='INSERT', pgid='pgtrigger_insert_insert_811c2', referencing='REFERENCING NEW TABLE AS new_values ', table='enrichment_leadenrichment', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='leadenrichment',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "enrichment_leadenrichmentevent" ("applied", "chosen", "detail", "email_did_you_mean", "email_disposable", "email_free", "email_status", "email_sub_status", "enriched_at", "id", "lead_id", "linkedin_url", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "phone_e164", "phone_type", "score", "status", "team_id", "updated_at") SELECT new_values."applied", new_values."chosen", new_values."detail", new_values."email_did_you_mean", new_values."email_disposable", new_values."email_free", new_values."email_status", new_values."email_sub_status", new_values."enriched_at", new_values."id", new_values."lead_id", new_values."linkedin_url", (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB), (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID), NOW(), \'update\', new_values."id", new_values."phone_e164", new_values."phone_type", new_values."score", new_values."status", new_values."team_id", new_values."updated_at" FROM ( SELECT new_values.* FROM new_values  ) AS new_values; RETURN NULL;', hash='75478accf6ef31059e8fcf1cd049f861c7ec42e1', level='STATEMENT', operation='UPDATE', pgid='pgtrigger_update_update_ad770', referencing='REFERENCING OLD TABLE AS old_values  NEW TABLE AS new_values ', table='enrichment_leadenrichment', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='leadenrichment',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "enrichment_leadenrichmentevent" ("applied", "chosen", "detail", "email_did_you_mean", "email_disposable", "email_free", "email_status", "email_sub_status", "enriched_at", "id", "lead_id", "linkedin_url", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "phone_e164", "phone_type", "score", "status", "team_id", "updated_at") SELECT old_values."applied", old_values."chosen", old_values."detail", old_values."email_did_you_mean", old_values."email_disposable", old_values."email_free", old_values."email_status", old_values."email_sub_status", old_values."enriched_at", old_values."id", old_values."lead_id", old_values."linkedin_url", (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB), (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID), NOW(), \'delete\', old_values."id", old_values."phone_e164", old_values."phone_type", old_values."score", old_values."status", old_values."team_id", old_values."updated_at" FROM ( SELECT old_values.* FROM old_values  ) AS old_values; RETURN NULL;', hash='c1625f8fbc515ca4fd48b3582bc037e2a11788ee', level='STATEMENT', operation='DELETE', pgid='pgtrigger_delete_delete_8f4a9', referencing='REFERENCING OLD TABLE AS old_values ', table='enrichment_leadenrichment', when='AFTER')),
        ),
    ]
