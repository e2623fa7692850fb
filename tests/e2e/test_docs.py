"""README.md and docs/tutorial.md, run block by block against a real server (tests/docs.py says how)."""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import sys
import time

import pytest

from tests import ids
from tests.docs import DOCUMENTED_ADDRESS, Block, Terminal, blocks, check_answer
from tests.support import ROOT, server_env, token

README = ROOT / "README.md"
TUTORIAL = ROOT / "docs" / "tutorial.md"
JS_PACKAGES = ROOT / "clients" / "js" / "node_modules"


def test_every_runnable_block_runs_or_says_why_not():
    for path in (README, TUTORIAL):
        for block in blocks(path):
            if block.not_run is None and block.lang != "sh":
                assert block.answer is not None, (
                    f"{path.name} line {block.line}: a {block.lang} block needs what it prints after it"
                )
            if block.not_run is not None:
                assert block.not_run.strip(), f"{path.name} line {block.line}: say why it is not run"


def test_answers_are_compared_after_normalising_only_what_varies():
    block = Block(
        "sh",
        "",
        1,
        answer=Block("json", '{"n": "411528-2026-0000001", "at": "2026-12-01T19:33:09+00:00", "h": "<sha256>"}', 2),
    )
    check_answer(
        block, '{"n": "411528-2027-0000001", "at": "2027-01-02T03:04:05.6+00:00", "h": "%s"}' % ("ab" * 32), "same"
    )
    for changed in (
        '{"n": "411528-2026-0000002", "at": "2026-12-01T19:33:09+00:00", "h": "%s"}' % ("ab" * 32),
        '{"n": "411528-2026-0000001", "at": "2026-12-01T19:33:09+00:00", "h": "not a hash"}',
        '{"n": "411528-2026-0000001", "at": "2026-12-01T19:33:09+00:00", "h": "%s", "extra": 1}' % ("ab" * 32),
    ):
        with pytest.raises(AssertionError):
            check_answer(block, changed, "changed")


def _snippet_output(command: list[str], cwd, env: dict, lines: int, timeout: float = 60.0) -> str:
    """The first `lines` lines a subscriber prints, then it is stopped (subscribers run forever)."""
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        printed = []
        deadline = time.monotonic() + timeout
        while len(printed) < lines:
            if not select.select([process.stdout], [], [], max(deadline - time.monotonic(), 0))[0]:
                raise AssertionError(f"{command}: printed {printed} in {timeout} s")
            line = process.stdout.readline()
            if not line:
                raise AssertionError(f"{command} exited: {process.wait()} {process.stderr.read()}")
            printed.append(line)
        return "".join(printed)
    finally:
        process.kill()
        process.wait()


def test_the_readme_and_the_tutorial_answer_as_written(server, settings, tmp_path):
    env = server_env(settings, TOKEN=token("BANK", ids.BANK, ["ca"]))
    env["PATH"] = os.environ["PATH"]
    terminal = Terminal(ROOT, env, tmp_path)
    here = server.url.removeprefix("http://")
    snippets = []
    try:
        # README first: its answers are those of an empty database; then the tutorial's sale.
        for path in (README, TUTORIAL):
            for block in blocks(path):
                if block.not_run is not None:
                    continue
                if block.lang != "sh":
                    snippets.append((path, block))
                    continue
                output = terminal.run(block.body.replace(DOCUMENTED_ADDRESS, here))
                check_answer(block, output, f"{path.name} line {block.line}")
    finally:
        terminal.close()

    # The subscribers, after the sale: each replays the log from the opening cursor.
    assert {block.lang for _, block in snippets} == {"python", "js"}
    for path, block in snippets:
        where = f"{path.name} line {block.line}"
        source = block.body.replace(DOCUMENTED_ADDRESS, here)
        expected_lines = len(block.answer.body.strip().splitlines())
        if block.lang == "python":
            script = tmp_path / "snippet.py"
            script.write_text(source)
            output = _snippet_output([sys.executable, str(script)], tmp_path, env, expected_lines)
        else:
            if shutil.which("node") is None or not (JS_PACKAGES / "graphql-ws").exists():
                if os.environ.get("CI"):
                    pytest.fail("node and clients/js packages are needed in CI (make install)")
                continue
            folder = tmp_path / "js"
            folder.mkdir()
            (folder / "node_modules").symlink_to(JS_PACKAGES)
            (folder / "snippet.mjs").write_text(source)
            output = _snippet_output(["node", "snippet.mjs"], folder, env, expected_lines)
        check_answer(block, output, where)
