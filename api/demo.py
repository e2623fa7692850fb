"""`onewindow demo`: a small, realistic county in the embedded database, made through the API.

Every row comes from the same GraphQL mutations the county's actors send (in-process, each with
its actor's token), and the population records from the shared-data import, so the demo is
exactly what the rules would have produced. Two developers and two banks; permit 101 is
completed and first-registered (homes registered to their buyers, some mortgaged, two seized),
permit 102 is still selling (homes available, sold, pre-registered, mortgaged in advance,
seized). Loading twice changes nothing: a county already there is left as it is.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from decimal import Decimal

import httpx
from stdnum.cn import ric, uscc

from api.auth import mint_token
from api.settings import Settings
from domain.enums import MaritalStatus, Role
from domain.services.shared_data import import_shared_data

TOKEN_TTL = 30 * 24 * 3600  # demo tokens last a month, long enough for a course


def _credit_code(body17: str) -> str:
    return body17 + uscc.calc_check_digit(body17 + "0")


def _resident_id(region: str, birth: str, serial: str) -> str:
    body = region + birth + serial
    return body + ric.calc_check_digit(body + "0")


DEVELOPER = _credit_code("91411528MA90D3M01")
OTHER_DEVELOPER = _credit_code("91411528MA90D3M02")
BANK = _credit_code("91411500MA90D3M03")
OTHER_BANK = _credit_code("91411500MA90D3M04")
ORGANIZATIONS = [
    (DEVELOPER, "息县新园置业有限公司"),
    (OTHER_DEVELOPER, "淮河房地产开发有限公司"),
    (BANK, "息县农村商业银行"),
    (OTHER_BANK, "中国建设银行息县支行"),
]
PERMITS = [
    ("息预售字(2026)第101号", DEVELOPER, "新园小区", 24),
    ("息预售字(2026)第102号", OTHER_DEVELOPER, "淮河花园", 26),
]

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = [
    "建国",
    "秀英",
    "志强",
    "桂兰",
    "海燕",
    "文斌",
    "丽娟",
    "晓东",
    "红梅",
    "国华",
    "春花",
    "永刚",
    "玉珍",
    "明亮",
    "淑芬",
    "卫东",
]
AREAS = [Decimal("89.50"), Decimal("112.30"), Decimal("128.00"), Decimal("143.60")]
PRICE_PER_M2 = Decimal("5200")
PEOPLE = 36  # buyers listed, before their spouses are added


@dataclass(frozen=True)
class Buyer:
    id_number: str
    name: str
    spouse: str | None = None


def buyers(count: int) -> list[Buyer]:
    """People of Xi county: every fourth sale goes to a married couple, who buy together."""
    people: list[Buyer] = []
    serials = itertools.count(101)
    for n in range(count):
        birth = f"{1975 + n % 25}{1 + n % 12:02d}{1 + n % 27:02d}"
        region = "411528" if n % 25 >= 23 else "413021"  # 411528 only for those born after 1998
        id_number = _resident_id(region, birth, f"{next(serials):03d}")
        name = SURNAMES[n % len(SURNAMES)] + GIVEN[n % len(GIVEN)]
        spouse = None
        if n % 4 == 0:
            spouse = Buyer(
                _resident_id("413021", f"{1976 + n % 20}0606", f"{next(serials):03d}"),
                SURNAMES[(n + 7) % len(SURNAMES)] + GIVEN[(n + 5) % len(GIVEN)],
            )
        people.append(Buyer(id_number, name, spouse.id_number if spouse else None))
        if spouse:
            people.append(Buyer(spouse.id_number, spouse.name, id_number))
    return people


class PopulationRecords:
    """The shared-data source the import reads: the demo's people, as the big-data platform has them."""

    def __init__(self, people: list[Buyer]) -> None:
        self.people = people

    def lines(self):
        for number, person in enumerate(self.people, 1):
            yield (
                number,
                json.dumps(
                    {
                        "type": "person",
                        "idNumber": person.id_number,
                        "name": person.name,
                        "maritalStatus": (MaritalStatus.MARRIED if person.spouse else MaritalStatus.SINGLE).value,
                        "spouseIdNumber": person.spouse,
                        "householdAddress": "河南省信阳市息县城关镇",
                    },
                    ensure_ascii=False,
                ),
            )


class DemoError(Exception):
    pass


CONTRACT = "id number documentHash requiredSupervisedAmount requiredMaintenanceFund"


class County:
    """Posts each step as its actor would, failing loudly on any error."""

    def __init__(self, http: httpx.AsyncClient, settings: Settings) -> None:
        self.http = http
        self.settings = settings
        self.tokens: dict[str, str] = {}

    def token(self, label: str, role: Role, party: str | None = None, amr: list[str] | None = None) -> str:
        if label not in self.tokens:
            self.tokens[label] = mint_token(self.settings, role, party, amr, TOKEN_TTL)
        return self.tokens[label]

    @property
    def registrar(self):
        return self.token("REGISTRAR", Role.REGISTRAR)

    @property
    def housing(self):
        return self.token("HOUSING", Role.HOUSING)

    @property
    def tax(self):
        return self.token("TAX", Role.TAX)

    def organization(self, id_number: str) -> str:
        role = Role.BANK if id_number in (BANK, OTHER_BANK) else Role.DEVELOPER
        return self.token(f"{role.value} {dict(ORGANIZATIONS)[id_number]}", role, id_number, ["ca"])

    def person(self, buyer: Buyer) -> str:
        return self.token(f"BUYER {buyer.name} {buyer.id_number}", Role.BUYER, buyer.id_number, ["face"])

    def mint_every_token(self) -> None:
        """A token for every actor of the county, whether the data was just made or was there."""
        for role in (Role.REGISTRAR, Role.HOUSING, Role.TAX):
            self.token(role.value, role)
        for id_number, _ in ORGANIZATIONS:
            self.organization(id_number)
        for person in buyers(PEOPLE):
            self.person(person)

    async def query(self, document: str, variables: dict, bearer: str) -> dict:
        response = await self.http.post(
            "/graphql", json={"query": document, "variables": variables}, headers={"Authorization": f"Bearer {bearer}"}
        )
        body = response.json()
        if body.get("errors"):
            raise DemoError(f"{document.split('(')[0]}: {body['errors'][0]['message']}")
        return body["data"]

    async def mutate(self, name: str, input: dict, selection: str, bearer: str) -> dict:
        type_name = name[0].upper() + name[1:] + "Input"
        data = await self.query(
            f"mutation($input: {type_name}!) {{ {name}(input: $input) {{ {selection} "
            "userErrors { code field message } } }",
            {"input": input},
            bearer,
        )
        payload = data[name]
        if payload["userErrors"]:
            raise DemoError(f"{name}: {payload['userErrors'][0]}")
        return payload

    async def pay_fees(self) -> int:
        """The registrar records every fee (登记费) still to pay, until none is left: a payment that
        completes a registration may apply for the next (first registration, transfer, mortgage)."""
        paid = 0
        while True:
            due, after = [], None
            while True:
                data = await self.query(
                    """query($after: String) { registrations(first: 100, after: $after) {
                         edges { node { id status feeOutstanding } } pageInfo { hasNextPage endCursor } } }""",
                    {"after": after},
                    self.registrar,
                )
                page = data["registrations"]
                due += [
                    (e["node"]["id"], e["node"]["feeOutstanding"])
                    for e in page["edges"]
                    if e["node"]["status"] not in ("COMPLETED", "REJECTED", "WITHDRAWN")
                    and Decimal(e["node"]["feeOutstanding"]) > 0
                ]
                if not page["pageInfo"]["hasNextPage"]:
                    break
                after = page["pageInfo"]["endCursor"]
            if not due:
                return paid
            for registration_id, amount in due:
                await self.mutate(
                    "recordFeePayment",
                    {
                        "registrationId": registration_id,
                        "amount": amount,
                        "voucherNumber": f"DEMO-FEE-{registration_id}",
                    },
                    "registration { status }",
                    self.registrar,
                )
                paid += 1

    async def loaded(self) -> bool | None:
        """True: the whole demo is there; None: nothing of it; False: only part of it."""
        present = [
            await self.query("query($n: String!) { permit(number: $n) { id } }", {"n": number}, self.housing)
            for number, *_ in PERMITS
        ]
        found = [p["permit"] is not None for p in present]
        if all(found):
            return True
        return False if any(found) else None

    # ---------------------------------------------------------------- steps

    async def permit(self, number: str, developer: str, project: str, units: int, first_unit: int) -> list[dict]:
        properties = [
            {
                "unitCode": f"{self.settings.policy.county_code}001002GB00002F{first_unit + i:08d}",
                "address": f"息县城关镇{project}{1 + i // 8}号楼{1 + i % 8}0{1 + i % 2}室",
                "building": str(1 + i // 8),
                "floor": 1 + i % 8,
                "room": f"{1 + i % 8}0{1 + i % 2}",
                "buildingArea": str(AREAS[i % len(AREAS)]),
                "usage": "RESIDENTIAL",
            }
            for i in range(units)
        ]
        payload = await self.mutate(
            "issuePresalePermit",
            {
                "number": number,
                "developerIdNumber": developer,
                "projectName": project,
                "saleType": "PRESALE",
                "supervisedAccount": "6228480000" + number[-4:-1] + "001",
                "supervisingBankIdNumber": BANK,
                "properties": properties,
            },
            "permit { id properties(first: 100) { edges { node { id buildingArea } } } }",
            self.housing,
        )
        return [
            {**edge["node"], "permit": payload["permit"]["id"]} for edge in payload["permit"]["properties"]["edges"]
        ]

    async def sale(
        self, home: dict, developer: str, people: list[Buyer], lender: str | None, submit: bool = True
    ) -> tuple[dict, dict]:
        price = (Decimal(home["buildingArea"]) * PRICE_PER_M2).quantize(Decimal("1.00"))
        down = (price * Decimal("0.30")).quantize(Decimal("1.00"))
        drafted = await self.mutate(
            "draftContract",
            {
                "propertyId": home["id"],
                "buyers": [{"idNumber": p.id_number, "name": p.name} for p in people],
                "price": str(price),
                "downPayment": str(down),
                "deliveryWithCertificate": True,
                "paymentMethod": "COMMERCIAL_LOAN" if lender else "FULL_PAYMENT",
                "lenderIdNumber": lender,
            },
            f"contract {{ {CONTRACT} }}",
            self.organization(developer),
        )
        contract = drafted["contract"]
        for bearer in [*(self.person(p) for p in people), self.organization(developer)]:
            await self.mutate(
                "signContract",
                {"contractId": contract["id"], "documentHash": contract["documentHash"]},
                "contract { id }",
                bearer,
            )
        reference = contract["number"] or contract["id"]
        await self.mutate(
            "recordFundDeposit",
            {
                "contractId": contract["id"],
                "kind": "PRESALE_SUPERVISED",
                "amount": contract["requiredSupervisedAmount"],
                "bankReference": f"S-{reference}",
            },
            "deposit { id }",
            self.organization(BANK),
        )
        await self.mutate(
            "recordFundDeposit",
            {
                "contractId": contract["id"],
                "kind": "MAINTENANCE",
                "amount": contract["requiredMaintenanceFund"],
                "bankReference": f"M-{reference}",
            },
            "deposit { id }",
            self.housing,
        )
        filed = await self.mutate(
            "fileContract",
            {"contractId": contract["id"]},
            "contract { id } advanceRegistration { id }",
            self.organization(developer),
        )
        registration = filed["advanceRegistration"]
        if submit:
            for person in people:
                await self.mutate(
                    "submitAdvanceRegistration",
                    {"registrationId": registration["id"], "acceptDeliveryWithCertificate": True},
                    "registration { id }",
                    self.person(person),
                )
        return contract, registration

    async def mortgage(self, contract: dict, people: list[Buyer], lender: str, price: Decimal) -> None:
        principal = (price * Decimal("0.70")).quantize(Decimal("1.00"))
        approved = await self.mutate(
            "approveMortgage",
            {"contractId": contract["id"], "principal": str(principal), "termMonths": 240},
            "mortgage { id }",
            self.organization(lender),
        )
        mortgage = approved["mortgage"]["id"]
        for person in people:
            await self.mutate("signMortgage", {"mortgageId": mortgage}, "mortgage { id }", self.person(person))
        await self.mutate(
            "applyAdvanceMortgageRegistration",
            {"mortgageId": mortgage},
            "registration { id }",
            self.organization(lender),
        )

    async def pay_tax(self, contract: dict) -> None:
        assessed = await self.mutate(
            "assessDeedTax", {"contractId": contract["id"]}, "taxRecords { id amount }", self.tax
        )
        for record in assessed["taxRecords"]:
            await self.mutate(
                "recordTaxPayment",
                {"taxRecordId": record["id"], "amount": record["amount"], "voucherNumber": f"税票{record['id'][-6:]}"},
                "taxRecord { status }",
                self.tax,
            )

    async def seize(self, home: dict, number: int) -> None:
        await self.mutate(
            "registerSeizure",
            {
                "propertyId": home["id"],
                "court": "息县人民法院",
                "documentNumber": f"(2026)豫1528执{number}号",
                "until": "2029-12-31",
            },
            "registration { id }",
            self.registrar,
        )


async def build(county: County) -> dict[str, int]:
    """The whole county, step by step; returns how many homes of each kind it made."""
    for id_number, name in ORGANIZATIONS:
        await county.mutate(
            "registerOrganization", {"name": name, "idNumber": id_number}, "party { id }", county.registrar
        )
    people = buyers(PEOPLE)
    report = await import_shared_data(PopulationRecords(people))
    if report.rejected:
        raise DemoError(f"population records rejected: {report.rejected[:3]}")
    by_id = {p.id_number: p for p in people}
    households, placed = [], set()
    for person in people:  # a married couple buys together, as one household
        if person.id_number not in placed:
            household = [person] + ([by_id[person.spouse]] if person.spouse else [])
            placed.update(p.id_number for p in household)
            households.append(household)

    (first_number, first_dev, first_project, first_units), (second_number, second_dev, second_project, second_units) = (
        PERMITS
    )
    first = await county.permit(first_number, first_dev, first_project, first_units, 1)
    second = await county.permit(second_number, second_dev, second_project, second_units, 1 + first_units)
    buyers_of = iter(households)
    seizures = itertools.count(201)

    # Permit 101: twenty homes sold, taxed and pre-registered (eight with a loan), then completed
    # and first-registered, which transfers each to its buyers; two of them are seized later.
    for i, home in enumerate(first[:20]):
        household = next(buyers_of)
        lender = BANK if i < 4 else OTHER_BANK if i < 8 else None
        contract, _ = await county.sale(home, first_dev, household, lender)
        if lender:
            await county.mortgage(contract, household, lender, Decimal(home["buildingArea"]) * PRICE_PER_M2)
        await county.pay_tax(contract)
    await county.mutate(
        "recordCompletionAcceptance",
        {"permitId": first[0]["permit"], "acceptanceNumber": "息竣备2026-101"},
        "permit { id }",
        county.housing,
    )
    await county.mutate(
        "applyFirstRegistration", {"permitId": first[0]["permit"]}, "transfers { id }", county.organization(first_dev)
    )
    await county.pay_fees()  # the developer's first registrations, then the buyers' transfers and mortgages
    for home in first[18:20]:
        await county.seize(home, next(seizures))

    # Permit 102, still selling: ten available, six sold (filed, the buyers not yet answered),
    # ten pre-registered, four of them with an advance mortgage and two seized.
    for i, home in enumerate(second[10:], start=10):
        household = next(buyers_of, None) or [people[i % len(people)]]
        lender = BANK if 16 <= i < 20 else None
        contract, _ = await county.sale(home, second_dev, household, lender, submit=i >= 16)
        if lender:
            await county.mortgage(contract, household, lender, Decimal(home["buildingArea"]) * PRICE_PER_M2)
    for home in second[24:26]:
        await county.seize(home, next(seizures))
    return {"homes": first_units + second_units, "organizations": len(ORGANIZATIONS), "people": len(people)}


async def load(settings: Settings) -> tuple[str, County]:
    """Fill the (migrated, initialised) database; 'loaded' or 'already there'."""
    from api.app import create_app

    transport = httpx.ASGITransport(app=create_app(settings))
    async with httpx.AsyncClient(transport=transport, base_url="http://onewindow.demo", timeout=120) as http:
        county = County(http, settings)
        state = await county.loaded()
        if state is False:
            raise DemoError(
                "part of the demo county is in this database (an interrupted run?): "
                "start from an empty one (remove var/onewindow.sqlite3) and run `onewindow demo` again"
            )
        if state is None:
            await build(county)
            outcome = "loaded"
        else:
            outcome = "already there"
        county.mint_every_token()
        return outcome, county
