# Reserved for the CSV import models (issue 7); the duplicates models follow in 0009.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("leads", "0007_enrichmentrequest_started_at")]

    operations = []
