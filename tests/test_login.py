"""Logging in (device code, RFC 8628) against a loopback tenant, and cone-compatible profiles.

``LoginTenant`` serves the device-authorization, token and personal-client endpoints on
127.0.0.1, with the device-token answers scripted per test, plus a client-credentials token
endpoint that verifies the personal client's signed assertion and an introspection endpoint:
the credentials a login stores then authenticate a real call. Waits use a fake clock.
"""

from __future__ import annotations

import asyncio
import json
import os
import stat
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
from conductorone import (
    AsyncConductorOne,
    ConductorOne,
    CredentialsError,
    DeviceCode,
    LoginCancelledError,
    LoginDeniedError,
    LoginError,
    LoginExpiredError,
    ProfilePermissionWarning,
    load_profile,
    login,
    login_async,
    save_profile,
)
from conductorone._profiles import _warned

from .keys import make_secret, unb64
from .loopback import LoopbackServer, Reply, Seen

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
PERSON_TOKEN = "person-access-token"


class LoginTenant:
    def __init__(self, script: list[str], *, interval: float = 5, expires_in: float = 600) -> None:
        self.script = list(script)  # device-token answers in turn: "ok" or an OAuth error code
        self.interval = interval
        self.expires_in = expires_in
        self.device_answer: Reply | None = None  # replaces the device-authorization answer
        self.token_answer: Reply | None = None  # replaces a successful device-token answer
        self.client_answer: Reply | None = None  # replaces the personal-client answer
        self.polls = 0
        self.secret, self.public_key = make_secret()
        self.client_id = "login-fox-1@acme.conductor.one/pcc"
        self.issued: list[str] = []
        self.problems: list[str] = []
        self.server = LoopbackServer(self.serve)

    @property
    def url(self) -> str:
        return self.server.url

    def __enter__(self) -> LoginTenant:
        self.server.__enter__()
        return self

    def __exit__(self, *args: object) -> None:
        self.server.__exit__(*args)

    def serve(self, seen: Seen) -> Reply:
        form = {k: v[0] for k, v in parse_qs(seen.body.decode()).items()}
        if seen.path == "/auth/v1/device_authorization":
            if form != {"client_id": "public-login-client"}:
                self.problems.append(f"device authorization form {form}")
            return self.device_answer or Reply(
                body={
                    "device_code": "device-123",
                    "user_code": "ABCD-EFGH",
                    "verification_uri": f"{self.url}/device",
                    "verification_uri_complete": f"{self.url}/device?user_code=ABCD-EFGH",
                    "expires_in": self.expires_in,
                    "interval": self.interval,
                }
            )
        if seen.path == "/auth/v1/token" and form.get("grant_type") == DEVICE_GRANT:
            self.polls += 1
            if form != {
                "grant_type": DEVICE_GRANT,
                "device_code": "device-123",
                "client_id": "public-login-client",
            }:
                self.problems.append(f"device token form {form}")
            answer = self.script.pop(0) if self.script else "authorization_pending"
            if answer == "ok":
                return self.token_answer or Reply(
                    body={"access_token": PERSON_TOKEN, "token_type": "Bearer", "expires_in": 300}
                )
            return Reply(400, {"error": answer, "error_description": f"the server says {answer}"})
        if seen.path == "/auth/v1/token" and form.get("grant_type") == "client_credentials":
            return self.client_credentials(form)
        if seen.path == "/api/v1/iam/personal_clients" and seen.method == "POST":
            if seen.headers.get("authorization") != f"Bearer {PERSON_TOKEN}":
                return Reply(401, {"message": "no person token"})
            if not (seen.json() or {}).get("displayName"):
                self.problems.append(f"personal client body {seen.json()}")
            return self.client_answer or Reply(
                body={"client": {"clientId": self.client_id, "displayName": "x"}, "clientSecret": self.secret}
            )
        if seen.path == "/api/v1/auth/introspect":
            token = seen.headers.get("authorization", "").removeprefix("Bearer ")
            if token not in self.issued:
                return Reply(401, {"message": "unknown token"})
            return Reply(body={"userId": "user-7", "principleId": "user-7", "roles": ["super_admin"]})
        return Reply(404, {"message": "not found"})

    def client_credentials(self, form: dict[str, str]) -> Reply:
        """Verify the assertion with the personal client's public key (the stored secret's)."""
        try:
            assert form["client_id"] == self.client_id, form
            header_b64, claims_b64, signature_b64 = form["client_assertion"].split(".")
            self.public_key.verify(unb64(signature_b64), f"{header_b64}.{claims_b64}".encode())
            claims = json.loads(unb64(claims_b64))
            assert claims["iss"] == claims["sub"] == self.client_id
        except Exception as error:  # any failure is a refused assertion
            self.problems.append(f"assertion: {error!r}")
            return Reply(401, {"error": "invalid_client"})
        token = f"pcc-token-{len(self.issued)}"
        self.issued.append(token)
        return Reply(body={"access_token": token, "token_type": "Bearer", "expires_in": 300})


class FakeTime:
    """A clock that moves only when the flow sleeps; every wait is recorded."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.waits: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)


def run_login(tenant: LoginTenant, fake: FakeTime, **options: Any) -> Any:
    return login(
        server_url=tenant.url,
        login_client_id="public-login-client",
        clock=fake.clock,
        sleep=fake.sleep,
        **{"on_code": lambda code: None, **options},
    )


def test_happy_path_after_pending_answers() -> None:
    shown: list[DeviceCode] = []
    fake = FakeTime()
    with LoginTenant(["authorization_pending"] * 3 + ["ok"]) as tenant:
        result = run_login(tenant, fake, on_code=shown.append)
    assert tenant.problems == []
    assert [code.user_code for code in shown] == ["ABCD-EFGH"]
    assert shown[0].verification_uri_complete.endswith("?user_code=ABCD-EFGH")
    assert "device-123" not in repr(shown[0])  # the device code is the flow's, not the person's
    assert fake.waits == [5, 5, 5, 5] and tenant.polls == 4
    assert result.client_id == tenant.client_id and result.client_secret == tenant.secret
    assert result.server_url == tenant.url
    assert tenant.secret not in repr(result) and tenant.secret.split(":")[-1] not in repr(result)


def test_slow_down_adds_five_seconds_to_every_later_wait() -> None:
    fake = FakeTime()
    with LoginTenant(
        ["authorization_pending", "slow_down", "authorization_pending", "slow_down", "ok"]
    ) as tenant:
        run_login(tenant, fake)
    assert fake.waits == [5, 5, 10, 10, 15]


@pytest.mark.parametrize(
    ("answer", "error", "words"),
    [
        ("expired_token", LoginExpiredError, "expired"),
        ("access_denied", LoginDeniedError, "declined: the server says access_denied"),
        ("invalid_grant", LoginError, "invalid_grant: the server says invalid_grant"),
    ],
)
def test_a_refusal_ends_the_login_with_its_error(answer: str, error: type[Exception], words: str) -> None:
    fake = FakeTime()
    with LoginTenant(["authorization_pending", answer, "ok"]) as tenant, pytest.raises(error, match=words):
        run_login(tenant, fake)
    assert tenant.polls == 2


def test_the_code_expiring_ends_the_wait() -> None:
    fake = FakeTime()
    with (
        LoginTenant([], expires_in=12) as tenant,
        pytest.raises(LoginExpiredError, match="ABCD-EFGH expired"),
    ):
        run_login(tenant, fake)
    assert fake.waits == [5, 5, 2] and tenant.polls == 3  # the last wait is cut at the expiry


@pytest.mark.parametrize(
    "where",
    [
        "device not json",
        "device without user_code",
        "device bad interval",
        "token without access_token",
        "bad secret",
    ],
)
def test_malformed_answers_are_login_errors(where: str) -> None:
    fake = FakeTime()
    with LoginTenant(["ok"]) as tenant:
        if where == "device not json":
            tenant.device_answer = Reply(body=b"<html>")
        elif where == "device without user_code":
            tenant.device_answer = Reply(
                body={"device_code": "d", "verification_uri_complete": "u", "expires_in": 60}
            )
        elif where == "device bad interval":
            tenant.device_answer = Reply(
                body={
                    "device_code": "d",
                    "user_code": "c",
                    "verification_uri_complete": "u",
                    "expires_in": 60,
                    "interval": "soon",
                }
            )
        elif where == "token without access_token":
            tenant.token_answer = Reply(body={"token_type": "Bearer"})
        else:
            tenant.client_answer = Reply(
                body={
                    "client": {"clientId": tenant.client_id},
                    "clientSecret": "secret-token:conductorone.com:v1:Zm9v",
                }
            )
        with pytest.raises(LoginError) as caught:
            run_login(tenant, fake)
    assert "Zm9v" not in str(caught.value)


def test_an_unreachable_tenant_is_a_typed_error() -> None:
    from conductorone import APIConnectionError

    with LoginTenant([]) as tenant:
        url = tenant.url
    with pytest.raises(APIConnectionError):
        login(server_url=url, login_client_id="x", on_code=lambda code: None, timeout=5)


def test_cancel_stops_the_wait() -> None:
    cancel = threading.Event()
    waits: list[float] = []

    def on_wait(remaining: float) -> None:
        waits.append(remaining)
        if len(waits) == 2:
            cancel.set()

    started = time.monotonic()
    with LoginTenant([], interval=30) as tenant, pytest.raises(LoginCancelledError):
        login(
            server_url=tenant.url,
            login_client_id="public-login-client",
            on_code=lambda code: None,
            on_wait=on_wait,
            cancel=cancel,
            sleep=lambda seconds: None,
        )
    assert len(waits) == 2 and time.monotonic() - started < 10


def test_async_login_with_slow_down_and_cancellation() -> None:
    fake = FakeTime()

    async def main() -> None:
        with LoginTenant(["slow_down", "authorization_pending", "ok"]) as tenant:
            result = await login_async(
                server_url=tenant.url,
                login_client_id="public-login-client",
                on_code=lambda code: None,
                clock=fake.clock,
                sleep=fake.async_sleep,
            )
            assert result.client_id == tenant.client_id
        assert fake.waits == [5, 10, 10]
        # a task cancelled while it waits for the person stops at once
        with LoginTenant([], interval=30) as tenant:
            task = asyncio.create_task(
                login_async(
                    server_url=tenant.url, login_client_id="public-login-client", on_code=lambda code: None
                )
            )
            while not tenant.server.seen and not task.done():  # it asked for the code: now it waits
                await asyncio.sleep(0.01)
            await asyncio.sleep(0.05)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
        # and an event set by someone else ends it as a LoginCancelledError
        with LoginTenant([], interval=30) as tenant:
            cancel = asyncio.Event()
            asyncio.get_running_loop().call_later(0.2, cancel.set)
            with pytest.raises(LoginCancelledError):
                await login_async(
                    server_url=tenant.url,
                    login_client_id="public-login-client",
                    on_code=lambda code: None,
                    cancel=cancel,
                )

    asyncio.run(asyncio.wait_for(main(), 30))


def test_the_stored_profile_authenticates_a_real_call(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONE_CONFIG_PATH", str(tmp_path / "cone"))
    fake = FakeTime()
    with LoginTenant(["ok"]) as tenant:
        result = run_login(tenant, fake)
        save_profile("work", result.client_id, result.client_secret)
        with ConductorOne(profile="work", server_url=tenant.url) as c1:
            found = c1.request(
                {"method": "GET", "url": "/api/v1/auth/introspect"}, lambda body: body, idempotent=True
            )
        assert found["userId"] == "user-7"

        async def call() -> Any:
            async with AsyncConductorOne(profile="work", server_url=tenant.url) as c1:
                return await c1.request(
                    {"method": "GET", "url": "/api/v1/auth/introspect"}, lambda body: body, idempotent=True
                )

        assert asyncio.run(call())["userId"] == "user-7"
    assert tenant.problems == [] and len(tenant.issued) == 2  # two client-credential token requests


# -- profiles ---------------------------------------------------------------------------------

CONE_FILE = """\
# written by cone
profiles:
  default:
    client-id: fox-1@acme.conductor.one/pcc
    client-secret: {secret_1}
  work:
    client_id: fox-2@beta.conductor.one/pcc
    client_secret: {secret_2}
    color: blue
  empty: {{}}
other-setting: keep me
"""


@pytest.fixture()
def cone_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, str, str]]:
    folder = tmp_path / "cone"
    folder.mkdir(mode=0o700)
    secret_1, _ = make_secret()
    secret_2, _ = make_secret()
    path = folder / "config.yaml"
    path.write_text(CONE_FILE.format(secret_1=secret_1, secret_2=secret_2))
    path.chmod(0o600)
    monkeypatch.setenv("CONE_CONFIG_PATH", str(folder))
    _warned.clear()
    yield path, secret_1, secret_2


def test_cone_files_are_read_in_both_spellings(cone_file: tuple[Path, str, str]) -> None:
    path, secret_1, secret_2 = cone_file
    default = load_profile()
    assert (default.client_id, default.client_secret) == ("fox-1@acme.conductor.one/pcc", secret_1)
    work = load_profile("work")
    assert (work.client_id, work.client_secret) == ("fox-2@beta.conductor.one/pcc", secret_2)
    assert secret_2 not in repr(work)
    with pytest.raises(CredentialsError, match=r"'nope'.*it has 'default', 'empty', 'work'"):
        load_profile("nope")
    with pytest.raises(CredentialsError, match=r"profile 'empty'.*has no client-id") as caught:
        load_profile("empty")
    assert str(path) in str(caught.value)
    # clients pick the profile; the server comes from each profile's client ID
    assert ConductorOne(profile="work").server_url == "https://beta.conductor.one"
    assert ConductorOne().server_url == "https://acme.conductor.one"  # the default profile, last in line


def test_writing_keeps_other_profiles_and_keys_atomically_and_privately(
    cone_file: tuple[Path, str, str],
) -> None:
    path, secret_1, _ = cone_file
    path.parent.chmod(0o755)  # as cone leaves it
    new_secret, _ = make_secret()
    save_profile("work", "fox-3@beta.conductor.one/pcc", new_secret)
    save_profile("fresh", "fox-4@gamma.conductor.one/pcc", new_secret)
    text = path.read_text()
    assert "client_id" not in text.split("work:")[1].split("fresh:")[0]  # one spelling left, no stale value
    assert load_profile("work").client_id == "fox-3@beta.conductor.one/pcc"
    assert load_profile("default").client_secret == secret_1
    import yaml

    data = yaml.safe_load(text)
    assert data["other-setting"] == "keep me" and data["profiles"]["work"]["color"] == "blue"
    assert data["profiles"]["empty"] == {}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert [p.name for p in path.parent.iterdir()] == ["config.yaml"]  # no temporary file left


def test_a_new_file_is_created_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONE_CONFIG_PATH", str(tmp_path / "new" / "place"))
    secret, _ = make_secret()
    path = save_profile("default", "fox@acme.conductor.one/pcc", secret)
    assert path == tmp_path / "new" / "place" / "config.yaml"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_a_file_others_can_read_is_read_with_one_warning(cone_file: tuple[Path, str, str]) -> None:
    path, _, _ = cone_file
    path.chmod(0o644)  # what cone writes
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        load_profile()
        load_profile("work")
        ConductorOne(profile="work")
    found = [w for w in caught if issubclass(w.category, ProfilePermissionWarning)]
    assert len(found) == 1
    assert f"chmod 600 {path}" in str(found[0].message)


def test_precedence_and_no_silent_mixing(
    cone_file: tuple[Path, str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    secret, _ = make_secret()
    # explicit credentials win, and beside profile= they are an error
    assert ConductorOne(access_token="t", tenant="zeta").server_url == "https://zeta.conductor.one"
    with pytest.raises(CredentialsError, match="not both"):
        ConductorOne(access_token="t", tenant="zeta", profile="work")
    # profile= beats the environment's credentials
    monkeypatch.setenv("CONDUCTORONE_CLIENT_ID", "env-fox@delta.conductor.one/pcc")
    monkeypatch.setenv("CONDUCTORONE_CLIENT_SECRET", secret)
    assert ConductorOne(profile="work").server_url == "https://beta.conductor.one"
    # the environment's credentials beat the default profile
    assert ConductorOne().server_url == "https://delta.conductor.one"
    # ... and beside CONDUCTORONE_PROFILE they are an error
    monkeypatch.setenv("CONDUCTORONE_PROFILE", "work")
    with pytest.raises(CredentialsError, match="CONDUCTORONE_PROFILE is set and so are"):
        ConductorOne()
    monkeypatch.delenv("CONDUCTORONE_CLIENT_ID")
    monkeypatch.delenv("CONDUCTORONE_CLIENT_SECRET")
    assert ConductorOne().server_url == "https://beta.conductor.one"
    # CONDUCTORONE_PROFILE before CONE_PROFILE
    monkeypatch.setenv("CONE_PROFILE", "default")
    assert ConductorOne().server_url == "https://beta.conductor.one"
    monkeypatch.delenv("CONDUCTORONE_PROFILE")
    assert ConductorOne().server_url == "https://acme.conductor.one"
    monkeypatch.setenv("CONE_PROFILE", "missing")
    with pytest.raises(CredentialsError, match="no profile 'missing'"):
        ConductorOne()


def test_a_broken_file_is_a_clear_error_without_its_contents(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONE_CONFIG_PATH", str(tmp_path))
    (tmp_path / "config.yaml").write_text("profiles:\n  default: [client-secret: secret-token:xyz\n")
    with pytest.raises(CredentialsError, match="not valid YAML") as caught:
        ConductorOne(profile="default")
    assert "secret-token" not in str(caught.value)
    secret, _ = make_secret()
    with pytest.raises(CredentialsError, match="not valid YAML"):
        save_profile("x", "fox@acme.conductor.one/pcc", secret)  # never overwrites what it cannot read
    with pytest.raises(CredentialsError) as caught:
        save_profile("x", "fox@acme.conductor.one/pcc", "secret-token:conductorone.com:v1:Zm9v")
    assert "Zm9v" not in str(caught.value)  # nor stores credentials that cannot work


# -- the command --------------------------------------------------------------------------------


def _where_the_packages_are() -> str:
    """The folders the packages under test were imported from (the checkout, or the installed wheel)."""
    import conductorone
    import conductorone_api

    return os.pathsep.join(
        str(Path(m.__file__ or "").parent.parent) for m in (conductorone, conductorone_api)
    )


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "conductorone", *args],
        env={
            **os.environ,
            "PYTHONPATH": _where_the_packages_are(),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_login_and_whoami_commands(tmp_path: Path) -> None:
    config = tmp_path / "cone"
    env = {"CONE_CONFIG_PATH": str(config)}
    with LoginTenant(["authorization_pending", "ok"], interval=0.05) as tenant:
        done = _cli(
            "login",
            "acme",
            "--server-url",
            tenant.url,
            "--profile",
            "work",
            "--no-browser",
            "--login-client-id",
            "public-login-client",
            env=env,
        )
        assert done.returncode == 0, done.stderr
        assert "ABCD-EFGH" in done.stdout and f"{tenant.url}/device?user_code=ABCD-EFGH" in done.stdout
        assert "Profile 'work' written" in done.stdout
        assert tenant.secret not in done.stdout + done.stderr
        assert load_profile("work", config / "config.yaml").client_id == tenant.client_id
        who = _cli("whoami", "--profile", "work", env={**env, "CONDUCTORONE_SERVER_URL": tenant.url})
        assert who.returncode == 0, who.stderr
        assert "user user-7" in who.stdout and f"tenant {tenant.url}" in who.stdout
        assert "super_admin" in who.stdout
        assert tenant.secret not in who.stdout + who.stderr
        missing = _cli("whoami", "--profile", "nope", env=env)
        assert missing.returncode == 1 and "no profile 'nope'" in missing.stderr
        assert "Traceback" not in missing.stderr
        denied = LoginTenant(["access_denied"], interval=0.05)
        with denied:
            done = _cli("login", "acme", "--server-url", denied.url, "--no-browser", env=env)
        assert done.returncode == 1 and "declined" in done.stderr and "Traceback" not in done.stderr


def test_the_command_counts_down_on_a_terminal() -> None:
    import io

    from conductorone._cli import _Countdown

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = Terminal()
    countdown = _Countdown(out)
    countdown(125)
    countdown.sleep(2.2)
    countdown.done()
    shown = out.getvalue().split("\r")
    assert [line.split("browser: ")[1].split()[0] for line in shown[1:-1]] == ["2:05", "2:04", "2:03", "2:02"]
    assert shown[-1] == "\x1b[K"  # the line is cleared for what follows


def test_a_profile_that_cannot_be_written_is_a_credentials_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    def disk_full(source: object, target: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "replace", disk_full)
    secret, _ = make_secret()
    with pytest.raises(CredentialsError, match=r"cannot write the profile file .*No space left") as caught:
        save_profile("x", "fox@acme.conductor.one/pcc", secret, tmp_path / "cone" / "config.yaml")
    assert secret not in str(caught.value)
    assert list((tmp_path / "cone").iterdir()) == []  # no temporary file left behind
