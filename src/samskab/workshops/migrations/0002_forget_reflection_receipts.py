"""Delete the receipts of reflection answers given before issue 9.

Those receipts were written alongside each anonymous answer: participants with a receipt and no
named entry were exactly the anonymous writers. Reflection answers get no receipt any more
(`reflection.services.record_workshop_answer` keeps one named answer per person itself).
"""

from django.db import migrations


def forget(apps, schema_editor):
    receipt = apps.get_model("workshops", "AnswerReceipt")
    receipt.objects.filter(activity__kind="reflection").delete()


class Migration(migrations.Migration):
    dependencies = [("workshops", "0001_initial")]

    operations = [migrations.RunPython(forget, migrations.RunPython.noop)]
