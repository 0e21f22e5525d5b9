"""Lets editors see structure changes and reviewers see and undo find-and-replace batches."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR = [("articles", "view_structurechange")]
REVIEWER = [("articles", "view_structurechange"), ("articles", "view_replacebatch")]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, pairs in (("编辑", EDITOR), ("审校", REVIEWER)):
        group = Group.objects.get(name=name)
        for app, codename in pairs:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app, codename=codename)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_replace_and_structure"),
        ("articles", "0005_editor_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
