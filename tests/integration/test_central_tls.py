"""`halt-desk serve` over HTTPS and mutual TLS, as a real process on 127.0.0.1 with a CA
the test makes: sync works (the CLI and the desktop app's sync process, TLS files from the
machine-wide configuration); a client that trusts another CA, a client without a
certificate and one with a certificate of another CA are refused; plain HTTP to the TLS
port fails cleanly; plain HTTP off loopback needs --insecure-http; X-Forwarded-For counts
only from a trusted proxy."""

from __future__ import annotations

import json
import os
import shutil
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from requests.adapters import HTTPAdapter
from sqlalchemy import text

from halt_desk.background.sync_process import summary_from_json, worker_command
from halt_desk.central.embedded import EmbeddedServer
from halt_desk.central.engine import create_central_engine
from halt_desk.central.transport import TlsFiles
from halt_desk.i18n import current_language, set_language
from halt_desk.store import Store
from halt_desk.sync import effective_settings
from halt_desk.sync.client import CentralClient, TlsOptions
from halt_desk.sync.errors import ProtocolError, ServerUnreachable
from halt_desk.sync.feedback import failure_text
from halt_desk.sync.signin import SyncTarget
from tests.central_server import bearer, free_port
from tests.sync_support import HALT_DESK, Desk
from tests.sync_support import run_halt_desk as run
from tests.tls_certs import Issued, TestCA

#: Seconds a test waits for a server to answer or a child to speak before it fails.
PATIENCE = 60


@dataclass(frozen=True)
class Pki:
    ca: TestCA
    server: Issued
    client: Issued
    other_ca: TestCA
    other_client: Issued


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    folder = tmp_path_factory.mktemp("pki")
    ca, other = TestCA(folder, "halt"), TestCA(folder, "other")
    return Pki(ca, ca.server(), ca.client("laptop-1"), other, other.client("laptop-x"))


class ServeProcess:
    """`halt-desk serve ARGS` on 127.0.0.1 and a free port, output kept for the test."""

    def __init__(self, db_url: str, data_dir: Path, args: list[str], host: str = "127.0.0.1"):
        self.port = free_port()
        self.log = data_dir / f"serve-{self.port}.log"
        env = {**os.environ, "HALT_DESK_DATA_DIR": str(data_dir)}
        command = [str(HALT_DESK), "serve", "--db", db_url, "--host", host]
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [*command, "--port", str(self.port), *args],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait(self, url: str, **tls: Any) -> None:
        _wait_for(url, self.process, self.log, **tls)

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=PATIENCE)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, 9)
                self.process.wait(timeout=PATIENCE)


def _wait_for(url: str, process: subprocess.Popen[bytes], log: Path, **tls: Any) -> None:
    """Until `url` answers its health check (polled: no timing is assumed)."""
    deadline = time.monotonic() + PATIENCE
    while True:
        try:
            if requests.get(f"{url}/api/v1/health", timeout=2, **tls).ok:
                return
        except requests.ConnectionError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            output = log.read_text(errors="replace") if log.exists() else ""
            raise RuntimeError(f"{url} did not start: {output}")
        time.sleep(0.1)


@dataclass
class Central:
    desk: Desk
    db_url: str
    url: str
    serve: ServeProcess


def _start(tmp: Path, pki: Pki, extra: list[str]) -> tuple[Desk, str, ServeProcess]:
    db_url = f"sqlite+pysqlite:///{tmp / 'central.sqlite3'}"
    desk = Desk.create(db_url)
    desk.central.close()
    tls = ["--tls-cert", str(pki.server.cert), "--tls-key", str(pki.server.key)]
    serve = ServeProcess(db_url, tmp, [*tls, *extra])
    return desk, db_url, serve


@pytest.fixture(scope="module")
def mtls(tmp_path_factory: pytest.TempPathFactory, pki: Pki) -> Iterator[Central]:
    """One central requiring client certificates of the test CA, for the module's tests."""
    tmp = tmp_path_factory.mktemp("central")
    desk, db_url, serve = _start(tmp, pki, ["--tls-client-ca", str(pki.ca.cert_path)])
    url = f"https://127.0.0.1:{serve.port}"
    try:
        serve.wait(url, **_requests_tls(pki))
        yield Central(desk, db_url, url, serve)
    finally:
        serve.stop()


def _requests_tls(pki: Pki) -> dict[str, Any]:
    return {"verify": str(pki.ca.cert_path), "cert": (str(pki.client.cert), str(pki.client.key))}


def _client(central: Central, tls: TlsOptions, token: str = "agent-a") -> CentralClient:
    return CentralClient(central.url, central.desk.tokens[token], tls=tls, timeout=(10, 30))


def _good(pki: Pki) -> TlsOptions:
    return TlsOptions(pki.ca.cert_path, pki.client.cert, pki.client.key)


def _machine_config(folder: Path, url: str, pki: Pki, client: Issued) -> Path:
    """The machine-wide configuration IT deploys: the CA beside config.toml (relative)."""
    folder.mkdir(parents=True)
    (folder / "ca.pem").write_bytes(pki.ca.cert_path.read_bytes())
    path = folder / "config.toml"
    path.write_text(
        f'[sync]\nserver = "{url}"\norganisation = "halt"\nca_bundle = "ca.pem"\n'
        f'client_cert = "{client.cert}"\nclient_key = "{client.key}"\n',
        encoding="utf-8",
    )
    return path


def test_sync_once_over_mutual_tls_with_the_machine_configuration(
    tmp_path: Path, pki: Pki, mtls: Central, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _machine_config(tmp_path / "machine", mtls.url, pki, pki.client)
    # The environment's CA bundle (set on many machines) must not replace the private CA.
    monkeypatch.setenv("HALT_DESK_MACHINE_CONFIG", str(config))
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(pki.other_ca.cert_path))
    laptop = tmp_path / "laptop"
    token = mtls.desk.tokens["agent-a"]
    login = run(["sync", "login", "--user", "agent-a"], laptop, token + "\n")
    assert login.returncode == 0, login.stderr
    assert f"signed in to {mtls.url}" in login.stdout
    once = run(["sync", "--once", "--json"], laptop)
    assert once.returncode == 0, once.stderr
    summary = json.loads(once.stdout)
    assert summary["state"] == "online" and summary["pulled"] == 2


def test_the_desk_apps_sync_process_works_over_mutual_tls(
    tmp_path: Path, pki: Pki, mtls: Central, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the app does: its settings (the machine's TLS files) make the target, the
    sync process in its own process syncs the cache over HTTPS with the client certificate."""
    config = _machine_config(tmp_path / "machine", mtls.url, pki, pki.client)
    monkeypatch.setenv("HALT_DESK_MACHINE_CONFIG", str(config))
    monkeypatch.setenv("HALT_DESK_CONFIG_DIR", str(tmp_path / "user"))
    settings = effective_settings()
    target = SyncTarget(settings.server or "", mtls.desk.tokens["agent-a"], settings.tls())
    assert target.tls.ca_bundle == tmp_path / "machine" / "ca.pem"
    cache = tmp_path / "cache.sqlite3"
    with Store.open(cache):
        pass
    child = subprocess.Popen(
        worker_command(cache), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdin is not None and child.stdout is not None
        child.stdin.write(json.dumps(target.connect_command(600)) + "\n")
        child.stdin.flush()
        for line in child.stdout:
            message = json.loads(line)
            if message["type"] == "summary":
                break
        else:
            pytest.fail("the sync process ended without a summary")
        summary = summary_from_json(message["summary"])
        assert (summary.state, summary.pulled) == ("online", 2), summary
    finally:
        child.kill()
        child.wait(timeout=PATIENCE)
    with Store.open(cache) as store:
        assert store.reference("employee:e1") is not None


def test_a_client_that_trusts_another_ca_refuses_the_server(pki: Pki, mtls: Central) -> None:
    tls = TlsOptions(pki.other_ca.cert_path, pki.client.cert, pki.client.key)
    with _client(mtls, tls) as client, pytest.raises(ServerUnreachable) as refused:
        client.changes(0, 1)
    assert "server certificate not trusted" in str(refused.value)
    system = TlsOptions(None, pki.client.cert, pki.client.key)  # the system's CAs do not
    with _client(mtls, system) as client, pytest.raises(ServerUnreachable, match="not trusted"):
        client.health()


def test_sync_once_trusting_another_ca_is_offline_with_the_reason(
    tmp_path: Path, pki: Pki, mtls: Central, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _machine_config(tmp_path / "machine", mtls.url, pki, pki.client)
    (tmp_path / "machine" / "ca.pem").write_bytes(pki.other_ca.cert_path.read_bytes())
    monkeypatch.setenv("HALT_DESK_MACHINE_CONFIG", str(config))
    laptop = tmp_path / "laptop"
    token = mtls.desk.tokens["agent-a"]
    assert run(["sync", "login", "--offline"], laptop, token + "\n").returncode == 0
    once = run(["sync", "--once"], laptop)
    assert once.returncode == 1, once.stdout + once.stderr  # central not reached, nothing lost
    assert "server certificate not trusted" in once.stdout + once.stderr
    assert "Traceback" not in once.stderr
    summary = summary_from_json(json.loads(run(["sync", "--once", "--json"], laptop).stdout))
    assert (summary.state, summary.failure) == ("offline", "untrusted")
    # What the window's status bar says (Dutch by default): for the administrator, not the
    # network.
    previous = current_language()
    set_language("nl")
    try:
        assert "certificaat van de server wordt niet vertrouwd" in failure_text(summary)
    finally:
        set_language(previous)
    other = TlsOptions(pki.other_ca.cert_path)
    with _client(mtls, other) as client, pytest.raises(ServerUnreachable) as refused:
        client.health()
    assert "niet vertrouwd" in refused.value.message("nl")  # the sign-in dialog's words


def test_a_report_from_the_server_uses_this_computers_tls_files(
    tmp_path: Path, pki: Pki, mtls: Central, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _machine_config(tmp_path / "machine", mtls.url, pki, pki.client)
    monkeypatch.setenv("HALT_DESK_MACHINE_CONFIG", str(config))
    monkeypatch.setenv("HALT_DESK_TOKEN", mtls.desk.tokens["admin"])
    month = time.strftime("%Y-%m", time.gmtime())
    command = ["export", "--server", mtls.url, "--month", month, "--org", "halt"]
    done = run([*command, "--out", str(tmp_path / "export.json")], tmp_path / "laptop")
    # The whole feed came over mutual TLS: central's organisation is known, its month empty.
    assert done.returncode == 2 and "no tickets were reported" in done.stderr, done.stderr
    (tmp_path / "machine" / "ca.pem").write_bytes(pki.other_ca.cert_path.read_bytes())
    done = run([*command, "--out", str(tmp_path / "export.json")], tmp_path / "laptop")
    assert done.returncode == 2 and "server certificate not trusted" in done.stderr


@pytest.mark.parametrize("who", ["no certificate", "another CA's certificate"])
def test_the_server_refuses_a_client_without_its_cas_certificate(
    pki: Pki, mtls: Central, who: str
) -> None:
    tls = (
        TlsOptions(pki.ca.cert_path)
        if who == "no certificate"
        else TlsOptions(pki.ca.cert_path, pki.other_client.cert, pki.other_client.key)
    )
    with _client(mtls, tls) as client, pytest.raises(ServerUnreachable):
        client.changes(0, 1)
    # At the TLS level: the server never answers HTTP to that client.
    context = ssl.create_default_context(cafile=str(pki.ca.cert_path))
    if who != "no certificate":
        context.load_cert_chain(str(pki.other_client.cert), str(pki.other_client.key))
    assert _http_over_tls(context, mtls.serve.port) is None
    with _client(mtls, _good(pki)) as client:  # and goes on serving the right ones
        assert client.changes(0, 1).events


def _http_over_tls(context: ssl.SSLContext, port: int) -> bytes | None:
    """The first bytes of the answer to a health request, None when the server refused."""
    try:
        with (
            socket.create_connection(("127.0.0.1", port), timeout=PATIENCE) as raw,
            context.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
        ):
            tls.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            return tls.recv(64) or None
    except (ssl.SSLError, ConnectionError):
        return None


def test_old_protocols_and_weak_ciphers_are_refused(pki: Pki, mtls: Central) -> None:
    def context(version: ssl.TLSVersion, ciphers: str | None = None) -> ssl.SSLContext:
        made = ssl.create_default_context(cafile=str(pki.ca.cert_path))
        made.load_cert_chain(str(pki.client.cert), str(pki.client.key))
        made.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
        made.maximum_version = version
        if ciphers is not None:
            made.set_ciphers(ciphers)
        return made

    tls13 = _http_over_tls(context(ssl.TLSVersion.TLSv1_3), mtls.serve.port)
    assert tls13 is not None and tls13.startswith(b"HTTP/1.1 200")
    strong12 = _http_over_tls(
        context(ssl.TLSVersion.TLSv1_2, "ECDHE-ECDSA-AES128-GCM-SHA256"), mtls.serve.port
    )
    assert strong12 is not None and strong12.startswith(b"HTTP/1.1 200")
    cbc12 = context(ssl.TLSVersion.TLSv1_2, "ECDHE-ECDSA-AES128-SHA:@SECLEVEL=0")
    assert _http_over_tls(cbc12, mtls.serve.port) is None
    tls11 = context(ssl.TLSVersion.TLSv1_1, "DEFAULT:@SECLEVEL=0")
    assert _http_over_tls(tls11, mtls.serve.port) is None


def test_plain_http_to_the_tls_port_fails_cleanly(pki: Pki, mtls: Central) -> None:
    plain = mtls.url.replace("https://", "http://")
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{plain}/api/v1/health", timeout=PATIENCE)
    with (
        CentralClient(plain, mtls.desk.tokens["agent-a"]) as client,
        pytest.raises(ServerUnreachable),
    ):
        client.health()
    with _client(mtls, _good(pki)) as client:
        assert client.health()["status"] == "ok"
    assert "Traceback" not in mtls.serve.output()


def test_plain_http_off_loopback_needs_insecure_http(tmp_path: Path) -> None:
    db_url = f"sqlite+pysqlite:///{tmp_path / 'central.sqlite3'}"
    refused = subprocess.run(
        [str(HALT_DESK), "serve", "--db", db_url, "--host", "0.0.0.0", "--port", "1"],
        env={**os.environ, "HALT_DESK_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=PATIENCE,
    )
    assert refused.returncode == 2
    assert refused.stderr.count("\n") == 1 and "--insecure-http" in refused.stderr
    assert not (tmp_path / "central.sqlite3").exists()  # refused before anything started
    allowed = ServeProcess(db_url, tmp_path, ["--insecure-http"], host="0.0.0.0")
    try:
        allowed.wait(f"http://127.0.0.1:{allowed.port}")
        assert "plain HTTP on 0.0.0.0 (--insecure-http)" in allowed.output()
    finally:
        allowed.stop()


def test_bad_tls_files_are_one_line_and_exit_2(tmp_path: Path, pki: Pki) -> None:
    encrypted = tmp_path / "encrypted.key"
    encrypted.write_bytes(_encrypted_key())
    cases = {
        "cannot read it": [str(tmp_path / "missing.pem"), str(pki.server.key)],
        "no PEM certificate": [str(pki.server.key), str(pki.server.key)],
        "not a PEM private key": [str(pki.server.cert), str(pki.server.cert)],
        "does not belong to the certificate": [str(pki.server.cert), str(pki.client.key)],
        "the key is encrypted": [str(pki.server.cert), str(encrypted)],
    }
    for expected, (cert, key) in cases.items():
        done = subprocess.run(
            [str(HALT_DESK), "serve", "--tls-cert", cert, "--tls-key", key, "--port", "1"],
            env={**os.environ, "HALT_DESK_DATA_DIR": str(tmp_path)},
            capture_output=True,
            text=True,
            timeout=PATIENCE,
        )
        assert done.returncode == 2, done.stderr
        assert expected in done.stderr and done.stderr.count("\n") == 1, done.stderr


def _encrypted_key() -> bytes:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    return ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"secret"),
    )


class _FromAddress(HTTPAdapter):
    """Connections from a given loopback address (127.0.0.2 is this computer too)."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def _audit_read_from(central: Central, pki: Pki, source: str, forwarded: str) -> str:
    """The address the audit log records for an audit read sent from `source` with
    `X-Forwarded-For: forwarded`."""
    session = requests.Session()
    session.mount("https://", _FromAddress(source))
    headers = {**bearer(central.desk.tokens["admin"]), "X-Forwarded-For": forwarded}
    before = _last_audit_id(central.db_url)
    answer = session.get(
        f"{central.url}/api/v1/audit",
        params={"after": before},
        headers=headers,
        verify=str(pki.ca.cert_path),
        cert=(str(pki.client.cert), str(pki.client.key)),
        timeout=PATIENCE,
    )
    assert answer.status_code == 200, answer.text
    engine = create_central_engine(central.db_url)
    try:
        with engine.connect() as conn:
            row = conn.execute(
                text("SELECT address FROM audit_log WHERE id > :id AND action = 'audit.exported'"),
                {"id": before},
            ).one()
    finally:
        engine.dispose()
    return str(row[0])


def _last_audit_id(db_url: str) -> int:
    engine = create_central_engine(db_url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT COALESCE(MAX(id), 0) FROM audit_log")).scalar())
    finally:
        engine.dispose()


def test_the_forwarded_for_header_counts_only_from_the_trusted_proxy(
    tmp_path: Path, pki: Pki, mtls: Central
) -> None:
    # Without --trusted-proxy nobody is believed, not even a program on this computer.
    assert _audit_read_from(mtls, pki, "127.0.0.1", "198.51.100.9") == "127.0.0.1"
    desk, db_url, serve = _start(tmp_path, pki, ["--trusted-proxy", "127.0.0.2"])
    url = f"https://127.0.0.1:{serve.port}"
    try:
        serve.wait(url, verify=str(pki.ca.cert_path))
        behind_proxy = Central(desk, db_url, url, serve)
        assert _audit_read_from(behind_proxy, pki, "127.0.0.2", "203.0.113.7") == "203.0.113.7"
        assert _audit_read_from(behind_proxy, pki, "127.0.0.3", "203.0.113.7") == "127.0.0.3"
        # A client's own X-Forwarded-For ahead of the proxy's entry is not believed either.
        spoofed = _audit_read_from(behind_proxy, pki, "127.0.0.2", "192.0.2.1, 203.0.113.8")
        assert spoofed == "203.0.113.8"
    finally:
        serve.stop()


def test_two_server_processes_serve_https(tmp_path: Path, pki: Pki) -> None:
    """--workers 2: each spawned process builds the same TLS context."""
    client_ca = ["--tls-client-ca", str(pki.ca.cert_path), "--workers", "2"]
    desk, _, serve = _start(tmp_path, pki, client_ca)
    url = f"https://127.0.0.1:{serve.port}"
    tls = _requests_tls(pki)
    try:
        serve.wait(url, **tls)
        for _ in range(6):  # new connections, spread over both processes
            answer = requests.get(
                f"{url}/api/v1/changes",
                params={"since": 0, "limit": 5},
                headers={**bearer(desk.tokens["agent-a"]), "Connection": "close"},
                timeout=PATIENCE,
                **tls,
            )
            assert answer.status_code == 200
        refused = ssl.create_default_context(cafile=str(pki.ca.cert_path))
        assert _http_over_tls(refused, serve.port) is None
    finally:
        serve.stop()


README = Path(__file__).resolve().parents[2] / "README.md"


def _readme_nginx(port: int, backend: int, pki: Pki) -> str:
    """The README's nginx snippet with this test's port, files and central filled in."""
    snippet = README.read_text(encoding="utf-8").split("```nginx\n", 1)[1].split("```", 1)[0]
    for old, new in {
        "listen 443 ssl;": f"listen 127.0.0.1:{port} ssl;",
        "/etc/halt-desk/tls/server.pem": str(pki.server.cert),
        "/etc/halt-desk/tls/server.key": str(pki.server.key),
        "/etc/halt-desk/tls/clients-ca.pem": str(pki.ca.cert_path),
        "http://127.0.0.1:8765": f"http://127.0.0.1:{backend}",
    }.items():
        assert old in snippet, old
        snippet = snippet.replace(old, new)
    return snippet


@pytest.fixture
def nginx(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """The nginx program and a folder for its configuration, logs and temporary files."""
    found = shutil.which("nginx", path=f"{os.environ.get('PATH', '')}:/usr/sbin:/sbin")
    if found is None:
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    yield Path(found), tmp_path / "nginx"


def test_the_readme_nginx_set_up_ends_tls_and_passes_the_clients_address(
    tmp_path: Path, pki: Pki, nginx: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    program, folder = nginx
    db_url = f"sqlite+pysqlite:///{tmp_path / 'central.sqlite3'}"
    desk = Desk.create(db_url)
    desk.central.close()
    central = ServeProcess(db_url, tmp_path, ["--trusted-proxy", "127.0.0.1"])
    port = free_port()
    folder.mkdir()
    user = "user root;\n" if os.geteuid() == 0 else ""  # its workers read the temp files
    (folder / "nginx.conf").write_text(
        f"{user}daemon off;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log;\n"
        "events {}\nhttp {\n"
        f"access_log off;\nclient_body_temp_path {folder}/body;\n"
        f"proxy_temp_path {folder}/proxy;\nfastcgi_temp_path {folder}/fastcgi;\n"
        f"uwsgi_temp_path {folder}/uwsgi;\nscgi_temp_path {folder}/scgi;\n"
        f"{_readme_nginx(port, central.port, pki)}\n}}\n",
        encoding="utf-8",
    )
    log = folder / "error.log"
    command = [str(program), "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e", str(log)]
    proxy = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"https://127.0.0.1:{port}"
    try:
        central.wait(f"http://127.0.0.1:{central.port}")
        behind = Central(desk, db_url, url, central)
        _wait_for(url, proxy, log, **_requests_tls(pki))
        # The audit log has the client's address (127.0.0.2), not nginx's, and not what the
        # client claims in its own X-Forwarded-For.
        assert _audit_read_from(behind, pki, "127.0.0.2", "192.0.2.66") == "127.0.0.2"
        # Without a client certificate nginx refuses before central sees anything.
        no_certificate = TlsOptions(pki.ca.cert_path)
        with _client(behind, no_certificate) as client, pytest.raises(ProtocolError, match="400"):
            client.changes(0, 1)
        # A laptop with the machine configuration syncs through it.
        config = _machine_config(tmp_path / "machine", url, pki, pki.client)
        monkeypatch.setenv("HALT_DESK_MACHINE_CONFIG", str(config))
        laptop = tmp_path / "laptop"
        login = run(["sync", "login"], laptop, desk.tokens["agent-a"] + "\n")
        assert login.returncode == 0, login.stderr
        once = run(["sync", "--once", "--json"], laptop)
        assert once.returncode == 0, once.stderr
        assert json.loads(once.stdout)["pulled"] == 2
    finally:
        proxy.terminate()
        proxy.wait(timeout=PATIENCE)
        central.stop()


def test_the_embedded_server_serves_https_too(tmp_path: Path, pki: Pki) -> None:
    """The in-process central (`halt-desk demo`, tests) takes the same TLS files."""
    desk = Desk.create(f"sqlite+pysqlite:///{tmp_path / 'central.sqlite3'}")
    files = TlsFiles(pki.server.cert, pki.server.key, pki.ca.cert_path)
    try:
        with EmbeddedServer(desk.central, tls=files) as server:
            assert server.url.startswith("https://127.0.0.1:")
            with CentralClient(server.url, desk.tokens["agent-a"], tls=_good(pki)) as client:
                assert len(client.changes(0, 10).events) == 2
            no_certificate = ssl.create_default_context(cafile=str(pki.ca.cert_path))
            assert _http_over_tls(no_certificate, server.port) is None
    finally:
        desk.central.close()


def test_an_untrusted_certificate_is_not_tried_again_within_the_call(
    pki: Pki, mtls: Central, caplog: pytest.LogCaptureFixture
) -> None:
    """It will not be trusted a second later: one handshake, no retry warnings."""
    other = TlsOptions(pki.other_ca.cert_path)
    with _client(mtls, other) as client, pytest.raises(ServerUnreachable):
        client.health()
    assert not [r for r in caplog.records if "Retrying" in r.getMessage()]
