from domain.enums import CertificateStatus, RightStatus
from domain.masking import mask_name
from domain.rules.certificate_status import certificate_status


def test_a_right_in_force_is_current_replaced_or_not():
    assert certificate_status(RightStatus.IN_FORCE, replaced=False) == CertificateStatus.CURRENT


def test_a_historic_right_that_something_replaced_is_superseded():
    assert certificate_status(RightStatus.HISTORIC, replaced=True) == CertificateStatus.SUPERSEDED


def test_a_right_that_ended_with_nothing_in_its_place_is_cancelled():
    assert certificate_status(RightStatus.HISTORIC, replaced=False) == CertificateStatus.CANCELLED  # discharged
    assert certificate_status(RightStatus.LAPSED, replaced=False) == CertificateStatus.CANCELLED


def test_a_right_not_in_force_and_not_replaced_is_cancelled_whatever_its_status():
    # A certificate's verifier must never be told CURRENT for a right not in force (nor get an error).
    assert certificate_status(RightStatus.PENDING, replaced=False) == CertificateStatus.CANCELLED


def test_names_are_masked_but_for_the_first_character():
    assert (mask_name("张三"), mask_name("欧阳娜娜"), mask_name("王")) == ("张*", "欧***", "王*")
