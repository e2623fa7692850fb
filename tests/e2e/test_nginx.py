"""deploy/nginx.conf in front of two server processes: a sale and a subscription through it,
over TLS, with its request-size limit and X-Request-ID.

nginx runs in the foreground with the committed file; only ports and paths are replaced (a
replacement that finds nothing fails the test, so the file and the test cannot drift apart).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import re
import shutil
import ssl
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.story import Sale
from tests.support import ROOT, GraphQLClient, ServerProcess, free_port, server_env
from tests.ws import EVENT_FIELDS, Subscription

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
pytestmark = pytest.mark.skipif(NGINX is None, reason="needs nginx (Debian package nginx: make install-system)")

CONTRACT_FILED = "subscription { contractFiled { %s } }" % EVENT_FIELDS


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "onewindow.test")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    directory.mkdir(parents=True, exist_ok=True)
    cert, private = directory / "fullchain.pem", directory / "privkey.pem"
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    private.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert, private


class Nginx:
    def __init__(self, prefix: Path, upstream_ports: list[int]) -> None:
        self.prefix = prefix
        self.https_port, self.http_port = free_port(), free_port()
        self.upstream_ports = upstream_ports
        self.process: subprocess.Popen | None = None
        self.cert, _ = self_signed_certificate(prefix / "tls")

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    def render(self) -> str:
        text = (ROOT / "deploy" / "nginx.conf").read_text()
        p = self.prefix
        for old, new in [
            ("pid /run/nginx.pid;", f"pid {p}/nginx.pid;"),
            ("/var/log/nginx/", f"{p}/logs/"),
            ("/var/lib/nginx/", f"{p}/temp/"),
            ("/etc/onewindow/tls/", f"{p}/tls/"),
            ("listen 443 ssl;", f"listen 127.0.0.1:{self.https_port} ssl;"),
            ("listen 80;", f"listen 127.0.0.1:{self.http_port};"),
            ("server 127.0.0.1:8000;", f"server 127.0.0.1:{self.upstream_ports[0]};"),
            ("server 127.0.0.1:8001;", f"server 127.0.0.1:{self.upstream_ports[1]};"),
        ]:
            assert old in text, f"deploy/nginx.conf no longer has {old!r}"
            text = text.replace(old, new)
        return text

    def start(self) -> Nginx:
        for sub in ("logs", "temp"):
            (self.prefix / sub).mkdir(parents=True, exist_ok=True)
        conf = self.prefix / "nginx.conf"
        conf.write_text(self.render())
        command = [NGINX, "-p", str(self.prefix), "-c", str(conf), "-e", str(self.prefix / "logs" / "error.log")]
        checked = subprocess.run([*command, "-t"], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr
        self.process = subprocess.Popen([*command, "-g", "daemon off;"], stderr=subprocess.PIPE)
        deadline = time.monotonic() + 10
        while True:
            try:
                httpx.get(f"{self.url}/healthz", verify=self.ssl_context(), timeout=1)
                return self
            except httpx.HTTPError as error:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"nginx did not start: {self.process.stderr.read() if self.process.stderr else ''}"
                    ) from error
                time.sleep(0.1)

    def ssl_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.cert))

    def access_log(self) -> str:
        return (self.prefix / "logs" / "onewindow.access.log").read_text()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


@pytest.fixture
def behind_nginx(settings, tmp_path):
    """Two `onewindow`-app processes on one database, and nginx in front of them."""
    servers = [
        ServerProcess(
            server_env(settings, ONEWINDOW_LOG_FORMAT="json", ONEWINDOW_TEST_LOG=str(tmp_path / f"app{n}.log"))
        )
        for n in range(2)
    ]
    for server in servers:
        server.start()
    nginx = Nginx(tmp_path / "nginx", [s.port for s in servers])
    try:
        yield nginx.start(), [tmp_path / f"app{n}.log" for n in range(2)]
    finally:
        nginx.stop()
        for server in servers:
            server.stop()


async def test_a_sale_and_a_subscription_through_nginx(behind_nginx, monkeypatch):
    nginx, _app_logs = behind_nginx
    monkeypatch.setenv("SSL_CERT_FILE", str(nginx.cert))  # the subscriber's wss:// trusts the test's certificate
    async with httpx.AsyncClient(base_url=nginx.url, verify=nginx.ssl_context(), timeout=30) as http:
        workers = {(await http.get("/healthz")).json()["worker"] for _ in range(6)}
        assert len(workers) == 2, "nginx sent every request to one process"

        sale = await Sale(GraphQLClient(http)).setup()
        async with Subscription(nginx.url, sale.actors.bank, CONTRACT_FILED) as bank:
            _, units = await sale.permit_with_units(units=1)
            contract, registration = await sale.filed_contract(units[0]["id"])
            received = await bank.wait_for(1)
        assert received[0]["type"] == "CONTRACT_FILED" and received[0]["contract"]["number"] == contract["number"]
        submitted = await sale.submit(registration["id"], sale.actors.zhang)
        assert submitted["userErrors"] == [] and submitted["registration"]["status"] == "COMPLETED"


async def test_request_ids_join_nginx_and_the_app_logs(behind_nginx):
    nginx, app_logs = behind_nginx
    async with httpx.AsyncClient(base_url=nginx.url, verify=nginx.ssl_context()) as http:
        query = {"query": "query Who { viewer { role } }"}
        given = await http.post("/graphql", json=query, headers={"X-Request-ID": "gw-77-given"})
        made = await http.post("/graphql", json=query)
    assert given.status_code == made.status_code == 200
    assert given.headers["x-request-id"] == "gw-77-given"
    made_id = made.headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", made_id)  # nginx's $request_id, taken by the app
    time.sleep(0.5)  # nginx writes its access log line as the response ends
    access = nginx.access_log()
    assert "request_id=gw-77-given" in access and f"request_id={made_id}" in access
    app_lines = [json.loads(line) for log in app_logs for line in log.read_text().splitlines() if line.startswith("{")]
    logged = {line.get("request_id"): line for line in app_lines if line["logger"] == "onewindow.request"}
    assert logged["gw-77-given"]["operation"] == "Who" and logged[made_id]["operation"] == "Who"


async def test_nginx_refuses_a_large_body_and_plain_http(behind_nginx):
    nginx, _ = behind_nginx
    async with httpx.AsyncClient(base_url=nginx.url, verify=nginx.ssl_context()) as http:
        large = await http.post("/graphql", json={"query": "{ viewer { role } }", "variables": {"x": "x" * 2_000_000}})
        assert large.status_code == 413
        assert (await http.get("/anything-else")).status_code == 404
    plain = httpx.get(f"http://127.0.0.1:{nginx.http_port}/graphql", follow_redirects=False)
    assert plain.status_code == 301 and plain.headers["location"].startswith("https://")
