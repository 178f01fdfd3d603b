"""The one domain error type. Every refusal carries a machine-readable code and a message in
Chinese and English; the API and pages turn it into an answer in one place."""

from django.utils import translation


class BanliError(Exception):
    # HTTP status the API answers with; 404 for "not found or not yours" so the two look the same.
    status = 400

    def __init__(self, code: str, zh: str, en: str, *, status: int | None = None, field: str | None = None):
        super().__init__(en)
        self.code = code
        self.zh = zh
        self.en = en
        self.field = field
        if status is not None:
            self.status = status

    @property
    def message(self) -> str:
        lang = translation.get_language() or "zh-hans"
        return self.en if lang.startswith("en") else self.zh

    def as_dict(self) -> dict:
        data = {"code": self.code, "message": self.message, "message_zh": self.zh, "message_en": self.en}
        if self.field:
            data["field"] = self.field
        return data


def not_found() -> BanliError:
    return BanliError("not_found", "找不到该记录，或您无权查看。", "Not found, or not yours to see.", status=404)


def forbidden(zh: str = "您无权执行此操作。", en: str = "You may not do this.") -> BanliError:
    return BanliError("forbidden", zh, en, status=403)


def invalid(field: str | None, zh: str, en: str) -> BanliError:
    return BanliError("invalid", zh, en, field=field)
