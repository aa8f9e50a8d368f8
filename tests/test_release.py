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
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.version import Version

from generator.release import next_version

from .conftest import ROOT
from .loopback import server_process

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
    del doc["paths"][removed_path]  # a breaking change: an operation disappears
    newer = tmp_path / "newer.yaml"
    newer.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")

    vendored = generator(project, "vendor", newer)
    assert vendored.returncode == 0, vendored.stderr
    assert "operation-removed" in vendored.stdout or "removed (" in vendored.stdout
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


@pytest.fixture()
def package_index(tmp_path: Path) -> Iterator[str]:
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
            str(packages),
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
