"""Build the distribution, check it, and upload it to a package index with twine.

- ``python -m build`` (no isolation: the pinned hatchling of this environment) makes the
  sdist and the wheel; the wheel must hold both packages, each with its ``py.typed``, at
  the version in ``overlays/conductorone/_version.py``.
- ``twine check --strict`` checks both.
- Before uploading, the index's simple page for the project is read: if the version is
  there already, nothing is uploaded (an index would refuse the first file, or worse,
  accept one file of two).
- ``twine upload`` with twine's own conventions: ``TWINE_USERNAME``/``TWINE_PASSWORD``
  with ``--repository-url``, or a ``.pypirc`` section with ``--repository``.

Nothing here prints credentials; twine's output is relayed with the password removed.
"""

from __future__ import annotations

import configparser
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

import attrs
import httpx
from packaging.utils import canonicalize_name

from . import build as build_module
from .errors import BuildError
from .redact import redact_url, redact_urls_in
from .release import ROOT, ReleaseRecord, read_version, sha256

DIST_NAME = "conductorone-api-client"
PACKAGES = ("conductorone_api", "conductorone")


@attrs.frozen
class Repository:
    upload_url: str
    username: str | None = attrs.field(default=None, repr=False)
    password: str | None = attrs.field(default=None, repr=False)
    twine_args: tuple[str, ...] = ()

    @property
    def shown_url(self) -> str:
        """The upload URL as printed: without user info or secret-looking query values."""
        return redact_url(self.upload_url)

    @property
    def simple_url(self) -> str:
        """The PEP 503 page of the project, next to the upload URL (pypiserver, devpi, …)."""
        base = re.sub(r"/(legacy/?)?$", "", self.upload_url.rstrip("/"))
        return f"{base}/simple/{canonicalize_name(DIST_NAME)}/"


def repository(url: str | None, name: str | None, config_file: Path | None) -> Repository:
    if url:
        # user:password@ in the URL is taken out: passed to twine as credentials, never as
        # part of a URL that twine or we might print
        parts = urlsplit(url)
        bare = urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[-1]))
        return Repository(
            upload_url=bare,
            username=os.environ.get("TWINE_USERNAME")
            or (unquote(parts.username) if parts.username else None),
            password=os.environ.get("TWINE_PASSWORD")
            or (unquote(parts.password) if parts.password else None),
            twine_args=("--repository-url", bare),
        )
    if not name:
        raise BuildError(
            "say where to publish: --repository-url URL or --repository NAME (a .pypirc section)"
        )
    path = config_file or Path(os.environ.get("TWINE_CONFIG_FILE", Path.home() / ".pypirc"))
    parser = configparser.RawConfigParser()
    if not parser.read(path) or not parser.has_section(name):
        raise BuildError(f"{path}: no [{name}] section")
    section = parser[name]
    if "repository" not in section:
        raise BuildError(f"{path}: [{name}] has no repository URL")
    args = ("--repository", name) + (("--config-file", str(path)) if config_file else ())
    return Repository(
        upload_url=section["repository"],
        username=section.get("username") or os.environ.get("TWINE_USERNAME"),
        password=section.get("password") or os.environ.get("TWINE_PASSWORD"),
        twine_args=args,
    )


def build_distributions(out: Path) -> list[Path]:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--no-isolation",
            "--sdist",
            "--wheel",
            "--outdir",
            str(out),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
        raise BuildError("building the distributions failed:\n" + "\n".join(tail))
    return sorted(out.iterdir())


def check_wheel(wheel: Path, version: str) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for package in PACKAGES:
        for required in (f"{package}/__init__.py", f"{package}/py.typed"):
            if required not in names:
                raise BuildError(f"{wheel.name}: {required} is missing")
    metadata = next((n for n in names if n.endswith(".dist-info/METADATA")), None)
    if metadata is None or f"Version: {version}\n" not in zipfile.ZipFile(wheel).read(metadata).decode():
        raise BuildError(f"{wheel.name}: its metadata does not say Version: {version}")


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _redact(text: str, secret: str | None) -> str:
    """twine's output as plain text, without the password should it ever appear."""
    text = _ANSI.sub("", text)
    return text.replace(secret, "<redacted>") if secret else text


def published_files(repo: Repository, version: str) -> list[str]:
    """Files of ``version`` already on the index (empty if the project or the version is not there).

    Only the index's own answer counts: a redirect is not followed. pypiserver answers an
    unknown project with a redirect to the public index (unless run with
    ``--disable-fallback``); following it would fail without internet access, and would
    report a same-named project someone registered there as "already on your index".
    """
    auth = (repo.username, repo.password) if repo.username and repo.password else None
    try:
        response = httpx.get(repo.simple_url, auth=auth, timeout=30, follow_redirects=False)
    except httpx.HTTPError as error:
        raise BuildError(
            f"{redact_url(repo.simple_url)}: the index did not answer ({type(error).__name__})"
        ) from None
    if response.status_code == 404 or response.is_redirect:
        return []
    if response.status_code != 200:
        raise BuildError(
            f"{redact_url(repo.simple_url)}: HTTP {response.status_code} while checking existing versions"
        )
    stem = f"{DIST_NAME.replace('-', '_')}-{version}"
    files = re.findall(r'href="[^"]*?/?([^/"#]+)(?:#[^"]*)?"', response.text)
    return sorted(f for f in files if f.replace("-", "_").startswith(stem.replace("-", "_")) and version in f)


def preflight(repo: Repository) -> str:
    """Refuse, before building anything, to publish something other than the released tree.

    Returns the version to publish. Each refusal is one line saying what to run.
    """
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if status.returncode != 0:
        raise BuildError(f"cannot read the git status of {ROOT}: {status.stderr.strip()}")
    if status.stdout.strip():
        changed = ", ".join(line[3:] for line in status.stdout.splitlines()[:5])
        raise BuildError(
            f"the working tree has uncommitted changes ({changed}): commit or stash them, then publish"
        )
    stale = build_module.differences(build_module.BuildInputs.from_options(None, None))
    if stale:
        raise BuildError(
            f"generated/ is not what spec/ builds ({stale[0]}, ...): run `python -m generator build`, commit, release"
        )
    record = ReleaseRecord.read()
    spec = build_module.DEFAULT_SPEC
    if record is None or record.sha256 != sha256(spec):
        raise BuildError(
            f"{spec.relative_to(ROOT)} is not the released document (spec/release.json): "
            "run `python -m generator release` and commit, then publish"
        )
    version = str(read_version())
    existing = published_files(repo, version)
    if existing:
        raise BuildError(
            f"{DIST_NAME} {version} is already on {repo.shown_url} ({', '.join(existing)}): nothing uploaded; "
            "release a new version first (python -m generator release)"
        )
    return version


def publish(repo: Repository, *, dist_dir: Path | None = None) -> list[Path]:
    version = preflight(repo)
    with tempfile.TemporaryDirectory() as scratch:
        out = dist_dir or Path(scratch)
        files = build_distributions(out)
        wheels = [f for f in files if f.suffix == ".whl"]
        if len(wheels) != 1 or not any(f.name.endswith(".tar.gz") for f in files):
            raise BuildError(f"expected one wheel and one sdist, built: {[f.name for f in files]}")
        check_wheel(wheels[0], version)
        checked = subprocess.run(
            [sys.executable, "-m", "twine", "check", "--strict", *map(str, files)],
            capture_output=True,
            text=True,
            check=False,
        )
        if checked.returncode != 0:
            raise BuildError(f"twine check failed:\n{checked.stdout.strip()}\n{checked.stderr.strip()}")
        existing = published_files(repo, version)
        if existing:
            raise BuildError(
                f"{DIST_NAME} {version} is already on {repo.shown_url} ({', '.join(existing)}): nothing uploaded; "
                "release a new version first (python -m generator release)"
            )
        uploaded = subprocess.run(
            [sys.executable, "-m", "twine", "upload", "--non-interactive", "--disable-progress-bar",
             *repo.twine_args, *map(str, files)],
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "TWINE_USERNAME": repo.username or "", "TWINE_PASSWORD": repo.password or ""}
            if repo.username or repo.password
            else None,
        )  # fmt: skip
        output = redact_urls_in(_redact(f"{uploaded.stdout}\n{uploaded.stderr}".strip(), repo.password))
        if uploaded.returncode != 0:
            reason = next((line for line in output.splitlines() if "ERROR" in line), output[-500:])
            reason = " ".join(reason.replace("ERROR", "").split())
            hint = " (check the credentials)" if re.search(r"\b(401|403)\b", reason) else ""
            raise BuildError(f"upload to {repo.shown_url} failed: {reason}{hint}")
        return files
