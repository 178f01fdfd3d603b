"""The API's JSON parser: DRF's, bounded. No request of Banli's API nests more than a few levels
(an action's inputs, a list of ids, a dict of grades by unit), nor needs more than a megabyte of
JSON (the longest text, a reply letter, is 20,000 characters). A body nested a thousand levels
deep made Python's json module recurse until RecursionError, a server error (issue 15.4); a body
of hundreds of megabytes was read whole into memory. Both are now refused with a 4xx and a
message, before json.loads sees them."""

import io
import re

from django.conf import settings
from rest_framework.parsers import JSONParser

from banli.errors import BanliError, invalid

MAX_DEPTH = 32
# A JSON string (its escapes included), then the brackets between strings: the nesting is counted
# on the brackets alone, so a "[" inside a text does not count.
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.S)
_BRACKETS = re.compile(rb"[\[\]{}]")


def max_json_bytes() -> int:
    return getattr(settings, "BANLI_JSON_MAX_BYTES", 1024 * 1024)


def too_large(limit: int) -> BanliError:
    kb = limit // 1024
    return BanliError("too_large", f"提交的内容过大（最多 {kb} KB）。", f"The request body is too large (at most {kb} KB).", status=413)


def nesting_depth(raw: bytes) -> int:
    depth = deepest = 0
    for m in _BRACKETS.finditer(_STRING.sub(b'""', raw)):
        if m.group() in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = max_json_bytes()
        raw = stream.read(limit + 1)  # never more than the limit: the rest stays unread
        if len(raw) > limit:
            raise too_large(limit)
        if nesting_depth(raw) > MAX_DEPTH:
            raise invalid(None, f"JSON 嵌套过深（最多 {MAX_DEPTH} 层）。", f"The JSON is nested too deeply (at most {MAX_DEPTH} levels).")
        return super().parse(io.BytesIO(raw), media_type, parser_context)
