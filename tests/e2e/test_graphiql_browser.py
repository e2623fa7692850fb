"""GraphiQL in a real browser with the network limited to 127.0.0.1: it renders, runs a query with
a token written in its headers editor, and its documentation explorer lists the mutations."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from api.graphiql import ASSETS, FILES
from tests.support import ServerProcess, server_env, token

CHROMIUM = Path(os.environ.get("ONEWINDOW_TEST_CHROMIUM", "/usr/bin/chromium"))
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

try:
    from playwright.async_api import async_playwright
except ImportError:  # pragma: no cover - dev extras not installed
    async_playwright = None

pytestmark = pytest.mark.skipif(
    async_playwright is None or not CHROMIUM.exists(),
    reason=(
        f"needs the Python playwright package and Debian's chromium at {CHROMIUM} (apt-get "
        f"install chromium; CI installs it)"
    ),
)


@pytest.fixture
def server(settings, tmp_path):
    """A real server with GraphiQL and introspection on, as a development deployment has them
    (on PostgreSQL the production defaults turn both off)."""
    process = ServerProcess(
        server_env(
            settings,
            ONEWINDOW_TEST_LOG=str(tmp_path / "server.log"),
            ONEWINDOW_GRAPHIQL="true",
            ONEWINDOW_INTROSPECTION="true",
        )
    ).start()
    yield process
    process.stop()


def test_the_assets_are_installed():
    missing = [name for name, relative in FILES.items() if not (ASSETS / relative).is_file()]
    assert missing == [], "run `make install` (npm ci in api/graphiql_assets)"


# GraphiQL's editors are CodeMirror 5 instances; the visible one of those matching is meant.
async def _set_editor(page, selector: str, text: str) -> None:
    await page.locator(f"{selector}:visible").evaluate("(node, text) => node.CodeMirror.setValue(text)", text)


async def _get_editor(page, selector: str) -> str:
    return await page.locator(f"{selector}:visible").evaluate("(node) => node.CodeMirror.getValue()")


async def test_graphiql_works_offline(server):
    local = ("http://127.0.0.1:", "ws://127.0.0.1:")
    elsewhere: list[str] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = await browser.new_page()

            async def only_local(route):
                if route.request.url.startswith(local):
                    await route.continue_()
                else:
                    elsewhere.append(route.request.url)
                    await route.abort()

            await page.route("**/*", only_local)
            await page.goto(f"{server.url}/graphql")
            await page.wait_for_selector(".graphiql-query-editor .CodeMirror", timeout=20_000)

            opening = await _get_editor(page, ".graphiql-query-editor .CodeMirror")
            assert "Authorization" in opening and "onewindow token" in opening

            await _set_editor(page, ".graphiql-query-editor .CodeMirror", "{ viewer { role } }")
            headers = ".graphiql-editor-tool .CodeMirror"
            await _set_editor(page, headers, json.dumps({"Authorization": f"Bearer {token('REGISTRAR')}"}))
            await page.click(".graphiql-execute-button")
            response = ".graphiql-response .CodeMirror"
            await page.locator(response).get_by_text('"role"').wait_for(timeout=20_000)
            assert json.loads(await _get_editor(page, response)) == {"data": {"viewer": {"role": "REGISTRAR"}}}

            await page.click("[aria-label='Show Documentation Explorer']")
            await page.locator(".graphiql-doc-explorer").get_by_text("Mutation", exact=True).click()
            await (
                page.locator(".graphiql-doc-explorer").get_by_text("fileContract", exact=True).wait_for(timeout=10_000)
            )
        finally:
            await browser.close()
    assert elsewhere == [], "the page tried to load from another host"
