# Audit triggers read the context (JSON and id) once per statement instead of once per row (primesync.audit).

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('leads', '0013_importfile_content_uncompressed'),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name='activity',
            name='insert_insert',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='activity',
            name='update_update',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='activity',
            name='delete_delete',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='company',
            name='insert_insert',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='company',
            name='update_update',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='company',
            name='delete_delete',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='enrichmentrequest',
            name='insert_insert',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='enrichmentrequest',
            name='update_update',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='enrichmentrequest',
            name='delete_delete',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='enrollment',
            name='insert_insert',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='enrollment',
            name='update_update',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='enrollment',
            name='delete_delete',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='lead',
            name='insert_insert',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='lead',
            name='update_update',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='lead',
            name='delete_delete',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='sequence',
            name='insert_insert',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='sequence',
            name='update_update',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='sequence',
            name='delete_delete',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='sequencestep',
            name='insert_insert',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='sequencestep',
            name='update_update',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='sequencestep',
            name='delete_delete',
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='activity',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "leads_activityevent" ("assigned_to_id", "body", "completed_at", "created_at", "created_by_id", "deal_id", "direction", "due_at", "id", "kind", "lead_id", "occurred_at", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "subject", "team_id") SELECT new_values."assigned_to_id", new_values."body", new_values."completed_at", new_values."created_at", new_values."created_by_id", new_values."deal_id", new_values."direction", new_values."due_at", new_values."id", new_values."kind", new_values."lead_id", new_values."occurred_at", (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB), (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID), NOW(), \'insert\', new_values."id", new_values."subject", new_values."team_id" FROM ( SELECT new_values.* FROM new_values  ) AS new_values; RETURN NULL;', hash='3f0029a7886963c5da299e93487d0c76cd6b4fc4', level='STATEMENT', operation='INSERT', pgid='pgtrigger_insert_insert_cf123', referencing='REFERENCING NEW TABLE AS new_values ', table='leads_activity', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='activity',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "leads_activityevent" ("assigned_to_id", "body", "completed_at", "created_at", "created_by_id", "deal_id", "direction", "due_at", "id", "kind", "lead_id", "occurred_at", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "subject", "team_id") SELECT new_values."assigned_to_id", new_values."body", new_values."completed_at", new_values."created_at", new_values."created_by_id", new_values."deal_id", new_values."direction", new_values."due_at", new_values."id", new_values."kind", new_values."lead_id", new_values."occurred_at", (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB), (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID), NOW(), \'update\', new_values."id", new_values."subject", new_values."team_id" FROM ( SELECT new_values.* FROM new_values  ) AS new_values; RETURN NULL;', hash='e725457124879e418f2962aa7f4c9df4a33b639d', level='STATEMENT', operation='UPDATE', pgid='pgtrigger_update_update_278e1', referencing='REFERENCING OLD TABLE AS old_values  NEW TABLE AS new_values ', table='leads_activity', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='activity',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "leads_activityevent" ("assigned_to_id", "body", "completed_at", "created_at", "created_by_id", "deal_id", "direction", "due_at", "id", "kind", "lead_id", "occurred_at", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "subject", "team_id") SELECT old_values."assigned_to_id", old_values."body", old_values."completed_at", old_values."created_at", old_values."created_by_id", old_values."deal_id", old_values."direction", old_values."due_at", old_values."id", old_values."kind", old_values."lead_id", old_values."occurred_at", (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB), (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID), NOW(), \'delete\', old_values."id", old_values."subject", old_values."team_id" FROM ( SELECT old_values.* FROM old_values  ) AS old_values; RETURN NULL;', hash='b45f5695407f14967d265a10be1b5ca4721022e1', level='STATEMENT', operation='DELETE', pgid='pgtrigger_delete_delete_de0a3', referencing='REFERENCING OLD TABLE AS old_values ', table='leads_activity', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='company',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "leads_companyevent" ("annual_revenue", "created_at", "domain", "employees", "hq_city", "hq_country", "id", "industry", "name", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "team_id", "tech_stack", "updated_at") SELECT new_values."annual_revenue", new_values."created_at", new_values."domain", new_values."employees", new_values."hq_city", new_values."hq_country", new_values."id", new_values."industry", new_values."name", (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB), (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID), NOW(), \'insert\', new_values."id", new_values."team_id", new_values."tech_stack", new_values."updated_at" FROM ( SELECT new_values.* FROM new_values  ) AS new_values; RETURN NULL;', hash='9d1fb7f3eb9b52f31b42fc9b50e1148b7a6b6aaa', level='STATEMENT', operation='INSERT', pgid='pgtrigger_insert_insert_34ec5', referencing='REFERENCING NEW TABLE AS new_values ', table='leads_company', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='company',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "leads_companyevent" ("annual_revenue", "created_at", "domain", "employees", "hq_city", "hq_country", "id", "industry", "name", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "team_id", "tech_stack", "updated_at") SELECT new_values."annual_revenue", new_values."created_at", new_values."domain", new_values."employees", new_values."hq_city", new_values."hq_country", new_values."id", new_values."industry", new_values."name", (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB), (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID), NOW(), \'update\', new_values."id", new_values."team_id", new_values."tech_stack", new_values."updated_at" FROM ( SELECT new_values.* FROM new_values  ) AS new_values; RETURN NULL;', hash='b75ce312dcacd7ced7d0d4dcfbb03e5ba29bc8dd', level='STATEMENT', operation='UPDATE', pgid='pgtrigger_update_update_0ced3', referencing='REFERENCING OLD TABLE AS old_values  NEW TABLE AS new_values ', table='leads_company', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='company',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "leads_companyevent" ("annual_revenue", "created_at", "domain", "employees", "hq_city", "hq_country", "id", "industry", "name", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "team_id", "tech_stack", "updated_at") SELECT old_values."annual_revenue", old_values."created_at", old_values."domain", old_values."employees", old_values."hq_city", old_values."hq_country", old_values."id", old_values."industry", old_values."name", (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB), (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID), NOW(), \'delete\', old_values."id", old_values."team_id", old_values."tech_stack", old_values."updated_at" FROM ( SELECT old_values.* FROM old_values  ) AS old_values; RETURN NULL;', hash='1f5565b5bb96df21612b8d1ad868fda21de04e01', level='STATEMENT', operation='DELETE', pgid='pgtrigger_delete_delete_c1697', referencing='REFERENCING OLD TABLE AS old_values ', table='leads_company', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='enrichmentrequest',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "leads_enrichmentrequestevent" ("batch", "detail", "finished_at", "id", "lead_id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "reason", "requested_at", "requested_by_id", "started_at", "status", "team_id") SELECT new_values."batch", new_values."detail", new_values."finished_at", new_values."id", new_values."lead_id", (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB), (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID), NOW(), \'insert\', new_values."id", new_values."reason", new_values."requested_at", new_values."requested_by_id", new_values."started_at", new_values."status", new_values."team_id" FROM ( SELECT new_values.* FROM new_values  ) AS new_values; RETURN NULL;', hash='2f6becf5e3aa700f2fbce32b4e17f4ac016e500d', level='STATEMENT', operation='INSERT', pgid='pgtrigger_insert_insert_62414', referencing='REFERENCING NEW TABLE AS new_values ', table='leads_enrichmentrequest', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='enrichmentrequest',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "leads_enrichmentrequestevent" ("batch", "detail", "finished_at", "id", "lead_id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "reason", "requested_at", "requested_by_id", "started_at", "status", "team_id") SELECT new_values."batch", new_values."detail", new_values."finished_at", new_values."id", new_values."lead_id", (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB), (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID), NOW(), \'update\', new_values."id", new_values."reason", new_values."requested_at", new_values."requested_by_id", new_values."started_at", new_values."status", new_values."team_id" FROM ( SELECT new_values.* FROM new_values  ) AS new_values; RETURN NULL;', hash='89c421b33d4c7a9fac3488ecbb4a0c723dfa6904', level='STATEMENT', operation='UPDATE', pgid='pgtrigger_update_update_1f878', referencing='REFERENCING OLD TABLE AS old_values  NEW TABLE AS new_values ', table='leads_enrichmentrequest', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='enrichmentrequest',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "leads_enrichmentrequestevent" ("batch", "detail", "finished_at", "id", "lead_id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "reason", "requested_at", "requested_by_id", "started_at", "status", "team_id") SELECT old_values."batch", old_values."detail", old_values."finished_at", old_values."id", old_values."lead_id", (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB), (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID), NOW(), \'delete\', old_values."id", old_values."reason", old_values."requested_at", old_values."requested_by_id", old_values."started_at", old_values."status", old_values."team_id" FROM ( SELECT old_values.* FROM old_values  ) AS old_values; RETURN NULL;', hash='6c882d1e350db532b73825462b7197d7d9b91d69', level='STATEMENT', operation='DELETE', pgid='pgtrigger_delete_delete_05c72', referencing='REFERENCING OLD TABLE AS old_values ', table='leads_enrichmentrequest', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='enrollment',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "leads_enrollmentevent" ("created_at", "enrolled_by_id", "id", "lead_id", "next_send_at", "next_step", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "sequence_id", "status", "stopped_reason", "team_id") SELECT new_values."created_at", new_values."enrolled_by_id", new_values."id", new_values."lead_id", new_values."next_send_at", new_values."next_step", (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB), (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID), NOW(), \'insert\', new_values."id", new_values."sequence_id", new_values."status", new_values."stopped_reason", new_values."team_id" FROM ( SELECT new_values.* FROM new_values  ) AS new_values; RETURN NULL;', hash='aa1912944216853ba52d64e9ffae064d266eff90', level='STATEMENT', operation='INSERT', pgid='pgtrigger_insert_insert_681bd', referencing='REFERENCING NEW TABLE AS new_values ', table='leads_enrollment', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='enrollment',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "leads_enrollmentevent" ("created_at", "enrolled_by_id", "id", "lead_id", "next_send_at", "next_step", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "sequence_id", "status", "stopped_reason", "team_id") SELECT new_values."created_at", new_values."enrolled_by_id", new_values."id", new_values."lead_id", new_values."next_send_at", new_values."next_step", (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB), (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID), NOW(), \'update\', new_values."id", new_values."sequence_id", new_values."status", new_values."stopped_reason", new_values."team_id" FROM ( SELECT new_values.* FROM new_values  ) AS new_values; RETURN NULL;', hash='7d0144e670b93428a72054fe265bc80f6016fef1', level='STATEMENT', operation='UPDATE', pgid='pgtrigger_update_update_558a5', referencing='REFERENCING OLD TABLE AS old_values  NEW TABLE AS new_values ', table='leads_enrollment', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='enrollment',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "leads_enrollmentevent" ("created_at", "enrolled_by_id", "id", "lead_id", "next_send_at", "next_step", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "sequence_id", "status", "stopped_reason", "team_id") SELECT old_values."created_at", old_values."enrolled_by_id", old_values."id", old_values."lead_id", old_values."next_send_at", old_values."next_step", (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB), (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID), NOW(), \'delete\', old_values."id", old_values."sequence_id", old_values."status", old_values."stopped_reason", old_values."team_id" FROM ( SELECT old_values.* FROM old_values  ) AS old_values; RETURN NULL;', hash='bc96145804bfa1698fb07a5065015f59bf675ede', level='STATEMENT', operation='DELETE', pgid='pgtrigger_delete_delete_cb361', referencing='REFERENCING OLD TABLE AS old_values ', table='leads_enrollment', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='lead',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "leads_leadevent" ("company_id", "company_name", "converted_at", "country", "created_at", "email", "email_opt_out", "first_name", "id", "last_name", "owner_id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "phone", "quality_factors", "quality_score", "source", "status", "team_id", "title", "updated_at") SELECT new_values."company_id", new_values."company_name", new_values."converted_at", new_values."country", new_values."created_at", new_values."email", new_values."email_opt_out", new_values."first_name", new_values."id", new_values."last_name", new_values."owner_id", (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB), (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID), NOW(), \'insert\', new_values."id", new_values."phone", new_values."quality_factors", new_values."quality_score", new_values."source", new_values."status", new_values."team_id", new_values."title", new_values."updated_at" FROM ( SELECT new_values.* FROM new_values  ) AS new_values; RETURN NULL;', hash='27994268064224876b369d41a4404dde84d68bcb', level='STATEMENT', operation='INSERT', pgid='pgtrigger_insert_insert_523c0', referencing='REFERENCING NEW TABLE AS new_values ', table='leads_lead', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='lead',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "leads_leadevent" ("company_id", "company_name", "converted_at", "country", "created_at", "email", "email_opt_out", "first_name", "id", "last_name", "owner_id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "phone", "quality_factors", "quality_score", "source", "status", "team_id", "title", "updated_at") SELECT new_values."company_id", new_values."company_name", new_values."converted_at", new_values."country", new_values."created_at", new_values."email", new_values."email_opt_out", new_values."first_name", new_values."id", new_values."last_name", new_values."owner_id", (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB), (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID), NOW(), \'update\', new_values."id", new_values."phone", new_values."quality_factors", new_values."quality_score", new_values."source", new_values."status", new_values."team_id", new_values."title", new_values."updated_at" FROM ( SELECT new_values.* FROM new_values  ) AS new_values; RETURN NULL;', hash='5c97d6c7f2d03894b32563905dc73f8411629f23', level='STATEMENT', operation='UPDATE', pgid='pgtrigger_update_update_17f2d', referencing='REFERENCING OLD TABLE AS old_values  NEW TABLE AS new_values ', table='leads_lead', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='lead',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "leads_leadevent" ("company_id", "company_name", "converted_at", "country", "created_at", "email", "email_opt_out", "first_name", "id", "last_name", "owner_id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "phone", "quality_factors", "quality_score", "source", "status", "team_id", "title", "updated_at") SELECT old_values."company_id", old_values."company_name", old_values."converted_at", old_values."country", old_values."created_at", old_values."email", old_values."email_opt_out", old_values."first_name", old_values."id", old_values."last_name", old_values."owner_id", (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB), (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID), NOW(), \'delete\', old_values."id", old_values."phone", old_values."quality_factors", old_values."quality_score", old_values."source", old_values."status", old_values."team_id", old_values."title", old_values."updated_at" FROM ( SELECT old_values.* FROM old_values  ) AS old_values; RETURN NULL;', hash='367b368fbb405e17d124b7c66f0b00f289471b07', level='STATEMENT', operation='DELETE', pgid='pgtrigger_delete_delete_9ddd5', referencing='REFERENCING OLD TABLE AS old_values ', table='leads_lead', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='sequence',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "leads_sequenceevent" ("active", "created_at", "id", "name", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "team_id") SELECT new_values."active", new_values."created_at", new_values."id", new_values."name", (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB), (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID), NOW(), \'insert\', new_values."id", new_values."team_id" FROM ( SELECT new_values.* FROM new_values  ) AS new_values; RETURN NULL;', hash='e82d66f9e9d7bd2803fe2d84b84d7662bf204f47', level='STATEMENT', operation='INSERT', pgid='pgtrigger_insert_insert_74839', referencing='REFERENCING NEW TABLE AS new_values ', table='leads_sequence', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='sequence',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "leads_sequenceevent" ("active", "created_at", "id", "name", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "team_id") SELECT new_values."active", new_values."created_at", new_values."id", new_values."name", (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB), (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID), NOW(), \'update\', new_values."id", new_values."team_id" FROM ( SELECT new_values.* FROM new_values  ) AS new_values; RETURN NULL;', hash='87b93a405608b53192aef011b8d8f21526586f24', level='STATEMENT', operation='UPDATE', pgid='pgtrigger_update_update_60b14', referencing='REFERENCING OLD TABLE AS old_values  NEW TABLE AS new_values ', table='leads_sequence', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='sequence',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "leads_sequenceevent" ("active", "created_at", "id", "name", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "team_id") SELECT old_values."active", old_values."created_at", old_values."id", old_values."name", (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB), (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID), NOW(), \'delete\', old_values."id", old_values."team_id" FROM ( SELECT old_values.* FROM old_values  ) AS old_values; RETURN NULL;', hash='613178ae030e8294db5306cab984626bc5fc0d80', level='STATEMENT', operation='DELETE', pgid='pgtrigger_delete_delete_4b09a', referencing='REFERENCING OLD TABLE AS old_values ', table='leads_sequence', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='sequencestep',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "leads_sequencestepevent" ("body", "delay_hours", "id", "order", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "sequence_id", "subject", "team_id") SELECT new_values."body", new_values."delay_hours", new_values."id", new_values."order", (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB), (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID), NOW(), \'insert\', new_values."id", new_values."sequence_id", new_values."subject", new_values."team_id" FROM ( SELECT new_values.* FROM new_values  ) AS new_values; RETURN NULL;', hash='4de725c7462ad42eea5bdce655fd2ca3e4d1d1a6', level='STATEMENT', operation='INSERT', pgid='pgtrigger_insert_insert_dd9ac', referencing='REFERENCING NEW TABLE AS new_values ', table='leads_sequencestep', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='sequencestep',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "leads_sequencestepevent" ("body", "delay_hours", "id", "order", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "sequence_id", "subject", "team_id") SELECT new_values."body", new_values."delay_hours", new_values."id", new_values."order", (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB), (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID), NOW(), \'update\', new_values."id", new_values."sequence_id", new_values."subject", new_values."team_id" FROM ( SELECT new_values.* FROM new_values  ) AS new_values; RETURN NULL;', hash='f670fa6aa17ae6e8805a7b0738252298e0114590', level='STATEMENT', operation='UPDATE', pgid='pgtrigger_update_update_1c8ee', referencing='REFERENCING OLD TABLE AS old_values  NEW TABLE AS new_values ', table='leads_sequencestep', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='sequencestep',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "leads_sequencestepevent" ("body", "delay_hours", "id", "order", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "sequence_id", "subject", "team_id") SELECT old_values."body", old_values."delay_hours", old_values."id", old_values."order", (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB), (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID), NOW(), \'delete\', old_values."id", old_values."sequence_id", old_values."subject", old_values."team_id" FROM ( SELECT old_values.* FROM old_values  ) AS old_values; RETURN NULL;', hash='26ac3c976bf647ec13d7c548f2f13087c97bfccb', level='STATEMENT', operation='DELETE', pgid='pgtrigger_delete_delete_a2ded', referencing='REFERENCING OLD TABLE AS old_values ', table='leads_sequencestep', when='AFTER')),
        ),
    ]
