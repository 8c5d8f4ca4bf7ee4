from django.db import migrations

GROUP = "Redaktion"
# Exactly what editors need: entries and photos; vocabulary that shapes the portal (categories,
# districts, regions) read-only; features and sought groups addable; inquiries and suggestions;
# flat pages. Nothing over users, groups or region assignments.
PERMISSIONS = {
    ("places", "place"): ["add", "change", "delete", "view"],
    ("places", "placeimage"): ["add", "change", "delete", "view"],
    ("places", "placeoldslug"): ["view"],
    ("places", "category"): ["view"],
    ("places", "district"): ["view"],
    ("places", "region"): ["view"],
    ("places", "feature"): ["add", "change", "view"],
    ("places", "need"): ["add", "change", "view"],
    ("inquiries", "inquiry"): ["change", "view"],
    ("inquiries", "placesubmission"): ["change", "view"],
    ("flatpages", "flatpage"): ["add", "change", "delete", "view"],
}


def create_group(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, created = Group.objects.get_or_create(name=GROUP)
    if not created:
        # A group of that name set up by hand before stays as its administrators left it.
        return
    wanted = []
    for (app_label, model), actions in PERMISSIONS.items():
        codenames = [f"{action}_{model}" for action in actions]
        found = Permission.objects.filter(
            content_type__app_label=app_label, content_type__model=model, codename__in=codenames
        )
        if found.count() != len(codenames):
            raise RuntimeError(f"Missing permissions for {app_label}.{model}: {codenames}")
        wanted.extend(found)
    group.permissions.set(wanted)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0001_region_assignments"),
        ("places", "0012_region_old_slugs"),
        ("inquiries", "0003_correction_inquiries"),
        ("flatpages", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
