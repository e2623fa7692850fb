"""The console at /console in a real browser (Debian's chromium) against a real server.

Set ONEWINDOW_CONSOLE_SCREENSHOTS=docs to write the screenshots docs/console.md shows."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from tests import ids
from tests.changes import Changes
from tests.support import ROOT, token

CHROMIUM = Path("/usr/bin/chromium")
CONSOLE = ROOT / "console" / "dist" / "index.html"
playwright_api = pytest.importorskip(
    "playwright.async_api", reason="the console tests need the playwright package (make install)"
)

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no browser: install Debian's chromium (/usr/bin/chromium)"),
    pytest.mark.skipif(
        not CONSOLE.exists(), reason="the console is not built: `make install` (npm ci && npm run build in console/)"
    ),
]


def _shots(tmp_path: Path) -> Path:
    return (
        ROOT / os.environ["ONEWINDOW_CONSOLE_SCREENSHOTS"]
        if os.environ.get("ONEWINDOW_CONSOLE_SCREENSHOTS")
        else tmp_path
    )


@pytest.fixture
async def page(server):
    async with playwright_api.async_playwright() as p:
        browser = await p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        context = await browser.new_context(viewport={"width": 1280, "height": 860}, locale="zh-CN")
        page = await context.new_page()
        foreign: list[str] = []

        async def only_this_server(route):
            if urlparse(route.request.url).hostname == "127.0.0.1":
                await route.continue_()
            else:
                foreign.append(route.request.url)
                await route.abort()

        await page.route("**/*", only_this_server)
        yield page
        await browser.close()
        assert foreign == [], f"the console asked another host for {foreign}"


@pytest.fixture
async def life(server_gql):
    return await Changes(server_gql).setup()


async def sign_in(page, server, bearer: str, role: str) -> None:
    await page.goto(f"{server.url}/console")
    await page.fill("[data-test=token]", bearer)
    await page.click("[data-test=sign-in]")
    await playwright_api.expect(page.locator("[data-test=role]")).to_contain_text(role)


async def opens_pdf(page, link) -> None:
    """Clicking the link fetches the document with the bearer token and opens it in a new tab."""
    href = await link.get_attribute("href")
    async with page.context.expect_page() as tab, page.expect_response(lambda r: r.url.endswith(href)) as answer:
        await link.click()
    response = await answer.value
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.request.headers.get("authorization", "").startswith("Bearer ")
    await (await tab.value).close()


async def test_sign_in_and_find_a_home(page, server, life, tmp_path):
    _permit, (unit, _) = await life.permit_with_units(units=2)
    _, registration = await life.pre_registered(unit["id"])
    await page.goto(f"{server.url}/console")
    await page.fill("[data-test=token]", "not-a-token")
    await page.click("[data-test=sign-in]")
    await playwright_api.expect(page.locator("[data-test=sign-in-error]")).to_contain_text("UNAUTHENTICATED")
    await page.fill("[data-test=token]", token("REGISTRAR"))
    await page.screenshot(path=str(_shots(tmp_path) / "console-sign-in.png"))
    await page.click("[data-test=sign-in]")
    await playwright_api.expect(page.locator("[data-test=role]")).to_contain_text("REGISTRAR")
    await page.fill("[data-test=unit-code]", unit["unitCode"])
    await page.click("[data-test=find]")
    expect = playwright_api.expect
    await expect(page.locator("[data-test=status]")).to_have_text("PRE_REGISTERED")
    await expect(page.locator("[data-test=holders]")).to_have_text("张三")
    certificate = page.locator("[data-test=certificate]")
    await expect(certificate).to_have_text(registration["certificate"]["number"])
    assert (
        unquote(await certificate.get_attribute("href")) == f"/certificates/{registration['certificate']['number']}.pdf"
    )
    await expect(page.locator("[data-test=rights]")).to_contain_text("预告登记")
    # The PDFs need the token: the console fetches them with it (a plain link could not).
    await opens_pdf(page, certificate)
    application = page.locator("[data-test=application]")
    assert unquote(await application.get_attribute("href")) == f"/registrations/{registration['id']}.pdf"
    await opens_pdf(page, application)
    history = page.locator("[data-test=history]")
    for event_type in ("CONTRACT_DRAFTED", "CONTRACT_FILED", "REGISTRATION_COMPLETED", "CERTIFICATE_ISSUED"):
        await expect(history).to_contain_text(event_type)
    await page.screenshot(path=str(_shots(tmp_path) / "console-property.png"), full_page=True)


async def test_an_event_arrives_on_the_live_board_and_none_is_lost_across_a_reconnect(page, server, life, tmp_path):
    _permit, (first, second) = await life.permit_with_units(units=2)
    await sign_in(page, server, token("REGISTRAR"), "REGISTRAR")
    await page.click("#tab-live")
    expect = playwright_api.expect
    await expect(page.locator("[data-test=connection]")).to_have_text("connected")
    board = page.locator("[data-test=live-events] tbody tr")
    await life.filed_contract(first["id"])
    filed = page.locator("[data-test=live-events] tbody tr", has_text="CONTRACT_FILED")
    await expect(filed.filter(has_text=first["unitCode"])).to_have_count(1)
    before = await board.count()
    # Dropped; what happens meanwhile arrives after the reconnect, once.
    await page.click("[data-test=reconnect]")
    await life.filed_contract(second["id"], buyer_tokens={ids.LI_SI: life.actors.li})
    await expect(filed.filter(has_text=second["unitCode"])).to_have_count(1, timeout=15000)
    await expect(page.locator("[data-test=connection]")).to_have_text("connected")
    after = await board.count()
    # The second sale logs draft, two signatures, two deposits and the filing: six events.
    assert after - before == 6, (before, after)
    await page.screenshot(path=str(_shots(tmp_path) / "console-live.png"))


async def test_the_figures_chart_shows_the_periods_numbers(page, server, life, tmp_path):
    _permit, units = await life.permit_with_units(units=3)
    for unit in units[:2]:
        await life.pre_registered(unit["id"])
    _, pending = await life.filed_contract(
        units[2]["id"], buyer_tokens={ids.LI_SI: life.actors.li, ids.WANG_WU: life.actors.wang}
    )
    assert (await life.submit(pending["id"], life.actors.li))["userErrors"] == []
    await sign_in(page, server, token("SUPERVISOR"), "SUPERVISOR")
    await page.click("#tab-metrics")
    today = (datetime.now(UTC) + timedelta(hours=8)).date()
    await page.fill("[data-test=from]", (today - timedelta(days=1)).isoformat())
    await page.fill("[data-test=to]", (today + timedelta(days=1)).isoformat())
    await page.click("[data-test=load-metrics]")
    expect = playwright_api.expect
    bar = page.locator("[data-test=chart-applications] g[data-kind=ADVANCE_NOTICE] [data-test=bar-value]")
    await expect(bar).to_have_text("2")
    await expect(page.locator("[data-test=chart-applications] g")).to_have_count(1)
    await expect(page.locator("[data-test=instant-rate]")).to_contain_text("100.00%")
    durations = page.locator("[data-test=durations]")
    await expect(durations).to_contain_text(re.compile("网签备案 → 预告登记办结"))
    await page.screenshot(path=str(_shots(tmp_path) / "console-metrics.png"), full_page=True)


async def test_a_registrar_approves_an_application_from_the_review_queue(page, server, life, tmp_path):
    _, (unit,) = await life.permit_with_units(units=1)
    _, notice = await life.filed_contract(unit["id"])
    # The buyer answers "no" to the inquiry: the instant decision leaves it to a person.
    assert (await life.submit(notice["id"], life.actors.zhang, accept=False))["registration"]["status"] == "IN_REVIEW"
    await sign_in(page, server, token("REGISTRAR"), "REGISTRAR")
    await page.click("#tab-review")
    expect = playwright_api.expect
    rows = page.locator("[data-test=review-queue] tbody tr")
    await expect(rows).to_have_count(1)
    await expect(rows.first).to_contain_text(unit["unitCode"])
    await expect(rows.first).to_contain_text("张三")
    await rows.first.locator("[data-test=open-review]").click()
    item = page.locator("[data-test=review-item]")
    await expect(item.locator("[data-test=checks]")).to_contain_text("未通过")
    await expect(item.locator("[data-test=inquiry] tbody tr")).to_have_count(1)
    await expect(item.locator("[data-test=inquiry] tbody tr")).to_contain_text(re.compile("张三.*否"))
    await expect(item.locator("[data-test=application-form]")).to_contain_text(unit["unitCode"])
    await opens_pdf(page, item.locator("[data-test=application-pdf]"))
    # No reason: the server's coded refusal is shown and the application stays in the queue.
    await item.locator("[data-test=approve]").click()
    await expect(page.locator("[data-test=user-error]")).to_contain_text("INVALID_INPUT")
    await expect(rows).to_have_count(1)
    await page.fill("[data-test=reason]", "买受人已书面确认交房即交证")
    await page.screenshot(path=str(_shots(tmp_path) / "console-review.png"), full_page=True)
    await item.locator("[data-test=approve]").click()
    await expect(page.locator("[data-test=decided-status]")).to_have_text("COMPLETED")
    await expect(rows).to_have_count(0)
    history = page.locator("[data-test=decided-history]")
    await expect(history).to_contain_text("REGISTRATION_COMPLETED · 买受人已书面确认交房即交证")
    # The same through GraphQL: out of the queue, completed by a person with the reason kept.
    queue = await life.client.data(
        "{ registrations(filter: {status: IN_REVIEW}) { totalCount } }", bearer=token("REGISTRAR")
    )
    assert queue["registrations"]["totalCount"] == 0
    found = await life.client.data(
        "query($id: ID!) { registrations(filter: {propertyId: $id, kind: ADVANCE_NOTICE}) { edges { node {"
        " id status decidedBy decision { reason } } } } }",
        {"id": unit["id"]},
        bearer=token("REGISTRAR"),
    )
    [decided] = [e["node"] for e in found["registrations"]["edges"]]
    assert (decided["id"], decided["status"], decided["decidedBy"]) == (notice["id"], "COMPLETED", "REGISTRAR")
    assert decided["decision"]["reason"] == "买受人已书面确认交房即交证"
