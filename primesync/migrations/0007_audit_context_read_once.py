# Audit triggers read the context (JSON and id) once per statement instead of once per row (primesync.audit).

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('primesync', '0006_outbox_team_unchecked'),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name='membership',
            name='insert_insert',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='membership',
            name='update_update',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='membership',
            name='delete_delete',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='team',
            name='insert_insert',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='team',
            name='update_update',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='team',
            name='delete_delete',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='user',
            name='insert_insert',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='user',
            name='update_update',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='user',
            name='delete_delete',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='webhookendpoint',
            name='insert_insert',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='webhookendpoint',
            name='update_update',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='webhookendpoint',
            name='delete_delete',
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='membership',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "primesync_membershipevent" ("created_at", "id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "role", "team_id", "user_id") SELECT new_values."created_at", new_values."id", (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB), (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID), NOW(), \'insert\', new_values."id", new_values."role", new_values."team_id", new_values."user_id" FROM ( SELECT new_values.* FROM new_values  ) AS new_values; RETURN NULL;', hash='fed1c106cc9697ded8aa5cbaaabcf186fb4f3f7f', level='STATEMENT', operation='INSERT', pgid='pgtrigger_insert_insert_72096', referencing='REFERENCING NEW TABLE AS new_values ', table='primesync_membership', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='membership',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "primesync_membershipevent" ("created_at", "id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "role", "team_id", "user_id") SELECT new_values."created_at", new_values."id", (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB), (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID), NOW(), \'update\', new_values."id", new_values."role", new_values."team_id", new_values."user_id" FROM ( SELECT new_values.* FROM new_values  ) AS new_values; RETURN NULL;', hash='226f54993121e0dd41673a73776443b9f7fc32ba', level='STATEMENT', operation='UPDATE', pgid='pgtrigger_update_update_02cc7', referencing='REFERENCING OLD TABLE AS old_values  NEW TABLE AS new_values ', table='primesync_membership', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='membership',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "primesync_membershipevent" ("created_at", "id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "role", "team_id", "user_id") SELECT old_values."created_at", old_values."id", (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB), (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID), NOW(), \'delete\', old_values."id", old_values."role", old_values."team_id", old_values."user_id" FROM ( SELECT old_values.* FROM old_values  ) AS old_values; RETURN NULL;', hash='58f8e6bfc4329fda3920f17f9e58b96ee3acd8d4', level='STATEMENT', operation='DELETE', pgid='pgtrigger_delete_delete_b222d', referencing='REFERENCING OLD TABLE AS old_values ', table='primesync_membership', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='team',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "primesync_teamevent" ("created_at", "currency", "id", "name", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "slug", "time_zone") SELECT new_values."created_at", new_values."currency", new_values."id", new_values."name", (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB), (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID), NOW(), \'insert\', new_values."id", new_values."slug", new_values."time_zone" FROM ( SELECT new_values.* FROM new_values  ) AS new_values; RETURN NULL;', hash='35131fe99d0ce46546a66ed5d1140d25bb57aa34', level='STATEMENT', operation='INSERT', pgid='pgtrigger_insert_insert_2daae', referencing='REFERENCING NEW TABLE AS new_values ', table='primesync_team', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='team',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "primesync_teamevent" ("created_at", "currency", "id", "name", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "slug", "time_zone") SELECT new_values."created_at", new_values."currency", new_values."id", new_values."name", (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB), (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID), NOW(), \'update\', new_values."id", new_values."slug", new_values."time_zone" FROM ( SELECT new_values.* FROM new_values  ) AS new_values; RETURN NULL;', hash='51eb0c9d47a79e96c1f2fdfc40fca0b23ff07716', level='STATEMENT', operation='UPDATE', pgid='pgtrigger_update_update_14c8c', referencing='REFERENCING OLD TABLE AS old_values  NEW TABLE AS new_values ', table='primesync_team', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='team',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "primesync_teamevent" ("created_at", "currency", "id", "name", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "slug", "time_zone") SELECT old_values."created_at", old_values."currency", old_values."id", old_values."name", (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB), (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID), NOW(), \'delete\', old_values."id", old_values."slug", old_values."time_zone" FROM ( SELECT old_values.* FROM old_values  ) AS old_values; RETURN NULL;', hash='1528cb89b573c24bd81f6a78296fc19062982c8f', level='STATEMENT', operation='DELETE', pgid='pgtrigger_delete_delete_fd3dd', referencing='REFERENCING OLD TABLE AS old_values ', table='primesync_team', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='user',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "primesync_userevent" ("date_joined", "email", "full_name", "id", "is_active", "is_staff", "is_superuser", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id") SELECT new_values."date_joined", new_values."email", new_values."full_name", new_values."id", new_values."is_active", new_values."is_staff", new_values."is_superuser", (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB), (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID), NOW(), \'insert\', new_values."id" FROM ( SELECT new_values.* FROM new_values  ) AS new_values; RETURN NULL;', hash='13dfa37f743f7b4afc1a7e74d2724efc202bd88e', level='STATEMENT', operation='INSERT', pgid='pgtrigger_insert_insert_c691c', referencing='REFERENCING NEW TABLE AS new_values ', table='primesync_user', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='user',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "primesync_userevent" ("date_joined", "email", "full_name", "id", "is_active", "is_staff", "is_superuser", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id") SELECT new_values."date_joined", new_values."email", new_values."full_name", new_values."id", new_values."is_active", new_values."is_staff", new_values."is_superuser", (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB), (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID), NOW(), \'update\', new_values."id" FROM ( SELECT new_values.* FROM old_values JOIN new_values ON (old_values."id") = (new_values."id") WHERE (old_values."date_joined" IS DISTINCT FROM (new_values."date_joined") OR old_values."email" IS DISTINCT FROM (new_values."email") OR old_values."full_name" IS DISTINCT FROM (new_values."full_name") OR old_values."id" IS DISTINCT FROM (new_values."id") OR old_values."is_active" IS DISTINCT FROM (new_values."is_active") OR old_values."is_staff" IS DISTINCT FROM (new_values."is_staff") OR old_values."is_superuser" IS DISTINCT FROM (new_values."is_superuser")) ) AS new_values; RETURN NULL;', hash='28ce4597f94f7327d16611db9056b497a5425ae5', level='STATEMENT', operation='UPDATE', pgid='pgtrigger_update_update_387e5', referencing='REFERENCING OLD TABLE AS old_values  NEW TABLE AS new_values ', table='primesync_user', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='user',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "primesync_userevent" ("date_joined", "email", "full_name", "id", "is_active", "is_staff", "is_superuser", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id") SELECT old_values."date_joined", old_values."email", old_values."full_name", old_values."id", old_values."is_active", old_values."is_staff", old_values."is_superuser", (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB), (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID), NOW(), \'delete\', old_values."id" FROM ( SELECT old_values.* FROM old_values  ) AS old_values; RETURN NULL;', hash='0c33a92d7675c79699ac44ad52da1015a68ea6b4', level='STATEMENT', operation='DELETE', pgid='pgtrigger_delete_delete_19d46', referencing='REFERENCING OLD TABLE AS old_values ', table='primesync_user', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='webhookendpoint',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "primesync_webhookendpointevent" ("active", "created_at", "created_by_id", "description", "event_types", "id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "previous_secret_expires_at", "team_id", "updated_at", "url") SELECT new_values."active", new_values."created_at", new_values."created_by_id", new_values."description", new_values."event_types", new_values."id", (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB), (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID), NOW(), \'insert\', new_values."id", new_values."previous_secret_expires_at", new_values."team_id", new_values."updated_at", new_values."url" FROM ( SELECT new_values.* FROM new_values  ) AS new_values; RETURN NULL;', hash='c66fbd956c6b41f2906c0a9eba185bf70e0160f7', level='STATEMENT', operation='INSERT', pgid='pgtrigger_insert_insert_ceb12', referencing='REFERENCING NEW TABLE AS new_values ', table='primesync_webhookendpoint', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='webhookendpoint',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "primesync_webhookendpointevent" ("active", "created_at", "created_by_id", "description", "event_types", "id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "previous_secret_expires_at", "team_id", "updated_at", "url") SELECT new_values."active", new_values."created_at", new_values."created_by_id", new_values."description", new_values."event_types", new_values."id", (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB), (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID), NOW(), \'update\', new_values."id", new_values."previous_secret_expires_at", new_values."team_id", new_values."updated_at", new_values."url" FROM ( SELECT new_values.* FROM new_values  ) AS new_values; RETURN NULL;', hash='cf030195812e331c8695ab216ee7df6d9a55e1d8', level='STATEMENT', operation='UPDATE', pgid='pgtrigger_update_update_21bea', referencing='REFERENCING OLD TABLE AS old_values  NEW TABLE AS new_values ', table='primesync_webhookendpoint', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='webhookendpoint',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "primesync_webhookendpointevent" ("active", "created_at", "created_by_id", "description", "event_types", "id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "previous_secret_expires_at", "team_id", "updated_at", "url") SELECT old_values."active", old_values."created_at", old_values."created_by_id", old_values."description", old_values."event_types", old_values."id", (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB), (SELECT COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID), NOW(), \'delete\', old_values."id", old_values."previous_secret_expires_at", old_values."team_id", old_values."updated_at", old_values."url" FROM ( SELECT old_values.* FROM old_values  ) AS old_values; RETURN NULL;', hash='953175b46ae1ad902bb33aaba8402a633d7ca741', level='STATEMENT', operation='DELETE', pgid='pgtrigger_delete_delete_59b95', referencing='REFERENCING OLD TABLE AS old_values ', table='primesync_webhookendpoint', when='AFTER')),
        ),
    ]
