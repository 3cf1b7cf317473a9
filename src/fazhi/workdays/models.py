"""The holiday table behind the working-day calendar (工作日).

A year counts as covered only when its `CalendarYear` row exists: the State Council's
notice for it is known. `Holiday` rows are the exceptions to Monday–Friday: statutory
rest days (including the weekend days inside a holiday period) and make-up workdays.
"""

from __future__ import annotations

from django.db import models


class CalendarYear(models.Model):
    year = models.PositiveSmallIntegerField("年度", unique=True)
    source_notice = models.TextField("依据（通知）")
    loaded_from = models.TextField("来源", blank=True)
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "节假日安排年度"
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year} 年"


class Holiday(models.Model):
    class Kind(models.TextChoices):
        REST = "rest", "法定节假日"
        WORKDAY = "workday", "调休上班日"

    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    name = models.CharField("节日", max_length=50, blank=True)
    year = models.ForeignKey(
        CalendarYear, on_delete=models.PROTECT, related_name="days", verbose_name="年度"
    )
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "节假日"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.get_kind_display()} {self.name}".strip()


class CalendarRevision(models.Model):
    """One row; its token changes with every write through the services, so that each
    process can tell cheaply whether its cached calendar is still the table's."""

    token = models.CharField(max_length=32)
    number = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "日历版本"
