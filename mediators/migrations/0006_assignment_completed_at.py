"""Assignment.completed_at: when the case was closed and the assignment completed.

Filled for the completed assignments there are from their case's closing date (or, for a case that was
reopened without this mediator, from when they last answered: the best date there is). The constraint
and the index come in 0007: on PostgreSQL a table whose rows this transaction wrote has pending trigger
events (buurtbemiddeling.generation's deferred trigger) and cannot be altered before commit.
"""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce


def fill_completed_at(apps, schema_editor):
    Assignment = apps.get_model("mediators", "Assignment")
    Case = apps.get_model("cases", "Case")
    closed_at = Case.objects.filter(pk=OuterRef("case_id")).values("closed_at")[:1]
    Assignment.objects.filter(status="completed").update(
        completed_at=Coalesce(Subquery(closed_at), "answered_at", "proposed_at")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0010_follow_up_open_index"),
        ("mediators", "0005_assignment_mediator_year_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="assignment",
            name="completed_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="completed"),
        ),
        migrations.RunPython(fill_completed_at, migrations.RunPython.noop, elidable=True),
    ]
