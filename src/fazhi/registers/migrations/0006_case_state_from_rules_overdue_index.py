"""Case.state: its codes and labels now come from the rule files (no choices in code; the
stored values and the schema do not change). A partial index of the overdue cases of a zone,
soonest first, for the dashboard and the city's queue."""

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
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("overdue", True)),
                fields=["zone", "next_due", "id", "kind", "state"],
                name="case_zone_overdue",
            ),
        ),
    ]
