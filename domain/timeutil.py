"""Business days and years are Asia/Shanghai's, whatever the server's zone (DESIGN §3)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from domain.policy import CountyPolicy


def business_date(moment: datetime, policy: CountyPolicy) -> date:
    return moment.astimezone(ZoneInfo(policy.timezone)).date()
