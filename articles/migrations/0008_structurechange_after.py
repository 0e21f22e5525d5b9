"""Structure changes keep the rows as they left them: undo restores what they touched.

Changes recorded before this kept only the article versions they left; for those not
yet undone, `after` is filled with the rows as they are now, with those versions, so
undo still refuses when an article's text changed since. Other fields edited since
such an old change count as part of it.
"""

import json

from django.core import serializers
from django.db import migrations, models


def fill_after(apps, schema_editor):
    StructureChange = apps.get_model("articles", "StructureChange")
    for change in StructureChange.objects.filter(undone_at__isnull=True):
        keys = [(row["model"], row["pk"]) for row in change.before]
        keys += [(label.lower(), pk) for label, pk in change.created_objects]
        rows = []
        for label in {label for label, _ in keys}:
            model = apps.get_model(label)
            pks = [pk for key_label, pk in keys if key_label == label]
            rows += model.objects.filter(pk__in=pks).order_by("pk")
        after = json.loads(serializers.serialize("json", rows))
        for row in after:
            version = change.article_versions.get(str(row["pk"]))
            if row["model"] == "articles.article" and version is not None:
                row["fields"]["version"] = version
        change.after = after
        change.save(update_fields=["after"])


class Migration(migrations.Migration):
    dependencies = [("articles", "0007_structure_permissions")]

    operations = [
        migrations.AddField(
            model_name="structurechange",
            name="after",
            field=models.JSONField(
                default=list,
                help_text="操作留下的数据（含新建的对象）；撤销前核对其后没有人再改过。",
                verbose_name="操作后的数据",
            ),
        ),
        migrations.RunPython(fill_after, migrations.RunPython.noop),
        migrations.RemoveField(model_name="structurechange", name="article_versions"),
    ]
