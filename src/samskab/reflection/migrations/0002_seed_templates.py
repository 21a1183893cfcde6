"""Seed the platform's four reflection templates (Stacey, Gibbs, AAR, What/So what/Now what)."""

from django.db import migrations


def seed(apps, schema_editor):
    from samskab.reflection.seed import seed_templates

    seed_templates(apps.get_model("reflection", "ReflectionTemplate"))


class Migration(migrations.Migration):
    dependencies = [("reflection", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
