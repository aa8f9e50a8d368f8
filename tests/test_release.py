"""vendor -> release -> publish, each on a copy of this repository (a git repository of its own).

Publishing goes to a real package index (pypiserver with an htpasswd user) on 127.0.0.1,
and the package is installed from it into a fresh virtual environment.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.version import Version

from generator.release import next_version

from .conftest import ROOT
from .loopback import LoopbackServer, Reply, Seen, server_process

COPY_IGNORE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "node_modules",
    ".bench",
    "__pycache__",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    "dist",
    ".runtimes",
)
SPEC = Path("spec") / "conductorone.openapi.yaml"


def _run(cwd: Path, *args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=600, check=False, env=env
    )


def _git(cwd: Path, *args: str) -> None:
    done = _run(cwd, "git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args)
    assert done.returncode == 0, done.stderr


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    """This repository's working tree, copied and committed as a fresh git repository."""
    copy = tmp_path / "project"
    shutil.copytree(ROOT, copy, ignore=COPY_IGNORE)
    _git(copy, "init", "-q")
    _git(copy, "add", "-A")
    _git(copy, "commit", "-q", "-m", "start")
    return copy


def generator(project: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return _run(project, sys.executable, "-m", "generator", *args)


def _snapshot(project: Path) -> dict[str, bytes]:
    watched = [
        SPEC,
        Path("spec/conductorone.openapi.source.json"),
        Path("spec/release.json"),
        Path("CHANGELOG.md"),
    ]
    files = {str(p): (project / p).read_bytes() for p in watched}
    files.update(
        {str(p.relative_to(project)): p.read_bytes() for p in sorted((project / "generated").rglob("*.py"))}
    )
    return files


@pytest.mark.parametrize(
    ("current", "bump", "expected"),
    [
        ("0.1.0", "major", "0.2.0"),
        ("0.1.3", "minor", "0.1.4"),
        ("0.1.3", "patch", "0.1.4"),
        ("1.4.2", "major", "2.0.0"),
        ("1.4.2", "minor", "1.5.0"),
        ("1.4.2", "patch", "1.4.3"),
    ],
)
def test_version_rule(current: str, bump: str, expected: str) -> None:
    assert next_version(Version(current), bump) == Version(expected)


def test_vendor_then_release(project: Path, tmp_path: Path) -> None:
    doc: dict[str, Any] = yaml.safe_load((project / SPEC).read_text(encoding="utf-8"))
    removed_path = next(iter(doc["paths"]))
    # an operation disappears from the document (the seed overlay puts it back into the
    # client: not a change users see) and a response field goes (breaking)
    del doc["paths"][removed_path]
    del doc["components"]["schemas"]["c1.api.app.v2.AppOwnerEntitlement"]["properties"]["roleSlug"]
    newer = tmp_path / "newer.yaml"
    newer.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")

    vendored = generator(project, "vendor", newer)
    assert vendored.returncode == 0, vendored.stderr
    breaking, absorbed = vendored.stdout.split("Upstream changes that do not reach the client")
    assert (
        "`AppOwnerEntitlement` `roleSlug`: field removed" in breaking and "operation-removed" not in breaking
    )
    assert "`app_owners_v2.get_entitlement_owner`: removed (GET" in absorbed
    record = json.loads((project / "spec/conductorone.openapi.source.json").read_text())
    assert record["source"] == str(newer) and len(record["sha256"]) == 64
    assert (project / SPEC).read_bytes() == newer.read_bytes()
    # the seed overlay (spec/overlays/020) puts the removed v2 operation back into the client:
    # 2 operations + their groups' __init__
    assert len(list((project / "generated/conductorone_api/api").glob("*/*.py"))) == 4
    _git(project, "commit", "-qam", "vendor")

    released = generator(project, "release")
    assert released.returncode == 0, released.stderr
    assert '__version__ = "0.2.0"' in (project / "overlays/conductorone/_version.py").read_text()
    changelog = (project / "CHANGELOG.md").read_text()
    assert changelog.index("## 0.2.0") < changelog.index("## 0.1.0")
    assert "Version bump: **major**" in changelog and "### Breaking" in changelog
    assert json.loads((project / "spec/release.json").read_text())["version"] == "0.2.0"

    before = _snapshot(project)
    again = generator(project, "release")
    assert again.returncode == 1 and "nothing to release" in again.stderr
    assert _snapshot(project) == before


def test_vendor_of_a_broken_document_changes_nothing(project: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    text = (project / SPEC).read_text(encoding="utf-8")
    broken.write_text(text.replace("#/components/schemas/", "#/components/schemaz/", 1), encoding="utf-8")
    before = _snapshot(project)
    done = generator(project, "vendor", broken)
    assert done.returncode == 1 and "unresolvable $ref" in done.stderr and "Traceback" not in done.stderr
    assert _snapshot(project) == before
    refused = generator(project, "vendor", "http://example.com/spec.yaml")
    assert refused.returncode == 1 and "only https URLs" in refused.stderr


# -- publishing -----------------------------------------------------------------------------------

USER, PASSWORD = "publisher", "correct-horse-battery"


# pypiserver answers an unknown project with a redirect to its fallback index (the public one
# by default); the publish pre-check must read its own index's answer either way, offline.
FALLBACKS = {
    "no fallback": ["--disable-fallback"],
    "unreachable fallback": ["--fallback-url", "http://127.0.0.1:9/simple/"],
}


@pytest.fixture(params=sorted(FALLBACKS))
def package_index(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """pypiserver on 127.0.0.1: uploads need the htpasswd user; reading is open."""
    from passlib.apache import HtpasswdFile

    htpasswd = HtpasswdFile(str(tmp_path / "htpasswd"), new=True)
    htpasswd.set_password(USER, PASSWORD)
    htpasswd.save()
    packages = tmp_path / "packages"
    packages.mkdir()
    with server_process(
        lambda port: [
            sys.executable, "-m", "pypiserver", "run", "--host", "127.0.0.1", "--port", str(port),
            "--passwords", str(tmp_path / "htpasswd"), "--authenticate", "update", "--server", "wsgiref",
            *FALLBACKS[request.param], str(packages),
        ],
        "pypiserver",
        timeout=60,
    ) as url:  # fmt: skip
        yield url


def _publish(project: Path, url: str, password: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TWINE_USERNAME": USER, "TWINE_PASSWORD": password}
    return _run(project, sys.executable, "-m", "generator", "publish", "--repository-url", url, env=env)


@pytest.mark.slow
def test_publish_install_and_refusals(project: Path, package_index: str, tmp_path: Path) -> None:
    wrong = _publish(project, package_index, "wrong-password")
    assert wrong.returncode == 1 and "upload" in wrong.stderr and "Traceback" not in wrong.stderr
    assert "wrong-password" not in wrong.stdout + wrong.stderr
    assert list((tmp_path / "packages").iterdir()) == []  # nothing half-uploaded

    done = _publish(project, package_index, PASSWORD)
    assert done.returncode == 0, done.stderr
    assert PASSWORD not in done.stdout + done.stderr
    uploaded = sorted(p.name for p in (tmp_path / "packages").iterdir())
    assert uploaded == [
        "conductorone_api_client-0.1.0-py3-none-any.whl",
        "conductorone_api_client-0.1.0.tar.gz",
    ]

    again = _publish(project, package_index, PASSWORD)
    assert again.returncode == 1 and "already on" in again.stderr and "nothing uploaded" in again.stderr
    assert sorted(p.name for p in (tmp_path / "packages").iterdir()) == uploaded

    # Install from the index into a fresh environment. Its dependencies come from this test
    # environment's site-packages (added as a plain path: no network, and no .pth files, so
    # not our editable install); the package itself only from the index.
    venv = tmp_path / "fresh"
    assert _run(tmp_path, sys.executable, "-m", "venv", venv).returncode == 0
    python = venv / "bin" / "python"
    installed = _run(
        tmp_path, python, "-m", "pip", "install", "--no-deps", "--disable-pip-version-check",
        "--index-url", f"{package_index}/simple/", "conductorone-api-client==0.1.0",
    )  # fmt: skip
    assert installed.returncode == 0, installed.stdout + installed.stderr
    site = _run(
        tmp_path, python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    ).stdout.strip()
    deps = next(p for p in sys.path if p.endswith("site-packages"))
    Path(site, "test-dependencies.pth").write_text(deps + "\n", encoding="utf-8")
    script = (
        "import conductorone, conductorone_api, conductorone_api.api, os\n"
        "assert conductorone.__file__.startswith(os.environ['FRESH'])\n"
        "assert conductorone_api.__file__.startswith(os.environ['FRESH'])\n"
        "c1 = conductorone.ConductorOne(access_token='t', tenant='acme')\n"
        "print(conductorone.__version__, type(c1.app_owners_v2).__name__)\n"
    )
    imported = _run(tmp_path, python, "-c", script, env={**os.environ, "FRESH": str(venv)})
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.split() == ["0.1.0", "AppOwnersV2Resource"]


@pytest.fixture()
def closed_index(tmp_path: Path) -> Iterator[str]:
    """pypiserver serving only what is uploaded to it (no fallback to any other index)."""
    from passlib.apache import HtpasswdFile

    htpasswd = HtpasswdFile(str(tmp_path / "htpasswd"), new=True)
    htpasswd.set_password(USER, PASSWORD)
    htpasswd.save()
    (tmp_path / "closed").mkdir()
    with server_process(
        lambda port: [
            sys.executable, "-m", "pypiserver", "run", "--host", "127.0.0.1", "--port", str(port),
            "--passwords", str(tmp_path / "htpasswd"), "--authenticate", "update", "--server", "wsgiref",
            "--disable-fallback", str(tmp_path / "closed"),
        ],
        "pypiserver",
        timeout=60,
    ) as url:  # fmt: skip
        yield url


def _isolated_pip_env() -> dict[str, str]:
    """The environment with no pip configuration at all: the index given is the only one."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_") or k == "PIP_CERT"}
    return {**env, "PIP_CONFIG_FILE": os.devnull, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}


@pytest.mark.slow
def test_publish_with_dependencies_then_install_from_the_closed_index_alone(
    project: Path, closed_index: str, tmp_path: Path
) -> None:
    started = time.monotonic()
    env = {**os.environ, "TWINE_USERNAME": USER, "TWINE_PASSWORD": PASSWORD}
    done = _run(
        project, sys.executable, "-m", "generator", "publish", "--repository-url", closed_index,
        "--with-dependencies", env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    served = sorted(p.name for p in (tmp_path / "closed").iterdir())
    assert {"conductorone_api_client-0.1.0-py3-none-any.whl", "conductorone_api_client-0.1.0.tar.gz"} <= set(
        served
    )
    assert any(name.startswith("httpx-") for name in served) and any(
        name.startswith("joserfc-") for name in served
    )

    venv = tmp_path / "consumer"
    assert _run(tmp_path, sys.executable, "-m", "venv", venv).returncode == 0
    python = venv / "bin" / "python"
    installed = _run(
        tmp_path, python, "-m", "pip", "install", "--index-url", f"{closed_index}/simple/", "conductorone-api-client",
        env=_isolated_pip_env(),
    )  # fmt: skip
    assert installed.returncode == 0, installed.stdout[-2000:] + installed.stderr[-2000:]
    downloads = [line for line in installed.stdout.splitlines() if "Downloading " in line]
    assert downloads and all(closed_index in line for line in downloads), downloads

    def answer(seen: Seen) -> Reply:
        return Reply(body={"appOwnerEntitlement": {"appId": "a1", "roleSlug": "owner"}})

    with LoopbackServer(answer) as api:
        script = (
            "import conductorone, os\n"
            "assert conductorone.__file__.startswith(os.environ['CONSUMER'])\n"
            f"c1 = conductorone.ConductorOne(access_token='t', server_url={api.url!r})\n"
            "owner = c1.app_owners_v2.get_entitlement_owner(app_id='a1', role_slug='owner',"
            " app_entitlement_ref_app_id='a2', app_entitlement_ref_id='e1')\n"
            "print(owner.app_owner_entitlement.app_id)\n"
        )
        called = _run(tmp_path, python, "-c", script, env={**_isolated_pip_env(), "CONSUMER": str(venv)})
    assert called.returncode == 0, called.stderr
    assert called.stdout.split() == ["a1"] and len(api.seen) == 1
    print(f"publish --with-dependencies + install + call: {time.monotonic() - started:.1f} s")


def test_publish_without_credentials_refuses_before_building(project: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TWINE_")}
    done = _run(
        project, sys.executable, "-m", "generator", "publish", "--repository-url", "http://127.0.0.1:9/", env=env
    )  # fmt: skip
    assert done.returncode == 1 and "no credentials for http://127.0.0.1:9/" in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


# -- the loop's refusals and records (issue: the maintainer loop, hardened) ----------------------


class _Documents(BaseHTTPRequestHandler):
    """Serves ``document`` at /spec.yaml; /hop redirects there; /out redirects off this machine."""

    document = b""

    def do_GET(self) -> None:
        if self.path in ("/endless", "/drip"):  # a body without end, fast or one byte at a time
            self.send_response(200)
            self.end_headers()
            chunk, pause = (b"x" * 65536, 0.0) if self.path == "/endless" else (b"x", 0.1)
            try:
                for _ in range(100_000):  # bounded: stops by itself, or when the client hangs up
                    self.wfile.write(chunk)
                    self.wfile.flush()
                    time.sleep(pause)
            except OSError:
                pass
            return
        if self.path.split("?")[0] == "/spec.yaml":
            self.send_response(200)
            self.send_header("Content-Length", str(len(self.document)))
            self.end_headers()
            self.wfile.write(self.document)
            return
        target = {"/hop": "/spec.yaml", "/out": "http://198.51.100.7/spec.yaml", "/loop": "/loop"}.get(
            self.path
        )
        self.send_response(302 if target else 404)
        if target:
            self.send_header("Location", target)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture()
def document_server(project: Path) -> Iterator[str]:
    handler = type(
        "Handler", (_Documents,), {"document": (project / SPEC).read_bytes().replace(b"Get an", b"Gets an")}
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_vendor_follows_only_redirects_that_keep_the_https_rule(project: Path, document_server: str) -> None:
    before = _snapshot(project)
    refused = generator(project, "vendor", f"{document_server}/out", "--no-verify")
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert f"redirected from {document_server}/out to http://198.51.100.7/spec.yaml" in refused.stderr
    assert "only https URLs (or http on a loopback host)" in refused.stderr
    looping = generator(project, "vendor", f"{document_server}/loop", "--no-verify")
    assert looping.returncode == 1 and "more than 5 redirects" in looping.stderr
    assert _snapshot(project) == before

    done = generator(project, "vendor", f"{document_server}/hop", "--no-verify")
    assert done.returncode == 0, done.stderr
    record = json.loads((project / "spec/conductorone.openapi.source.json").read_text(encoding="utf-8"))
    assert record["source"] == f"{document_server}/hop"
    assert record["final_url"] == f"{document_server}/spec.yaml"


def test_vendor_is_bounded_in_size_and_time(project: Path, document_server: str) -> None:
    before = _snapshot(project)
    started = time.monotonic()
    endless = generator(project, "vendor", f"{document_server}/endless", "--max-bytes", "5000000")
    assert endless.returncode == 1 and "larger than 5,000,000 bytes (--max-bytes)" in endless.stderr
    dripping = generator(project, "vendor", f"{document_server}/drip", "--deadline", "2")
    assert dripping.returncode == 1 and "took longer than 2 s (--deadline)" in dripping.stderr
    assert time.monotonic() - started < 60  # both stopped themselves (unbounded, neither would)
    assert _snapshot(project) == before


def test_vendor_never_writes_or_prints_credentials_of_a_url(project: Path, document_server: str) -> None:
    host = document_server.removeprefix("http://")
    source = f"http://maint:hunter2pw@{host}/spec.yaml?token=tok-s3cret&v=2"
    done = generator(project, "vendor", source, "--no-verify")
    assert done.returncode == 0, done.stderr
    record = json.loads((project / "spec/conductorone.openapi.source.json").read_text(encoding="utf-8"))
    assert record["source"] == f"http://***@{host}/spec.yaml?token=***&v=2"
    checked = generator(project, "vendor", "--check", source.replace("spec.yaml", "missing"))
    assert checked.returncode == 1
    for output in (done.stdout, done.stderr, checked.stdout, checked.stderr, json.dumps(record)):
        assert "hunter2pw" not in output and "tok-s3cret" not in output
    assert f"http://***@{host}/missing?token=***&v=2" in checked.stderr


def test_vendor_check_reports_without_changing_anything(project: Path, document_server: str) -> None:
    before = _snapshot(project)
    same = generator(project, "vendor", "--check", project / SPEC)
    assert same.returncode == 0 and "nothing to do" in same.stderr and same.stdout == ""
    changed = generator(project, "vendor", "--check", f"{document_server}/hop")
    assert changed.returncode == 3, changed.stderr
    assert changed.stdout.startswith("## API changes: conductorone.openapi.yaml -> http://127.0.0.1:")
    assert _snapshot(project) == before


def test_vendor_errors_name_the_users_document(project: Path, tmp_path: Path) -> None:
    broken = tmp_path / "mine.yaml"
    broken.write_text("openapi: 3.1.0\npaths: {a: [\n", encoding="utf-8")
    done = generator(project, "vendor", broken)
    assert done.returncode == 1 and done.stderr.startswith(f"error: {broken}:"), done.stderr


def test_release_refuses_a_bump_lower_than_the_changes(project: Path, tmp_path: Path) -> None:
    doc: dict[str, Any] = yaml.safe_load((project / SPEC).read_text(encoding="utf-8"))
    del doc["components"]["schemas"]["c1.api.app.v2.AppOwnerEntitlement"]["properties"][
        "roleSlug"
    ]  # breaking
    (project / SPEC).write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    under = generator(project, "release", "--bump", "patch")
    assert under.returncode == 1
    assert "--bump patch is lower than the changes require (major: 1 breaking)" in under.stderr
    allowed = generator(project, "release", "--bump", "patch", "--allow-lower-bump", "--dry-run")
    assert allowed.returncode == 0, allowed.stderr
    assert (
        "The patch number moved: 0.1.0 -> 0.1.1 (changes: major). Lower than the changes require (major), by --allow-lower-bump."
        in allowed.stdout
    )
    done = generator(project, "release")
    assert done.returncode == 0, done.stderr
    assert "The minor number moved: 0.1.0 -> 0.2.0 (changes: major)." in done.stdout
    assert "released 0.1.0 -> 0.2.0: the minor number moved (major change)" in done.stderr


def test_release_of_a_document_outside_the_repository(project: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text(
        (project / SPEC).read_text(encoding="utf-8").replace("Get an", "Gets an"), encoding="utf-8"
    )
    done = generator(project, "release", "--dry-run", "--spec", outside)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "is outside this repository" in done.stderr and "pass --since FILE" in done.stderr
    since = generator(project, "release", "--dry-run", "--spec", outside, "--since", project / SPEC)
    assert since.returncode == 0, since.stderr
    assert f"API changes: {project / SPEC} -> " in since.stdout


def _publish_to_nowhere(project: Path) -> subprocess.CompletedProcess[str]:
    """publish to an index that is never reached: each refusal must come before it is asked."""
    env = {**os.environ, "TWINE_USERNAME": USER, "TWINE_PASSWORD": PASSWORD}
    return _run(
        project,
        sys.executable,
        "-m",
        "generator",
        "publish",
        "--repository-url",
        "http://127.0.0.1:9/",
        env=env,
    )


def test_publish_refuses_what_was_not_released(project: Path) -> None:
    (project / "notes.txt").write_text("wip\n", encoding="utf-8")
    dirty = _publish_to_nowhere(project)
    assert dirty.returncode == 1 and "uncommitted changes (notes.txt)" in dirty.stderr
    (project / "notes.txt").unlink()

    module = next((project / "generated/conductorone_api/api").glob("*/*.py"))
    module.write_text(module.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    _git(project, "commit", "-qam", "edit generated code by hand")
    stale = _publish_to_nowhere(project)
    assert stale.returncode == 1 and "generated/ is not what spec/ builds" in stale.stderr
    assert "run `python -m generator build`" in stale.stderr
    _git(project, "revert", "--no-edit", "HEAD")

    text = (project / SPEC).read_text(encoding="utf-8")
    (project / SPEC).write_text(text.replace("Get an", "Gets an"), encoding="utf-8")
    assert generator(project, "build", "--no-verify").returncode == 0
    _git(project, "commit", "-qam", "a document nobody released")
    unreleased = _publish_to_nowhere(project)
    assert unreleased.returncode == 1, unreleased.stderr
    assert (
        "is not the released document (spec/release.json): run `python -m generator release`"
        in unreleased.stderr
    )
    for done in (dirty, stale, unreleased):
        assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_the_wheel_carries_the_license_and_no_maintainer_extras(tmp_path: Path) -> None:
    done = _run(ROOT, sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", tmp_path, ROOT)
    assert done.returncode == 0, done.stderr
    wheel = zipfile.ZipFile(next(tmp_path.glob("*.whl")))
    names = wheel.namelist()
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names), names
    metadata = wheel.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert "License-Expression: Apache-2.0" in metadata and "Project-URL: Homepage, " in metadata
    assert "Provides-Extra" not in metadata  # generator/dev are dependency groups, not extras


def test_publish_never_prints_a_password_given_in_the_url(project: Path) -> None:
    from generator.publish import repository

    repo = repository("http://maint:hunter2pw@127.0.0.1:9/", None, None)
    assert repo.upload_url == "http://127.0.0.1:9/" and repo.twine_args == (
        "--repository-url",
        repo.upload_url,
    )
    assert (repo.username, repo.password) == ("maint", "hunter2pw") or os.environ.get("TWINE_PASSWORD")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TWINE_")}
    done = _run(
        project, sys.executable, "-m", "generator", "publish",
        "--repository-url", "http://maint:hunter2pw@127.0.0.1:9/?token=tok-s3cret", env=env,
    )  # fmt: skip
    assert done.returncode == 1 and "http://127.0.0.1:9/" in done.stderr, done.stderr
    assert "hunter2pw" not in done.stdout + done.stderr and "tok-s3cret" not in done.stdout + done.stderr


def _change_lines(markdown: str) -> tuple[list[str], list[str]]:
    """The change lines of a diff (breaking and not), and those of its absorbed section."""
    client, _, absorbed = markdown.partition("Upstream changes that do not reach the client")
    lines = [line for line in client.splitlines() if line.startswith("- ")]
    return lines, [line for line in absorbed.splitlines() if line.startswith("- ")]


def test_vendor_check_diff_and_release_agree_on_the_clients_changes(
    project: Path, upstream_spec_paths: dict[str, Path]
) -> None:
    """2026-01, vendored and released, then 2026-02: every command that reports changes
    reports the client's, the same list and count, and lists what does not reach it apart."""
    old, new = upstream_spec_paths["2026-01"], upstream_spec_paths["2026-02"]
    first = generator(project, "vendor", old, "--no-verify")
    assert first.returncode == 0, first.stderr
    # the seed document -> 2026-01: the two v2 owner operations stay in the client (overlay 020)
    seeded, seed_absorbed = _change_lines(first.stdout)
    assert not any(line.startswith(("- `app_owners_v2.", "- `app_entitlement_owners_v2.")) for line in seeded)
    assert any("`app_owners_v2.get_entitlement_owner`: removed (GET" in line for line in seed_absorbed)
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", "vendor 2026-01")
    assert generator(project, "release").returncode == 0
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", "release 2026-01")

    checked = generator(project, "vendor", "--check", new)
    assert checked.returncode == 3, checked.stderr
    diffed = generator(project, "diff", old, new, "--lock", "spec/names.lock.json", "--format", "json")
    assert diffed.returncode == 0, diffed.stderr
    vendored = generator(project, "vendor", new, "--no-verify")
    assert vendored.returncode == 0, vendored.stderr
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", "vendor 2026-02")
    released = generator(project, "release", "--dry-run")
    assert released.returncode == 0, released.stderr

    reports = {name: _change_lines(done.stdout) for name, done in
               (("vendor --check", checked), ("vendor", vendored), ("release", released))}  # fmt: skip
    (lines, absorbed) = reports["vendor"]
    for name, (other_lines, other_absorbed) in reports.items():
        assert other_lines == lines and other_absorbed == absorbed, name
    report = json.loads(diffed.stdout)
    assert len(report["changes"]) == len(lines) - sum(1 for line in lines if " models added: " in line) + sum(
        line.count("`, `") + 1 for line in lines if " models added: " in line
    )
    breaking = report["breaking"]
    assert breaking == 11 and report["bump"] == "major"
    assert "(changes: major)" in released.stdout and "### Breaking (11)" in released.stdout
    assert not any("class renamed" in line for line in lines), lines  # the lock keeps Action
    assert any("`Action`: class renamed to `PolicyAction`" in line for line in absorbed)
    assert {c["kind"] for c in report["absorbed"]} >= {"model-renamed", "field-retyped"}


def test_vendor_from_a_tenant_or_again_from_the_recorded_source(project: Path, document_server: str) -> None:
    from generator.vendor import tenant_document_url

    assert tenant_document_url("acme") == "https://acme.conductor.one/api/v1/openapi.yaml"
    assert tenant_document_url("Acme.Conductor.One") == "https://acme.conductor.one/api/v1/openapi.yaml"
    for bad in ("bad name", "acme/../x", "user@acme", "acme.conductor.one:443/x"):
        done = generator(project, "vendor", "--tenant", bad, "--check")
        assert done.returncode == 1 and "not a tenant name" in done.stderr, done.stderr
    seed = generator(project, "vendor", "--check")  # the seed document came from no URL
    assert seed.returncode == 1 and "vendor your tenant's document first" in seed.stderr
    first = generator(project, "vendor", f"{document_server}/hop", "--no-verify")
    assert first.returncode == 0, first.stderr
    again = generator(project, "vendor", "--check")  # fetched again from the recorded source
    assert again.returncode == 0 and "is the vendored document" in again.stderr, again.stderr
    assert f"{document_server}/hop" in again.stderr
