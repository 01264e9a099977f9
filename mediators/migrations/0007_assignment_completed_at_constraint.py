"""Every completed assignment has its date of completion (filled by 0006), and only those.

"Mijn zaken" finds the recently completed assignments by it: assignment_mediator_done_idx (mediator,
status, completed_at, covering the case) replaces assignment_mediator_cover_idx, whose lookups it serves.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("mediators", "0006_assignment_completed_at")]

    operations = [
        migrations.AddConstraint(
            model_name="assignment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("completed_at__isnull", False), ("status", "completed")),
                    models.Q(models.Q(("status", "completed"), _negated=True), ("completed_at__isnull", True)),
                    _connector="OR",
                ),
                name="assignment_completed_at_iff_completed",
            ),
        ),
        migrations.AddIndex(
            model_name="assignment",
            index=models.Index(
                fields=["mediator", "status", "completed_at"], include=("case",), name="assignment_mediator_done_idx"
            ),
        ),
        migrations.RemoveIndex(model_name="assignment", name="assignment_mediator_cover_idx"),
    ]
