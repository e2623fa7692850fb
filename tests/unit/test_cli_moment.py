"""`onewindow sweep --now`'s moment (api/cli.py county_moment): the county's zone by default."""

from __future__ import annotations

import typing
from datetime import UTC, datetime

import pytest
import typer

from api.cli import county_moment


def test_its_annotations_resolve():
    assert typing.get_type_hints(county_moment) == {"text": str, "zone": str, "return": datetime}


def test_a_moment_without_an_offset_is_in_the_county_zone():
    moment = county_moment("2026-12-01T09:00", "Asia/Shanghai")
    assert moment.astimezone(UTC) == datetime(2026, 12, 1, 1, 0, tzinfo=UTC)


def test_a_moment_with_an_offset_keeps_it():
    assert county_moment("2026-12-01T01:00Z", "Asia/Shanghai") == datetime(2026, 12, 1, 1, 0, tzinfo=UTC)


def test_a_moment_that_is_not_iso_8601_is_a_usage_error_naming_now():
    with pytest.raises(typer.BadParameter, match="not an ISO 8601 moment") as raised:
        county_moment("tomorrow", "Asia/Shanghai")
    assert raised.value.param_hint == "'--now'"
