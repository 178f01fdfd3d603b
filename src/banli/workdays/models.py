"""The administrator's working-day table: local changes to the State Council calendar, and the
notices of years the `chinesecalendar` package does not cover yet.

A CalendarDay row decides its date, whatever the package says. A CalendarYear marked complete
says the administrator has entered that year's whole notice, so the year counts as having
calendar data (no Monday-to-Friday warning). workdays/calendar.py reads both tables through a
per-process cache, cleared when a row is saved or deleted (the signals are connected in apps.py).

The tables keep the names they had when the calendar lived in the deadlines app, so that moving it
moved no data."""

import datetime

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

__all__ = ["CalendarDay", "CalendarYear"]

WEEKDAYS_ZH = "一二三四五六日"


class CalendarYear(models.Model):
    """年度节假日安排: the administrator has entered (or is entering) a year's notice."""

    year = models.PositiveSmallIntegerField("年度", unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    complete = models.BooleanField(
        "已完整录入", default=True,
        help_text="该年度国务院办公厅放假通知的全部放假日和调休上班日均已录入。未勾选时，该年度仍按周一至周五计算并提示。",
    )
    source = models.CharField("依据", max_length=200, blank=True, help_text="例如：国办发明电〔2026〕7号")
    note = models.TextField("备注", blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "节假日年度"
        ordering = ["-year"]
        db_table = "deadlines_calendaryear"

    def __str__(self):
        return f"{self.year}年"


class CalendarDay(models.Model):
    """One date whose status the administrator sets: a holiday, a swapped working weekend (调休上班),
    or a district-level change. It overrides the package and the Monday-to-Friday rule."""

    date = models.DateField("日期", unique=True)
    is_working_day = models.BooleanField("上班", help_text="勾选：该日上班（如调休上班日）；不勾选：该日放假。")
    name = models.CharField("名称", max_length=50, blank=True, help_text="例如：春节、国庆节、调休上班")
    note = models.TextField("备注", blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "节假日与调休"
        ordering = ["date"]
        db_table = "deadlines_calendarday"

    def __str__(self):
        status = "上班" if self.is_working_day else "放假"
        label = f" {self.name}" if self.name else ""
        return f"{self.date}（周{self.weekday_zh}）{status}{label}"

    @property
    def weekday_zh(self) -> str:
        return WEEKDAYS_ZH[self.date.weekday()] if isinstance(self.date, datetime.date) else ""

