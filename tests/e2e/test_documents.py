"""Certificates and contracts as documents, and the verification page behind the QR code
(issue 16 items 2, 6, 7), against a real server; the page in a real browser."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

from api.documents import verification_url
from tests import ids
from tests.changes import Changes
from tests.story import Life

NEEDS = ("pdftotext", "pdftoppm", "zbarimg")


def _tools() -> None:
    missing = [t for t in NEEDS if shutil.which(t) is None]
    if missing:
        pytest.skip(f"needs {', '.join(missing)} (Debian poppler-utils, zbar-tools)")


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout


def qr_codes(pdf: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "qr.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-singlefile", str(path), str(tmp_path / "page")], check=True)
    out = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(tmp_path / "page.png")],
        capture_output=True,
        text=True,
    )
    return [line for line in out.stdout.splitlines() if line]


def bearer(token: str | None) -> dict:
    return {"Authorization": f"Bearer {token}"} if token else {}


class Browser:
    """Debian's chromium through Playwright (no browser download)."""

    def __init__(self) -> None:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            pytest.skip("needs the playwright package (make install)")
        if not Path("/usr/bin/chromium").exists():
            pytest.skip("needs Debian's chromium at /usr/bin/chromium")
        self._playwright = sync_playwright().start()
        self.browser = self._playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=["--no-sandbox"]
        )

    def page_texts(self, url: str) -> dict[str, str]:
        page = self.browser.new_page()
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(url)
        texts = {
            name: page.inner_text(f"#{name}")
            for name in ("verdict", "status", "number", "unit-code", "holders", "kind", "date")
        }
        texts["body"] = page.inner_text("body")
        texts["rows"] = page.locator("th").all_inner_texts()
        texts["cells"] = page.locator("td").all_inner_texts()
        texts["headings"] = page.locator("h1").all_inner_texts()
        texts["requests"] = requests
        page.close()
        return texts

    def close(self) -> None:
        self.browser.close()
        self._playwright.stop()


async def in_browser(url: str) -> dict:
    """Playwright's sync API runs in a thread of its own, off the test's event loop."""

    def visit():
        browser = Browser()
        try:
            return browser.page_texts(url)
        finally:
            browser.close()

    return await asyncio.to_thread(visit)


async def test_a_certificate_prints_scans_and_verifies_current_then_superseded(server, server_gql, tmp_path):
    _tools()
    life = await Life(server_gql).setup()
    actors = life.actors
    permit, units = await life.permit_with_units(units=1)
    contract, notice = await life.pre_registered(units[0]["id"])
    proof = notice["certificate"]
    unit_code = units[0]["unitCode"]

    async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
        url = f"/certificates/{proof['number']}.pdf"
        assert (await http.get(url)).status_code == 401
        assert (await http.get(url, headers=bearer("not-a-token"))).status_code == 401
        assert (await http.get(url, headers=bearer(actors.wang))).status_code == 404  # another buyer
        assert (
            await http.get(url, headers=bearer(actors.other_bank))
        ).status_code == 404  # a bank the sale did not choose
        assert (await http.get(url, headers=bearer(actors.other_developer))).status_code == 404
        assert (
            await http.get("/certificates/豫(2026)息县不动产证明第9999999号.pdf", headers=bearer(actors.registrar))
        ).status_code == 404
        for allowed in (actors.zhang, actors.bank, actors.developer, actors.registrar):
            assert (await http.get(url, headers=bearer(allowed))).status_code == 200
        response = await http.get(url, headers=bearer(actors.zhang))
        assert response.headers["content-type"] == "application/pdf"
        pdf = response.content

        text = pdf_text(pdf, tmp_path)
        for expected in (
            proof["number"],
            "张三",
            ids.ZHANG_SAN,
            unit_code,
            "不动产登记证明",
            "预购商品房预告登记",
            "息县不动产登记中心",
        ):
            assert expected in text, expected
        assert b"/FontFile2" in pdf  # the CJK font is embedded (subset), not left to the reader
        [scanned] = qr_codes(pdf, tmp_path)
        assert scanned.startswith(f"{server.url}/verify?number=")
        page = await http.get(scanned)  # the URL is what the page answers, no token needed
        assert page.status_code == 200 and "CURRENT" in page.text
        assert (
            "img-src" not in page.headers["content-security-policy"]
            and "default-src 'none'" in page.headers["content-security-policy"]
        )

        seen = await in_browser(scanned)
        assert seen["verdict"].startswith("有效") and seen["status"] == "CURRENT"
        only_the_public_facts(seen, contract)
        assert seen["number"] == proof["number"] and seen["unit-code"] == unit_code
        assert seen["holders"] == "张*（4115**********" + ids.ZHANG_SAN[-4:] + "）"
        assert ids.ZHANG_SAN not in seen["body"] and "张三" not in seen["body"]
        assert "息县城关镇" not in seen["body"]  # the address is not for the public
        assert all(r.startswith(server.url) for r in seen["requests"])

        # A wrong hash: invalid, and nothing about the certificate.
        forged = await http.get("/verify", params={"number": proof["number"], "hash": "0" * 64})
        assert "INVALID" in forged.text and unit_code not in forged.text

        # The first registration converts the advance notice: the proof is superseded.
        await life.pay_all(contract["id"])
        await life.accept_completion(permit["id"])
        applied = await life.first_registration(permit["id"])
        [transfer] = applied["transfers"]
        assert transfer["convertedFrom"]["rightStatus"] == "HISTORIC"
        seen = await in_browser(scanned)
        assert seen["status"] == "SUPERSEDED" and seen["verdict"].startswith("有效")

        ownership = transfer["certificate"]
        owned = await http.get(f"/certificates/{ownership['number']}.pdf", headers=bearer(actors.zhang))
        assert owned.status_code == 200 and "不动产权证书" in pdf_text(owned.content, tmp_path)
        [scanned_ownership] = qr_codes(owned.content, tmp_path)
        assert "CURRENT" in (await http.get(scanned_ownership)).text


PUBLIC_ROWS = [
    "状态 Status",
    "种类 Kind",
    "证号 Number",
    "不动产单元号 Unit code",
    "登簿日期 Date",
    "权利人 Holders",
]


def only_the_public_facts(seen: dict, contract: dict) -> None:
    """The verification page shows valid / status, kind, number, unit code, date and masked
    holders (issue 16 item 2), nothing else: no price, address, contract, form or signature."""
    assert seen["rows"] == PUBLIC_ROWS
    assert seen["headings"] == ["不动产登记电子证照核验 Certificate verification"]
    shown = [*seen["headings"], seen["verdict"], *seen["rows"], *seen["cells"]]
    rest = seen["body"]
    for text in shown:
        rest = rest.replace(text, "", 1)
    assert rest.strip() == "", rest  # the body is those and nothing more
    assert seen["kind"] == "不动产登记证明 REGISTRATION_PROOF"
    assert seen["date"].startswith("20") and seen["date"].endswith("日")
    for private in (
        contract["number"],  # the filed contract
        "1,000,000",
        "1000000",  # the price
        "息县城关镇",  # the address
        "预购商品房预告登记",  # the application form's registration type
        "息县新园置业",  # the obligor (seller)
        ids.ZHANG_SAN,
        "张三",
        "SHA-256",
        "signature",
    ):
        assert private not in seen["body"], private


async def test_a_cancelled_proof_verifies_as_cancelled_and_still_prints(server, server_gql, tmp_path):
    _tools()
    life = await Changes(server_gql).setup()
    actors = life.actors
    _, units = await life.permit_with_units(units=1)
    contract, notice = await life.pre_registered(units[0]["id"])
    proof = notice["certificate"]
    # The buyer and the seller cancel the advance notice together (issue 13).
    cancellation = await life.cancel_notice_together(notice["id"], [actors.zhang])
    assert (cancellation["status"], cancellation["cancels"]["rightStatus"]) == ("COMPLETED", "HISTORIC")

    async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
        url = f"/certificates/{proof['number']}.pdf"
        assert (await http.get(url, headers=bearer(actors.wang))).status_code == 404
        response = await http.get(url, headers=bearer(actors.zhang))
        assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
        text = pdf_text(response.content, tmp_path)
        for expected in (proof["number"], "张三", units[0]["unitCode"], "不动产登记证明", "已注销"):
            assert expected in text, expected
        [scanned] = qr_codes(response.content, tmp_path)
        assert scanned == verification_url(server.url, proof["number"], proof["contentHash"])
        page = await http.get(scanned)
        assert page.status_code == 200 and "CANCELLED" in page.text

    seen = await in_browser(scanned)
    # Issued by the authority and unaltered (valid), and no longer in force (CANCELLED).
    assert seen["verdict"].startswith("有效") and seen["status"] == "CANCELLED"
    assert seen["number"] == proof["number"] and seen["unit-code"] == units[0]["unitCode"]
    assert seen["holders"] == "张*（4115**********" + ids.ZHANG_SAN[-4:] + "）"
    assert all(r.startswith(server.url) for r in seen["requests"])
    only_the_public_facts(seen, contract)


async def test_the_contract_pdf_lays_out_the_signed_text_for_its_parties_only(server, server_gql, tmp_path):
    _tools()
    life = await Life(server_gql).setup()
    actors = life.actors
    _, units = await life.permit_with_units(units=1)
    contract, _ = await life.filed_contract(units[0]["id"])
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
        url = f"/contracts/{contract['id']}.pdf"
        assert (await http.get(url)).status_code == 401
        assert (await http.get(url, headers=bearer(actors.wang))).status_code == 404
        assert (await http.get(url, headers=bearer(actors.other_bank))).status_code == 404
        assert (await http.get("/contracts/not-an-id.pdf", headers=bearer(actors.registrar))).status_code == 404
        for allowed in (
            actors.bank,
            actors.developer,
            actors.housing,
            actors.registrar,
        ):  # the chosen lender, the seller, departments
            assert (await http.get(url, headers=bearer(allowed))).status_code == 200
        response = await http.get(url, headers=bearer(actors.zhang))
        assert response.status_code == 200
        text = pdf_text(response.content, tmp_path)
    for heading in (
        "商品房买卖合同",
        "第一章 合同当事人",
        "第二章 商品房基本状况",
        "第三章 商品房价款及付款方式",
        "第四章 商品房交付",
        "第五章 交房即交证",
    ):
        assert heading in text, heading
    for expected in (
        contract["number"],
        "张三",
        ids.ZHANG_SAN,
        units[0]["unitCode"],
        "1,000,000.00",
        "息县农村商业银行",
    ):
        assert expected in text, expected
    assert contract["documentHash"] in text.replace("\n", "")


async def test_the_sellers_ownership_certificate_verifies_superseded_after_a_resale_transfer(server, server_gql):
    """Issue 16: SUPERSEDED after a transfer. 张三's ownership certificate of the first registration,
    scanned after 张三 resold the home to 王五 and the transfer was registered; 王五's is CURRENT."""
    from tests.resale import Resale

    life = await Resale(server_gql).setup()
    actors = life.actors
    unit, _, first = await life.registered_home()
    sellers = first["certificate"]
    sellers_url = verification_url(server.url, sellers["number"], sellers["contentHash"])
    seen = await in_browser(sellers_url)
    assert seen["verdict"].startswith("有效") and seen["status"] == "CURRENT"

    contract = await life.filed_resale(unit["id"], [actors.zhang], {ids.WANG_WU: actors.wang})
    await life.pay_records(await life.assess(contract["id"]))
    await life.pay_records((await life.seller_taxes(contract["id"]))["taxRecords"])
    registration = (await life.apply_transfer(contract["id"], actors.wang))["registration"]
    assert (await life.sign_transfer(registration, actors.wang))["userErrors"] == []
    done = (await life.sign_transfer(registration, actors.zhang))["registration"]
    assert done["status"] == "COMPLETED", done
    buyers = done["certificate"]

    seen = await in_browser(sellers_url)
    # Issued by the authority and unaltered (valid), replaced by the transfer (SUPERSEDED).
    assert seen["verdict"].startswith("有效") and seen["status"] == "SUPERSEDED"
    assert seen["number"] == sellers["number"] and seen["unit-code"] == unit["unitCode"]
    assert seen["kind"] == "不动产权证书 OWNERSHIP_CERTIFICATE"
    assert seen["holders"] == "张*（4115**********" + ids.ZHANG_SAN[-4:] + "）"
    assert seen["rows"] == PUBLIC_ROWS
    for private in (contract["number"], "1000000", "1,000,000", "王五", ids.WANG_WU, ids.ZHANG_SAN, buyers["number"]):
        assert private not in seen["body"], private
    assert all(r.startswith(server.url) for r in seen["requests"])

    current = await in_browser(verification_url(server.url, buyers["number"], buyers["contentHash"]))
    assert current["verdict"].startswith("有效") and current["status"] == "CURRENT"
    assert current["holders"] == "王*（4130**********" + ids.WANG_WU[-4:] + "）"
