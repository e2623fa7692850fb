from datetime import date

import pytest

from domain.rules import identity
from tests import ids


@pytest.mark.parametrize("number", ["11010519491231002X", ids.ZHANG_SAN, ids.WANG_WU])
def test_valid_resident_ids_are_normalised(number):
    assert identity.resident_id(number.lower(), ["input", "idNumber"]) == number.upper()


@pytest.mark.parametrize(
    "number, why",
    [
        ("110105194912310021", "wrong check digit"),
        ("11010519491331002X", "no 13th month"),
        ("1101051949123100", "too short"),
        ("", "empty"),
        ("11010519491231002", "17 digits"),
    ],
)
def test_invalid_resident_ids_name_the_field(number, why):
    with pytest.raises(identity.InvalidResidentId) as raised:
        identity.resident_id(number, ["input", "buyers", "0", "idNumber"])
    assert raised.value.code.value == "INVALID_INPUT"
    assert raised.value.field == ["input", "buyers", "0", "idNumber"]


def test_a_county_code_not_yet_assigned_in_the_birth_year_is_refused():
    # Xi county became 411528 in 1998; someone born there in 1990 carries 413021.
    with pytest.raises(identity.InvalidResidentId):
        identity.resident_id(ids.resident_id("411528", "19900101", "123"), ["idNumber"])


def test_a_15_digit_old_style_id_is_refused():
    with pytest.raises(identity.InvalidResidentId):
        identity.resident_id("110105491231002", ["idNumber"])


@pytest.mark.parametrize("code", ["91110000600037341L", "91310000775785552L"])
def test_valid_credit_codes(code):
    assert identity.credit_code(code, ["input", "idNumber"]) == code


@pytest.mark.parametrize("code", ["91110000600037341M", "9111000060003734", "ABCDEFGHIJKLMNOPQR"])
def test_invalid_credit_codes_name_the_field(code):
    with pytest.raises(identity.InvalidCreditCode) as raised:
        identity.credit_code(code, ["input", "idNumber"])
    assert raised.value.field == ["input", "idNumber"]


@pytest.mark.parametrize(
    "day, expected",
    [(date(2026, 12, 30), 76), (date(2026, 12, 31), 77), (date(2027, 1, 1), 77)],
)
def test_age_counts_whole_years_from_the_birth_date(day, expected):
    assert identity.age_on("11010519491231002X", day) == expected


@pytest.mark.parametrize(
    "number",
    [
        "11010519491231002X",
        ids.ZHANG_SAN,
        ids.WANG_WU,
        "110105194912310021",
        "11010519491331002X",
        ids.resident_id("411528", "19900101", "123"),
        ids.resident_id("999999", "20000101", "123"),
        "1101051949123100２X",
    ],
)
def test_the_cached_check_agrees_with_stdnum(number):
    from stdnum.cn import ric

    assert identity.is_resident_id(number) == (ric.is_valid(number) and len(ric.compact(number)) == 18)
