"""Load Denmark's 98 municipalities (fixtures/kommuner.csv), so every install has them."""

from django.db import migrations


def load(apps, schema_editor):
    from samskab.municipalities.data import load_municipalities

    load_municipalities(apps.get_model("municipalities", "Municipality"))


class Migration(migrations.Migration):
    dependencies = [("municipalities", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
