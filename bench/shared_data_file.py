"""Writes a JSON Lines export of N people (families: spouses and children) for import tests.

.venv/bin/python -m bench.shared_data_file 100000 > /tmp/people.jsonl
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import date, timedelta

from stdnum.cn import ric

REGION = "411528"  # Xi county codes are valid from 1998 on, so births are 1998 and later
FIRST_BIRTH = date(1998, 1, 1)


def person_id(n: int) -> str:
    """A distinct, valid resident ID for every n < 6,000,000 (days since 1998 × 1000 serials)."""
    born = FIRST_BIRTH + timedelta(days=(n // 1000) % 9000)
    body = f"{REGION}{born:%Y%m%d}{n % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def people(count: int) -> Iterator[dict]:
    """Couples (2k, 2k+1) married; every fifth couple has the next person as a child."""
    for n in range(count):
        couple, partner = n // 2, n ^ 1
        married = couple % 3 != 0 and partner < count
        record = {
            "type": "person",
            "idNumber": person_id(n),
            "name": f"居民{n}",
            "maritalStatus": "MARRIED" if married else "SINGLE",
            "spouseIdNumber": person_id(partner) if married else None,
            "childrenIdNumbers": [person_id(n + 2)] if married and couple % 5 == 0 and n + 2 < count else [],
            "householdAddress": f"息县第{couple}户",
        }
        yield record


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    out = sys.stdout
    for record in people(count):
        out.write(json.dumps(record, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
