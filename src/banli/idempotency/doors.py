"""What the doors share about idempotency keys: the API's header as documented in the schema, and
the header a replayed answer carries."""

from drf_spectacular.utils import OpenApiParameter

from .keys import HEADER, MAX_LENGTH

HEADER_PARAMETER = OpenApiParameter(
    HEADER, str, OpenApiParameter.HEADER, required=False,
    description=(f"幂等键（可选，1至{MAX_LENGTH}个可打印字符，建议用UUID）：同一用户以同一键重试同一请求时，不再重复创建，"
                 "返回首次的结果（相同编号与状态码）并带 Idempotent-Replayed: true；同一键用于不同内容的请求返回409。保留24小时。"
                 f" (Optional idempotency key, 1-{MAX_LENGTH} printable characters, e.g. a UUID: a retry of the same request by the same "
                 "user with the same key creates nothing and answers as the first call did, with Idempotent-Replayed: true; the same "
                 "key with a different request answers 409. Kept 24 hours.)"),
)
REPLAYED = "Idempotent-Replayed"


def mark(response, outcome):
    """The answer as it goes out, marked when it answers a retry."""
    if outcome.replayed:
        response[REPLAYED] = "true"
    return response
