"""`onewindow demo`: a small, realistic county in the embedded database, made through the API.

Every row comes from the same GraphQL mutations the county's actors send (in-process, each with
its actor's token), and the population records from the shared-data import, so the demo is
exactly what the rules would have produced. Two developers, two banks and the provident fund
centre; permit 101 is completed and first-registered (homes registered to their buyers, some
mortgaged, one with a combined loan, two seized), permit 102 is still selling (homes available,
sold, pre-registered, mortgaged in advance, seized). Then the stories (STORIES, one function each)
play what a registration centre sees besides the happy path: an application in review, a sale
withdrawn and the home resold, objections, a correction, a registered home resold, a registered
home mortgaged twice, a mortgaged home resold with its lender's consent (带押过户). Loading twice
changes nothing: a county already there is left as it is.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

import httpx
from stdnum.cn import ric, uscc

from api.app import create_app
from api.auth import mint_token
from api.settings import Settings
from domain.canonical import canonical_hash
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
PROVIDENT_FUND = _credit_code("12411500MA90D3M05")
ORGANIZATIONS = [
    (DEVELOPER, "息县新园置业有限公司"),
    (OTHER_DEVELOPER, "淮河房地产开发有限公司"),
    (BANK, "息县农村商业银行"),
    (OTHER_BANK, "中国建设银行息县支行"),
    (PROVIDENT_FUND, "信阳市住房公积金管理中心"),
]
ROLES = {BANK: Role.BANK, OTHER_BANK: Role.BANK, PROVIDENT_FUND: Role.PROVIDENT_FUND}
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
PEOPLE = 43  # buyers listed, before their spouses are added
# The first households buy on permits 101 and 102; the rest are the stories' (STORIES).
BASE_HOUSEHOLDS = 36


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
        role = ROLES.get(id_number, Role.DEVELOPER)
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
                await self.pay_fee({"id": registration_id, "fee": amount}, self.registrar)
                paid += 1

    async def pay_fee(self, registration: dict, bearer: str) -> None:
        """The registration's fee (登记费) recorded in full, when it has one."""
        if Decimal(registration["fee"]) == 0:
            return
        await self.mutate(
            "recordFeePayment",
            {
                "registrationId": registration["id"],
                "amount": registration["fee"],
                "voucherNumber": f"DEMO-FEE-{registration['id']}",
            },
            "registration { status }",
            bearer,
        )

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
        self,
        home: dict,
        developer: str,
        people: list[Buyer],
        lender: str | None,
        submit: bool = True,
        refusing: Buyer | None = None,
        lenders: list[str] | None = None,
    ) -> tuple[dict, dict]:
        """Draft, sign, fund and file a contract; each buyer then answers the inquiry and signs the
        advance notice application (`refusing` answers "no" to delivery with the certificate).
        `lenders` (a bank, then the provident fund centre) makes it a combined loan (组合贷)."""
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
                "paymentMethod": "COMBINED_LOAN" if lenders else "COMMERCIAL_LOAN" if lender else "FULL_PAYMENT",
                "lenderIdNumber": lender,
                "lenders": lenders,
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
                    {"registrationId": registration["id"], "acceptDeliveryWithCertificate": person != refusing},
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

    async def pay_tax(self, contract: dict, assessment: str = "assessDeedTax") -> None:
        assessed = await self.mutate(assessment, {"contractId": contract["id"]}, "taxRecords { id amount }", self.tax)
        for record in assessed["taxRecords"]:
            if record["amount"] == "0.00":
                continue  # nothing to pay (an exemption)
            await self.mutate(
                "recordTaxPayment",
                {"taxRecordId": record["id"], "amount": record["amount"], "voucherNumber": f"税票{record['id'][-6:]}"},
                "taxRecord { status }",
                self.tax,
            )

    async def resale(
        self, home: dict, sellers: list[Buyer], people: list[Buyer], price: Decimal, lender: str | None = None
    ) -> dict:
        """A resale (存量房买卖) drafted by the first seller and signed by every seller and buyer."""
        down = price if lender is None else (price * Decimal("0.30")).quantize(Decimal("1.00"))
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
            self.person(sellers[0]),
        )
        contract = drafted["contract"]
        for person in [*sellers, *people]:
            await self.mutate(
                "signContract",
                {"contractId": contract["id"], "documentHash": contract["documentHash"]},
                "contract { id }",
                self.person(person),
            )
        return contract

    async def transfer(self, contract: dict, sellers: list[Buyer], people: list[Buyer]) -> dict:
        """The buyer's deed tax and the sellers' taxes paid, then the transfer registration (转移登记)
        applied for by the first buyer and signed by every buyer and seller: completed at once."""
        await self.pay_tax(contract)
        await self.pay_tax(contract, "assessSellerTaxes")
        applied = await self.mutate(
            "applyTransferRegistration",
            {"contractId": contract["id"]},
            "registration { id documentHash fee }",
            self.person(people[0]),
        )
        registration = applied["registration"]
        await self.pay_fee(registration, self.registrar)  # 登记费: the transfer completes with the last signature
        for person in [*people, *sellers]:
            signed = await self.mutate(
                "signRegistration",
                {"registrationId": registration["id"], "documentHash": registration["documentHash"]},
                "registration { id status }",
                self.person(person),
            )
        if signed["registration"]["status"] != "COMPLETED":
            raise DemoError(f"transfer of {contract['id']}: {signed['registration']['status']}")
        return signed["registration"]

    async def owners(self, home: dict) -> list[str]:
        """The Party IDs of the home's owners, as the registrar reads them."""
        data = await self.query(
            "query($id: ID!) { node(id: $id) { ... on Property { owners { id } } } }",
            {"id": home["id"]},
            self.registrar,
        )
        return [owner["id"] for owner in data["node"]["owners"]]

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
    buyers_of = iter(households[:BASE_HOUSEHOLDS])
    seizures = itertools.count(201)
    demo = Demo(first, second, households, first_dev, second_dev, seizures)

    # Permit 101: twenty homes sold, taxed and pre-registered (eight with a loan), then completed
    # and first-registered, which transfers each to its buyers; two of them are seized later.
    for i, home in enumerate(first[:20]):
        household = next(buyers_of)
        lender = BANK if i < 4 else OTHER_BANK if i < 8 else None
        contract, _ = await county.sale(home, first_dev, household, lender)
        if lender:
            await county.mortgage(contract, household, lender, Decimal(home["buildingArea"]) * PRICE_PER_M2)
        await county.pay_tax(contract)
    for story in BEFORE_COMPLETION:
        await story(county, demo)
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

    for story in STORIES:
        await story(county, demo)
        await county.pay_fees()  # what the story charged and nobody paid yet (the buyers' loans of a resale)
    return {"homes": first_units + second_units, "organizations": len(ORGANIZATIONS), "people": len(people)}


# ------------------------------------------------------------------------------------ stories


@dataclass
class Demo:
    """What the stories play on: the homes of each permit, in order, and the households."""

    first: list[dict]  # permit 101: 0-19 registered to buyers (0-7 mortgaged, 18-19 seized), 20-23 the developer's
    # (until a story sells one: BEFORE_COMPLETION stories play before the first registration)
    second: list[dict]  # permit 102: 0-9 available, 10-15 sold, 16-25 pre-registered (16-19 advance mortgage)
    households: list[list[Buyer]]
    first_developer: str
    second_developer: str
    seizures: Iterator[int]

    def household(self, n: int) -> list[Buyer]:
        """The n-th household kept for the stories."""
        return self.households[BASE_HOUSEHOLDS + n]


async def in_force(county: County, home: dict) -> dict[str, dict]:
    """The home's registrations in force, by kind, as the registrar reads them."""
    data = await county.query(
        """query($id: ID!) { node(id: $id) { ... on Property { registrations(first: 50, inForce: true) {
             edges { node { id kind applicationForm } } } } } }""",
        {"id": home["id"]},
        county.registrar,
    )
    return {e["node"]["kind"]: e["node"] for e in data["node"]["registrations"]["edges"]}


async def in_review_story(county: County, demo: Demo) -> None:
    """转人工审核: a couple buys home 102-1; one of them answers "no" to delivery with the
    certificate, so the advance notice waits in the registrar's queue (IN_REVIEW)."""
    couple = demo.household(0)
    await county.sale(demo.second[0], demo.second_developer, couple, None, refusing=couple[0])


async def withdrawal_story(county: County, demo: Demo) -> None:
    """退房: the buyer of home 102-2 pre-registers it, then withdraws. Buyer and developer apply for
    and sign the cancellation of the advance notice (its proof is CANCELLED), the contract is
    cancelled, the bank refunds the supervised deposits, and another household buys the home
    and pre-registers it."""
    home, buyer = demo.second[1], demo.household(1)
    contract, notice = await county.sale(home, demo.second_developer, buyer, None)
    applied = await county.mutate(
        "applyCancellationRegistration",
        {"registrationId": notice["id"], "reason": "买受人退房,买卖双方协商解除合同"},
        "registration { id applicationForm }",
        county.person(buyer[0]),
    )
    cancellation = applied["registration"]
    for bearer in [*(county.person(p) for p in buyer), county.organization(demo.second_developer)]:
        await county.mutate(
            "signRegistration",
            {"registrationId": cancellation["id"], "documentHash": canonical_hash(cancellation["applicationForm"])},
            "registration { id }",
            bearer,
        )
    cancelled = await county.mutate(
        "cancelContract",
        {"contractId": contract["id"], "reason": "买受人退房"},
        "contract { id refundDue }",
        county.housing,
    )
    await county.mutate(
        "recordFundRefund",
        {
            "contractId": contract["id"],
            "amount": cancelled["contract"]["refundDue"],
            "bankReference": f"R-{contract['number']}",
        },
        "refund { id }",
        county.organization(BANK),
    )
    await county.sale(home, demo.second_developer, demo.household(2), None)


async def objection_stories(county: County, demo: Demo) -> None:
    """异议登记: someone claims homes 101-11 and 101-12 are registered wrongly. The first objection is
    kept in force by a lawsuit; the second ends with a cancellation on a court judgment."""
    claimant = demo.household(3)[0]
    objections = []
    for home in demo.first[10:12]:
        registered = await county.mutate(
            "registerObjection",
            {
                "propertyId": home["id"],
                "applicantIdNumber": claimant.id_number,
                "claim": "该房屋系本人出资购买,登记有误",
            },
            "registration { id }",
            county.registrar,
        )
        objections.append(registered["registration"]["id"])
    kept, ended = objections
    await county.mutate(
        "recordObjectionLawsuit",
        {"registrationId": kept, "caseNumber": "(2026)豫1528民初301号"},
        "registration { id }",
        county.registrar,
    )
    await county.mutate(
        "applyCancellationRegistration",
        {"registrationId": ended, "reason": "判决驳回异议申请人的诉讼请求", "courtDocument": "(2026)豫1528民初302号"},
        "registration { id }",
        county.registrar,
    )


async def correction_story(county: County, demo: Demo) -> None:
    """更正登记: the owner of home 101-13 has its building area corrected after a new survey; the
    registrar approves, so a new certificate is issued and the old one is SUPERSEDED."""
    home = demo.first[12]
    transfer = (await in_force(county, home))["TRANSFER"]
    area = (Decimal(home["buildingArea"]) + Decimal("0.87")).quantize(Decimal("0.01"))
    applied = await county.mutate(
        "applyCorrectionRegistration",
        {
            "registrationId": transfer["id"],
            "corrections": [{"field": "buildingArea", "value": str(area)}],
            "reason": "测绘成果更正:实测面积有误",
        },
        "registration { id }",
        county.person(demo.households[12][0]),
    )
    await county.mutate(
        "decideRegistration",
        {"registrationId": applied["registration"]["id"], "approve": True, "reason": "依息县房产测绘报告更正"},
        "registration { id }",
        county.registrar,
    )


async def combined_loan_story(county: County, demo: Demo) -> None:
    """组合贷: a household buys home 101-21 with a combined loan, the bank's part first and the
    provident fund centre's after it; both advance mortgages become mortgages in force (priority
    1 and 2) at the first registration, which transfers the home to its buyers."""
    home, household = demo.first[20], demo.household(5)
    contract, _ = await county.sale(home, demo.first_developer, household, None, lenders=[BANK, PROVIDENT_FUND])
    price = Decimal(home["buildingArea"]) * PRICE_PER_M2
    mortgages = []
    for lender, part in ((BANK, Decimal("0.40")), (PROVIDENT_FUND, Decimal("0.30"))):
        approved = await county.mutate(
            "approveMortgage",
            {
                "contractId": contract["id"],
                "principal": str((price * part).quantize(Decimal("1.00"))),
                "termMonths": 360,
            },
            "mortgage { id }",
            county.organization(lender),
        )
        mortgages.append((approved["mortgage"]["id"], lender))
    for mortgage, _ in mortgages:
        for person in household:
            await county.mutate("signMortgage", {"mortgageId": mortgage}, "mortgage { id }", county.person(person))
    for mortgage, lender in mortgages:
        await county.mutate(
            "applyAdvanceMortgageRegistration",
            {"mortgageId": mortgage},
            "registration { id }",
            county.organization(lender),
        )
    await county.pay_tax(contract)


async def resale_story(county: County, demo: Demo) -> None:
    """存量房转移登记: the owners of home 101-9 resell it to another household for full payment; the
    buyer's deed tax and the sellers' taxes are paid and the transfer completes: the buyers own
    the home, the sellers' ownership is HISTORIC and its certificate SUPERSEDED."""
    home, sellers, household = demo.first[8], demo.households[8], demo.household(4)
    price = (Decimal(home["buildingArea"]) * PRICE_PER_M2 * Decimal("1.15")).quantize(Decimal("1.00"))
    contract = await county.resale(home, sellers, household, price)
    await county.mutate("fileContract", {"contractId": contract["id"]}, "contract { id }", county.person(sellers[0]))
    await county.transfer(contract, sellers, household)


async def registered_home_mortgage_story(county: County, demo: Demo) -> None:
    """抵押权登记: the owners of home 101-14 mortgage it to the bank (priority 1), then borrow again
        from the other bank on the same home (priority 2); each bank pays its registration's fee (登记费),
    which registers it at once."""
    home, owners = demo.first[13], demo.households[13]
    borrowers = await county.owners(home)
    for lender, principal in ((BANK, "300000.00"), (OTHER_BANK, "120000.00")):
        approved = await county.mutate(
            "approveMortgage",
            {"propertyId": home["id"], "borrowers": borrowers, "principal": principal, "termMonths": 120},
            "mortgage { id }",
            county.organization(lender),
        )
        mortgage = approved["mortgage"]["id"]
        for person in owners:
            await county.mutate("signMortgage", {"mortgageId": mortgage}, "mortgage { id }", county.person(person))
        bank = county.organization(lender)
        applied = await county.mutate(
            "applyMortgageRegistration", {"mortgageId": mortgage}, "registration { id fee }", bank
        )
        await county.pay_fee(applied["registration"], bank)  # the bank pays its mortgage's fee; it registers then


async def transfer_with_mortgage_story(county: County, demo: Demo) -> None:
    """带押过户: the owners of home 101-1, mortgaged to the bank, resell it; the bank consents to the
    transfer, the buyer borrows from the other bank, and the transfer completes with the bank's
    mortgage still in force (priority 1) and the buyer's registered after it (priority 2)."""
    home, sellers, household = demo.first[0], demo.households[0], demo.household(6)
    data = await county.query(
        "query($id: ID!) { node(id: $id) { ... on Property { mortgages { edges { node { id status } } } } } }",
        {"id": home["id"]},
        county.organization(BANK),
    )
    [old] = [e["node"]["id"] for e in data["node"]["mortgages"]["edges"] if e["node"]["status"] == "REGISTERED"]
    price = (Decimal(home["buildingArea"]) * PRICE_PER_M2 * Decimal("1.10")).quantize(Decimal("1.00"))
    contract = await county.resale(home, sellers, household, price, lender=OTHER_BANK)
    await county.mutate(
        "consentToTransfer",
        {"mortgageId": old, "contractId": contract["id"]},
        "mortgage { id }",
        county.organization(BANK),
    )
    await county.mutate("fileContract", {"contractId": contract["id"]}, "contract { id }", county.person(sellers[0]))
    approved = await county.mutate(
        "approveMortgage",
        {
            "contractId": contract["id"],
            "principal": str((price * Decimal("0.70")).quantize(Decimal("1.00"))),
            "termMonths": 240,
        },
        "mortgage { id }",
        county.organization(OTHER_BANK),
    )
    for person in household:
        await county.mutate(
            "signMortgage", {"mortgageId": approved["mortgage"]["id"]}, "mortgage { id }", county.person(person)
        )
    await county.transfer(contract, sellers, household)


Story = Callable[[County, Demo], Awaitable[None]]
# Sales of permit 101 still to be made when its building is completed and first-registered.
BEFORE_COMPLETION: list[Story] = [combined_loan_story]
# Issue 13's stories (DESIGN §7), then issue 14's. A new story takes the next demo.household(n)
# (now 7; raise PEOPLE for more) and homes no story above uses.
STORIES: list[Story] = [
    in_review_story,
    withdrawal_story,
    objection_stories,
    correction_story,
    resale_story,
    registered_home_mortgage_story,
    transfer_with_mortgage_story,
]


async def load(settings: Settings) -> tuple[str, County]:
    """Fill the (migrated, initialised) database; 'loaded' or 'already there'."""
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
