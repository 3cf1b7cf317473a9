"""Case.state: its codes and labels now come from the rule files (no choices in code).
No change to the stored values or to the database schema."""

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
    ]
