"""|ymd and |ymd_hm write what Django's |date:"Y-m-d" and |date:"Y-m-d H:i" write (the pages switched
to them in issue 16 for speed), for dates, aware datetimes in the current time zone, and empties."""

import datetime

import pytest
from django.template import engines
from django.utils import timezone

SHANGHAI_EVENING = datetime.datetime(2026, 12, 4, 17, 5, tzinfo=datetime.timezone.utc)  # 01:05 on the 5th in Shanghai


@pytest.mark.parametrize("value", [datetime.date(2026, 1, 9), datetime.date(999, 12, 31), SHANGHAI_EVENING,
                                   datetime.datetime(2026, 3, 1, 8, 7), None, "", "2026-01-01", 0])
def test_the_fast_filters_write_what_date_writes(value):
    engine = engines["django"]
    assert engine.from_string("{{ v|ymd }}").render({"v": value}) == engine.from_string('{{ v|date:"Y-m-d" }}').render({"v": value})
    if type(value) is datetime.date:  # |date raises on a time format for a bare date; |ymd_hm writes midnight
        assert engine.from_string("{{ v|ymd_hm }}").render({"v": value}).endswith(" 00:00")
    else:
        assert engine.from_string("{{ v|ymd_hm }}").render({"v": value}) == engine.from_string('{{ v|date:"Y-m-d H:i" }}').render({"v": value})


def test_an_aware_datetime_is_shown_on_the_local_day():
    engine = engines["django"]
    with timezone.override("Asia/Shanghai"):
        assert engine.from_string("{{ v|ymd }} {{ v|ymd_hm }}").render({"v": SHANGHAI_EVENING}) == "2026-12-05 2026-12-05 01:05"
