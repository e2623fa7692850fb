"""Redaction, formats and the log-format setting, without a server."""

from __future__ import annotations

import json
import logging
import sys

import pytest
from prometheus_client import REGISTRY

from api import metrics, request_id
from api.logs import JsonFormatter, TextFormatter, redact
from api.settings import Settings, SettingsError
from resolvers import request_ids
from tests import ids
from tests.support import token


def test_a_token_and_an_id_number_are_redacted_wherever_they_appear():
    bearer = token("BUYER", ids.ZHANG_SAN, ["face"])
    text = f"Authorization: Bearer {bearer}; buyer:{ids.ZHANG_SAN}; 张三{ids.WANG_WU}号; account 6228480000000001"
    redacted = redact(text)
    assert bearer not in redacted and "Bearer [token]" in redacted
    assert ids.ZHANG_SAN not in redacted and f"buyer:{ids.ZHANG_SAN[:4]}" in redacted
    assert ids.WANG_WU not in redacted
    assert "6228480000000001" in redacted  # 16 digits: not an ID number


@pytest.mark.parametrize("formatter", [JsonFormatter(), TextFormatter()])
def test_an_exception_logged_during_a_request_carries_the_id_and_no_id_number(formatter):
    request_id.begin({"headers": [(b"x-request-id", b"req-42")]})
    try:
        raise ValueError(f"no party {ids.LI_SI}")
    except ValueError:
        record = logging.LogRecord(
            "onewindow", logging.ERROR, __file__, 1, "failed for %s", (ids.LI_SI,), sys.exc_info()
        )
    line = formatter.format(record)
    assert ids.LI_SI not in line and "req-42" in line
    if isinstance(formatter, JsonFormatter):
        parsed = json.loads(line)
        assert parsed["request_id"] == "req-42" and "ValueError" in parsed["exception"]


def test_request_ids_are_taken_when_sensible_and_made_otherwise():
    assert request_ids.from_header("3f2a-uuid.like:1") == "3f2a-uuid.like:1"
    for bad in (None, "", "x" * 65, "a b", 'quote"', "line\nbreak"):
        made = request_ids.from_header(bad)
        assert made != bad and len(made) == 32


def test_log_format_follows_the_database_unless_set(monkeypatch):
    assert Settings().effective_log_format == "text"
    assert Settings(database_url="postgres://db/onewindow").effective_log_format == "json"
    assert Settings(log_format="text", database_url="postgres://db/onewindow").effective_log_format == "text"
    monkeypatch.setenv("ONEWINDOW_LOG_FORMAT", "xml")
    with pytest.raises(SettingsError, match="ONEWINDOW_LOG_FORMAT"):
        Settings.from_env()


def test_refused_counts_by_limit_name():
    before = REGISTRY.get_sample_value("onewindow_refusals_total", {"limit": "depth"}) or 0
    metrics.refused("depth")
    metrics.refused("depth")
    assert REGISTRY.get_sample_value("onewindow_refusals_total", {"limit": "depth"}) == before + 2


def test_operation_labels_are_capped():
    metrics._operations.clear()
    labels = [metrics.operation_label(f"Op{n}") for n in range(metrics.MAX_OPERATION_LABELS + 5)]
    assert labels[-1] == "other" and labels[0] == "Op0" and metrics.operation_label("Op0") == "Op0"
    metrics._operations.clear()
