"""Loads the five columns and the 34 provincial-level divisions from fixtures/."""

import json
from pathlib import Path

from django.db import migrations

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def load(apps, schema_editor):
    Column = apps.get_model("articles", "Column")
    Province = apps.get_model("articles", "Province")
    for row in json.loads((FIXTURES / "columns.json").read_text(encoding="utf-8")):
        Column.objects.update_or_create(name=row["name"], defaults=row)
    for row in json.loads((FIXTURES / "provinces.json").read_text(encoding="utf-8")):
        Province.objects.update_or_create(code=row["code"], defaults=row)


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
