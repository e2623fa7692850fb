"""deploy/onewindow.service starts the command line the way the CLI accepts it."""

from __future__ import annotations

import configparser
import shlex
import shutil
import subprocess

import pytest
import typer

from api.cli import cli
from tests.support import ROOT

UNIT = ROOT / "deploy" / "onewindow.service"


def _unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read_string(UNIT.read_text())
    return parser


def test_the_unit_runs_serve_with_options_the_cli_accepts():
    command = shlex.split(_unit()["Service"]["ExecStart"].replace("%i", "8000"))
    assert command[0].endswith("/.venv/bin/onewindow") and command[1] == "serve"
    serve = typer.main.get_command(cli).commands["serve"]
    context = serve.make_context("serve", command[2:])  # raises on an option serve does not have
    assert (context.params["host"], context.params["port"], context.params["workers"]) == ("127.0.0.1", 8000, 2)


def test_the_unit_gives_multiple_workers_a_metrics_directory_and_json_logs():
    service = _unit()["Service"]
    environment = service["Environment"]  # configparser keeps the last of repeated keys
    assert "PROMETHEUS_MULTIPROC_DIR=/run/onewindow-%i/metrics" in environment
    assert "ONEWINDOW_LOG_FORMAT=json" in UNIT.read_text()
    assert service["RuntimeDirectory"] == "onewindow-%i"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="needs systemd-analyze")
def test_systemd_accepts_the_unit(tmp_path):
    unit = tmp_path / "onewindow@.service"
    unit.write_text(UNIT.read_text())
    result = subprocess.run(["systemd-analyze", "verify", f"{unit}"], capture_output=True, text=True)
    problems = [
        line
        for line in result.stderr.splitlines()
        if "Unknown" in line or "Invalid" in line or "Failed to parse" in line
    ]
    assert not problems, result.stderr
