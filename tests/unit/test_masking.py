import pytest

from domain.masking import mask_id_number


def test_a_resident_id_keeps_region_and_last_four():
    assert mask_id_number("41152819900101123X") == "4115**********123X"


@pytest.mark.parametrize("number", ["41152819900101123X", "11010519491231002X"])
def test_the_mask_has_the_same_length_and_hides_the_birth_date(number):
    masked = mask_id_number(number)
    assert len(masked) == len(number)
    assert number[6:14] not in masked


def test_a_short_number_is_hidden_entirely():
    assert mask_id_number("1234") == "****"
