"""Valid test ID numbers, computed rather than typed, so every one passes GB 11643 / GB 32100."""

from stdnum.cn import ric, uscc


def resident_id(region: str, birth: str, serial: str) -> str:
    """region 6 digits, birth YYYYMMDD, serial 3 digits; the check digit is computed."""
    body = region + birth + serial
    return body + ric.calc_check_digit(body + "0")


def credit_code(body17: str) -> str:
    return body17 + uscc.calc_check_digit(body17 + "0")


# Born in Xi county after 1998, when it got code 411528; older residents carry 413021.
ZHANG_SAN = resident_id("411528", "19990315", "123")
LI_SI = resident_id("411528", "20000101", "234")
WANG_WU = resident_id("413021", "19850707", "345")
ZHAO_LIU = resident_id("413021", "19870202", "456")
MINOR_CHILD = resident_id("411528", "20150101", "017")
ADULT_CHILD = resident_id("411528", "20050101", "028")

DEVELOPER = credit_code("91411528MA0000001")
OTHER_DEVELOPER = credit_code("91411528MA0000002")
BANK = credit_code("91411500MA0000003")
OTHER_BANK = credit_code("91411500MA0000004")
PROVIDENT_FUND = credit_code("12411500MA0000005")
