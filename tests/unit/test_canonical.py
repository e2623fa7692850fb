from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from domain.canonical import canonical_hash, canonical_json
from domain.eventlog import canonical_event, canonical_parts


def test_keys_are_sorted_without_spaces_and_utf8_is_kept():
    assert canonical_json({"b": 1, "a": "息县"}) == '{"a":"息县","b":1}'


def test_decimals_keep_their_exact_digits():
    assert canonical_json({"price": Decimal("1250000.00")}) == '{"price":"1250000.00"}'


def test_a_float_is_refused():
    with pytest.raises(TypeError):
        canonical_json({"price": 1.5})


def test_the_same_moment_in_any_zone_hashes_the_same():
    utc = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
    shanghai = utc.astimezone(timezone(timedelta(hours=8)))
    assert canonical_hash({"at": utc}) == canonical_hash({"at": shanghai})


def test_any_change_changes_the_hash():
    assert canonical_hash({"a": "1"}) != canonical_hash({"a": "2"})


@pytest.mark.parametrize("seq", [1, 9, 10, 12345678901])
def test_the_canonical_text_splits_around_its_sequence_number(seq):
    moment = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
    # A payload that itself holds "seq":0 followed by "type" must not confuse the split.
    payload = {"nested": {"seq": 0, "type": "x"}, "name": "息县"}
    head, tail = canonical_parts("CONTRACT_FILED", moment, {"propertyId": 1}, payload)
    assert head + str(seq) + tail == canonical_event(seq, "CONTRACT_FILED", moment, {"propertyId": 1}, payload)
