"""Case.state: its codes and labels now come from the rule files (no choices in code; the
stored values and the schema do not change). Indexes for the home pages: a partial one of the
overdue cases of a zone, soonest first (dashboard, the city's queue), and a department's cases
by state, kind and due date (its open cases, read from the index alone)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registers", "0005_reply_published_at_letter_no"),
    ]

    operations = [
        migrations.AlterField(
            model_name="case",
            name="state",
            field=models.CharField(default="received", max_length=24, verbose_name="状态"),
        ),
        migrations.RemoveIndex(model_name="case", name="registers_c_departm_01ff79_idx"),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["department", "state", "kind", "next_due", "id"],
                name="case_department_state",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("overdue", True)),
                fields=["zone", "next_due", "id", "kind", "state", "overdue"],
                name="case_zone_overdue",
            ),
        ),
    ]
