"""A secret calendar-feed token per mediator.

A unique field with a random default cannot be added in one step: AddField computes the default
once for all existing rows. So: add it nullable, give every existing row its own token, then make
it unique and required (Django's "migrations that add unique fields").
"""

from django.db import migrations, models

import mediators.models


def fill_tokens(apps, schema_editor):
    Mediator = apps.get_model("mediators", "Mediator")
    for mediator in Mediator.objects.filter(calendar_token__isnull=True).only("pk"):
        mediator.calendar_token = mediators.models.new_calendar_token()
        mediator.save(update_fields=["calendar_token"])


class Migration(migrations.Migration):
    dependencies = [
        ("mediators", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="mediator",
            name="calendar_token",
            field=models.CharField(editable=False, max_length=64, null=True, verbose_name="calendar token"),
        ),
        migrations.RunPython(fill_tokens, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="mediator",
            name="calendar_token",
            field=models.CharField(
                default=mediators.models.new_calendar_token,
                editable=False,
                max_length=64,
                unique=True,
                verbose_name="calendar token",
            ),
        ),
    ]
