"""Running the code blocks of README.md and docs/tutorial.md as a reader would, and comparing answers.

The convention, for both files:
- A `sh` block is typed into one terminal, block after block (variables carry over). When the
  next code block is a `json` or `text` block, that is what the `sh` block must print; without
  one it must print nothing.
- A `python` or `js` block is saved as a file and run; the `text` block after it is the start
  of what it prints (subscribers run until stopped).
- A block preceded by `<!-- not run: reason -->` is shown only; every other `sh`, `python` and
  `js` block runs. Other blocks (`json`, `text`, configuration) are answers or shown as they are.
- The documents say `127.0.0.1:8000`; the test points that at its own server.

Answers are compared after normalising what differs from run to run, in both the document and
the output: timestamps (ISO 8601) become `<time>`, the year in contract and certificate numbers
becomes `YYYY`, and 64-hex-digit hashes of things signed at a moment (certificate contentHash,
signature) are compared by shape only where the document writes `<sha256>` or `<signature>`.
JSON answers are compared as JSON (key order and spacing aside).
"""

from __future__ import annotations

import json
import queue
import re
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

FENCE = re.compile(
    r"(?:<!--\s*not run:\s*(?P<reason>.*?)\s*-->\s*\n)?^```(?P<lang>[\w-]*)\n(?P<body>.*?)^```\s*$", re.S | re.M
)
RUN = {"sh", "python", "js"}
ANSWER = {"json", "text"}
DOCUMENTED_ADDRESS = "127.0.0.1:8000"

TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?")
NUMBER_YEAR = re.compile(r"(?<=-)20\d\d(?=-\d{7})|(?<=\()20\d\d(?=\))")
SHAPES = {"<sha256>": re.compile(r"^[0-9a-f]{64}$"), "<signature>": re.compile(r"^[A-Za-z0-9+/=_-]{40,}$")}


@dataclass
class Block:
    lang: str
    body: str
    line: int
    not_run: str | None = None
    answer: Block | None = None


def blocks(path: Path) -> list[Block]:
    """The runnable blocks of a Markdown file, each with the answer block that follows it."""
    text = path.read_text(encoding="utf-8")
    found: list[Block] = []
    for match in FENCE.finditer(text):
        block = Block(match["lang"], match["body"], text.count("\n", 0, match.start("body")), match["reason"])
        if block.lang in ANSWER and found and found[-1].answer is None and found[-1].lang in RUN:
            found[-1].answer = block  # the next block, prose between them or not
        else:
            found.append(block)
    return [b for b in found if b.lang in RUN]


def normalise(value):
    if isinstance(value, dict):
        return {key: normalise(item) for key, item in value.items()}
    if isinstance(value, list):
        return [normalise(item) for item in value]
    if isinstance(value, str):
        return NUMBER_YEAR.sub("YYYY", TIME.sub("<time>", value))
    return value


def same_shape(expected, actual) -> bool:
    """Equal, where `<sha256>` / `<signature>` in the document stand for any value of that shape."""
    if isinstance(expected, str) and expected in SHAPES:
        return isinstance(actual, str) and bool(SHAPES[expected].match(actual))
    if isinstance(expected, dict):
        return (
            isinstance(actual, dict)
            and expected.keys() == actual.keys()
            and all(same_shape(expected[k], actual[k]) for k in expected)
        )
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(expected) == len(actual)
            and all(same_shape(e, a) for e, a in zip(expected, actual, strict=True))
        )
    return expected == actual


def check_answer(block: Block, output: str, where: str) -> None:
    expected_text = block.answer.body if block.answer else ""
    if block.answer is not None and block.answer.lang == "json":
        expected = [normalise(json.loads(line)) for line in _json_documents(expected_text)]
        try:
            actual = [normalise(json.loads(line)) for line in _json_documents(output)]
        except json.JSONDecodeError as error:
            raise AssertionError(f"{where}: the answer is not JSON ({error}):\n{output}") from error
        assert same_shape(expected, actual), f"{where}: the answer changed.\nexpected: {expected}\nactual:   {actual}"
        return
    expected_lines = [normalise(line) for line in expected_text.strip().splitlines()]
    actual_lines = [normalise(line) for line in output.strip().splitlines()]
    assert (
        actual_lines[: len(expected_lines)] == expected_lines if block.lang != "sh" else actual_lines == expected_lines
    ), f"{where}: the output changed.\nexpected:\n{expected_text}\nactual:\n{output}"


def _json_documents(text: str) -> list[str]:
    """Whole JSON documents, one after another (pretty-printed or one a line)."""
    decoder = json.JSONDecoder()
    text = text.strip()
    found, position = [], 0
    while position < len(text):
        _, end = decoder.raw_decode(text, position)
        found.append(text[position:end])
        position = end
        while position < len(text) and text[position].isspace():
            position += 1
    return found


class Terminal:
    """One bash session, as a reader's terminal: each block's output read up to a marker."""

    def __init__(self, cwd: Path, env: dict[str, str], folder: Path) -> None:
        self.folder = folder
        self.process = subprocess.Popen(
            ["bash", "--noprofile", "--norc"],
            cwd=cwd,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.count = 0

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put("")  # the shell exited

    def run(self, script: str, timeout: float = 120.0) -> str:
        self.count += 1
        marker = f"__END_OF_BLOCK_{self.count}__"
        # Sourced from a file, its commands reading nothing: the session's stdin is its keyboard.
        block = self.folder / f"block-{self.count}.sh"
        block.write_text(script)
        self.process.stdin.write(f"source {block} </dev/null; echo; echo {marker}\n")
        self.process.stdin.flush()
        printed: list[str] = []
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(deadline - time.monotonic(), 0.01))
            except queue.Empty:
                raise AssertionError(
                    f"the block did not finish in {timeout} s; printed so far:\n{''.join(printed)}"
                ) from None
            if not line:
                raise AssertionError(f"the shell exited; printed:\n{''.join(printed)}")
            if line.strip() == marker:
                return "".join(printed)
            printed.append(line)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
