"""Creates the editor groups: 编辑 correct texts; 审校 also verify and replace across the archive."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_PERMISSIONS = [
    ("articles", "view_article"),
    ("articles", "change_article"),
    ("articles", "view_revision"),
    ("articles", "view_authorship"),
    ("articles", "add_authorship"),
    ("articles", "change_authorship"),
    ("articles", "delete_authorship"),
    ("articles", "view_author"),
    ("articles", "add_author"),
    ("articles", "change_author"),
    ("articles", "view_affiliation"),
    ("articles", "add_affiliation"),
    ("articles", "change_affiliation"),
    ("articles", "view_province"),
    ("articles", "view_column"),
    ("articles", "view_readerreport"),
    ("articles", "change_readerreport"),
    ("archive", "view_issue"),
    ("archive", "change_issue"),
    ("archive", "view_learnedcorrection"),
]
REVIEWER_EXTRA = [
    ("articles", "verify_article"),
    ("articles", "replace_across_archive"),
    ("archive", "change_learnedcorrection"),
]


def create_groups(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def perms(pairs):
        return [
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in pairs
        ]

    editors, _ = Group.objects.get_or_create(name="编辑")
    editors.permissions.set(perms(EDITOR_PERMISSIONS))
    reviewers, _ = Group.objects.get_or_create(name="审校")
    reviewers.permissions.set(perms(EDITOR_PERMISSIONS + REVIEWER_EXTRA))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_revisions"),
        ("archive", "0002_learned_corrections"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
