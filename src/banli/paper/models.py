"""The letterhead the office configures, and the 文号 (document numbers) given out under it.

A 文号 is given once per document and kept: downloading the same notice again prints the same
number. Numbers run per year, per issuer (the office for assignment notices, the unit for its reply
letters and closure reports) and per kind, from a counter row that every numbering bumps in one
UPDATE, so two requests at the same moment never draw the same number; the unique constraints
below are the database's guarantee of the same."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

User = settings.AUTH_USER_MODEL

DEFAULT_PATTERN = "{unit_short}{kind}〔{year}〕{number}号"


class SealPosition(models.TextChoices):
    # GB/T 9704 §7.3.5: the seal sits over the date, its lower edge 1 line above it, centred on the
    # name of the issuer; "none" for a letter the unit seals by hand elsewhere or sends unsealed.
    OVER_DATE = "over_date", _("压在成文日期上（右下）")
    NONE = "none", _("不标印章位置")


class DocumentKind(models.TextChoices):
    NOTICE = "notice", _("交办单")
    REPLY = "reply", _("答复函")
    CLOSURE = "closure", _("办结报告")


# The {kind} word of each kind in a 文号: 区府办交〔2026〕12号, 区教育局答〔2026〕3号.
KIND_WORD = {DocumentKind.NOTICE: "交", DocumentKind.REPLY: "答", DocumentKind.CLOSURE: "结"}


class Letterhead(models.Model):
    """One row: the office's letterhead. Reply letters and closure reports carry the unit's own
    name in the same layout, as each unit sends them under its own name."""

    issuer_name = models.CharField("发文机关名称", max_length=60, default="××区人民政府办公室")
    issuer_short = models.CharField("发文机关简称", max_length=20, default="区府办",
                                    help_text="文号中 {unit_short} 在交办单上的取值")
    header_text = models.CharField("红头文字", max_length=60, blank=True, default="",
                                   help_text="留空时用发文机关名称；答复函和办结报告用承办单位名称")
    seal_position = models.CharField("印章位置", max_length=12, choices=SealPosition.choices, default=SealPosition.OVER_DATE)
    number_pattern = models.CharField("文号格式", max_length=60, default=DEFAULT_PATTERN)
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    updated_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "公文版头"

    def __str__(self):
        return self.issuer_name


class NumberCounter(models.Model):
    """The last 文号 number given out for one issuer, kind and year."""

    kind = models.CharField(max_length=10, choices=DocumentKind.choices)
    issuer = models.CharField(max_length=20)  # "office", or "unit:<id>"
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "issuer", "year"], name="one_counter_per_issuer_kind_year")]


class DocumentNumber(models.Model):
    """The 文号 of one document: the assignment (notice), reply (letter) or closure report it numbers."""

    kind = models.CharField("种类", max_length=10, choices=DocumentKind.choices)
    target_id = models.BigIntegerField("对象")
    issuer = models.CharField("发文机关", max_length=20)
    year = models.PositiveSmallIntegerField("年度")
    number = models.PositiveIntegerField("序号")
    text = models.CharField("文号", max_length=80)
    issued_on = models.DateField("成文日期")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "文号"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "target_id"], name="one_number_per_document"),
            models.UniqueConstraint(fields=["kind", "issuer", "year", "number"], name="number_never_repeats"),
        ]

    def __str__(self):
        return self.text
