"""A UUID ``code`` for mediators, applications and assignments, to address them in URLs.

A unique field with a random default cannot be added in one step: AddField computes the default
once for all existing rows, which would give them all the same value. So: add it nullable, give
every existing row its own code, then make it unique and required (Django's "migrations that add
unique fields"). Works alike on SQLite and PostgreSQL.
"""

import uuid

from django.db import migrations, models

MODELS = ("mediator", "volunteerapplication", "assignment")


def fill_codes(apps, schema_editor):
    for name in MODELS:
        model = apps.get_model("mediators", name)
        rows = list(model.objects.filter(code__isnull=True).only("pk"))
        for row in rows:
            row.code = uuid.uuid4()
        model.objects.bulk_update(rows, ["code"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("mediators", "0002_mediator_calendar_token"),
    ]

    operations = [
        *(
            migrations.AddField(
                model_name=name,
                name="code",
                field=models.UUIDField(editable=False, null=True, verbose_name="code"),
            )
            for name in MODELS
        ),
        migrations.RunPython(fill_codes, migrations.RunPython.noop, elidable=True),
        *(
            migrations.AlterField(
                model_name=name,
                name="code",
                field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name="code"),
            )
            for name in MODELS
        ),
    ]
