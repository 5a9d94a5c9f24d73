# Uploaded CSV files are kept uncompressed: pglz compressed a 9.4 MiB file in 0.24 s of the upload, to
# save space for minutes (the content is emptied once the import is done). Metadata only: no rewrite.

from django.db import migrations

TABLE_COLUMN = "leads_importfile ALTER COLUMN content"


class Migration(migrations.Migration):

    dependencies = [
        ("leads", "0012_lead_redundant_indexes_dropped"),
    ]

    operations = [
        migrations.RunSQL(
            f"ALTER TABLE {TABLE_COLUMN} SET STORAGE EXTERNAL",
            reverse_sql=f"ALTER TABLE {TABLE_COLUMN} SET STORAGE EXTENDED",
        ),
    ]
