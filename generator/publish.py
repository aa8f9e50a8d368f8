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
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

import attrs
import httpx
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from . import build as build_module
from .errors import BuildError
from .redact import redact_url, redact_urls_in
from .release import ROOT, ReleaseRecord, read_version, sha256

DIST_NAME = "conductorone-api-client"
PACKAGES = ("conductorone_api", "conductorone")
# The Pythons the package claims: --with-dependencies uploads wheels for each of them, at the
# versions the runtime tests pin for it (scripts/test-runtimes installs the same file).
RUNTIME_PYTHONS = ("3.10", "3.11", "3.12", "3.13")
RUNTIME_PINS = ROOT / "tests" / "runtime-requirements.txt"


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
        return self.project_url(DIST_NAME)

    def project_url(self, project: str) -> str:
        base = re.sub(r"/(legacy/?)?$", "", self.upload_url.rstrip("/"))
        return f"{base}/simple/{canonicalize_name(project)}/"


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
    stem = f"{DIST_NAME.replace('-', '_')}-{version}"
    files = index_files(repo, DIST_NAME)
    return sorted(f for f in files if f.replace("-", "_").startswith(stem.replace("-", "_")) and version in f)


def index_files(repo: Repository, project: str) -> set[str]:
    """The file names the index lists for ``project`` (its own answer only, see above)."""
    url = repo.project_url(project)
    auth = (repo.username, repo.password) if repo.username and repo.password else None
    try:
        response = httpx.get(url, auth=auth, timeout=30, follow_redirects=False)
    except httpx.HTTPError as error:
        raise BuildError(f"{redact_url(url)}: the index did not answer ({type(error).__name__})") from None
    if response.status_code == 404 or response.is_redirect:
        return set()
    if response.status_code != 200:
        raise BuildError(f"{redact_url(url)}: HTTP {response.status_code} while checking existing versions")
    return set(re.findall(r'href="[^"]*?/?([^/"#]+)(?:#[^"]*)?"', response.text))


def preflight(repo: Repository) -> str:
    """Refuse, before building anything, to publish something other than the released tree,
    or without credentials, or to an index that does not answer.

    Returns the version to publish. Each refusal is one line saying what to run.
    """
    if not (repo.username and repo.password):
        raise BuildError(
            f"no credentials for {repo.shown_url}: set TWINE_USERNAME and TWINE_PASSWORD, or username "
            "and password in the .pypirc section (nothing was built)"
        )
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


def pins_for(python: str, pins: Path = RUNTIME_PINS) -> str:
    """The pins that apply on ``python`` (their markers evaluated for it, not for the Python
    running this: pip would evaluate them for itself)."""
    lines = []
    for line in pins.read_text(encoding="utf-8").splitlines():
        text = line.split("#", 1)[0].strip()
        if text:
            requirement = Requirement(text)
            environment = {"python_version": python, "python_full_version": f"{python}.0"}
            if requirement.marker is None or requirement.marker.evaluate(environment):
                lines.append(f"{requirement.name}{requirement.specifier}")
    return "\n".join(lines) + "\n"


def find_python(version: str) -> str | None:
    """An interpreter of ``version`` (``3.10``): pyenv's newest, else ``python3.10`` on PATH."""
    pyenv = sorted(
        Path.home().glob(f".pyenv/versions/{version}.*/bin/python3"),
        key=lambda path: [int(part) for part in re.findall(r"\d+", path.parent.parent.name)],
    )
    return str(pyenv[-1]) if pyenv else shutil.which(f"python{version}")


def dependency_wheels(wheel: Path, out: Path) -> list[Path]:
    """Wheels of everything ``wheel`` needs at run time, at the versions the runtime tests pin
    (tests/runtime-requirements.txt; a package it does not pin: the newest), for each Python
    the package claims, on this platform: what an index serving nothing else needs for
    ``pip install`` to work.

    Each Python's own pip resolves them, so that dependencies' markers are evaluated for it
    (``exceptiongroup`` only on 3.10). Without that interpreter, pip is told the version
    (``--python-version``), and evaluates markers for the Python running this: a warning says so.
    """
    for python in RUNTIME_PYTHONS:
        interpreter = find_python(python)
        if interpreter is not None:
            command = [interpreter, "-m", "pip", "download", "--constraint", str(RUNTIME_PINS)]
        else:
            print(
                f"warning: no Python {python} here: its dependency wheels are chosen by tags only "
                f"(dependencies that only {python} needs may be missing)",
                file=sys.stderr,
            )
            constraints = out / f"pins-{python}.txt"
            constraints.write_text(pins_for(python), encoding="utf-8")
            command = [sys.executable, "-m", "pip", "download", "--python-version", python,
                       "--constraint", str(constraints)]  # fmt: skip
        done = subprocess.run(
            [*command, "--quiet", "--disable-pip-version-check", "--only-binary=:all:", "--dest", str(out),
             str(wheel)],
            capture_output=True,
            text=True,
            check=False,
        )  # fmt: skip
        if done.returncode != 0:
            tail = redact_urls_in((done.stderr or done.stdout).strip()).splitlines()[-3:]
            raise BuildError(
                f"downloading the dependencies' wheels for Python {python} failed: " + " ".join(tail)
            )
    return sorted(p for p in out.glob("*.whl") if p.name != wheel.name)


def _project(wheel: Path) -> str:
    return wheel.name.split("-", 1)[0]  # a wheel's name starts with its (escaped) project name


def _upload(repo: Repository, files: list[Path]) -> None:
    uploaded = subprocess.run(
        [sys.executable, "-m", "twine", "upload", "--non-interactive", "--disable-progress-bar",
         *repo.twine_args, *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "TWINE_USERNAME": repo.username or "", "TWINE_PASSWORD": repo.password or ""},
    )  # fmt: skip
    output = redact_urls_in(_redact(f"{uploaded.stdout}\n{uploaded.stderr}".strip(), repo.password))
    if uploaded.returncode != 0:
        reason = next((line for line in output.splitlines() if "ERROR" in line), output[-500:])
        reason = " ".join(reason.replace("ERROR", "").split())
        hint = " (check the credentials)" if re.search(r"\b(401|403)\b", reason) else ""
        raise BuildError(f"upload to {repo.shown_url} failed: {reason}{hint}")


def publish(repo: Repository, *, dist_dir: Path | None = None, with_dependencies: bool = False) -> list[Path]:
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
        with tempfile.TemporaryDirectory() as fetched:
            dependencies = dependency_wheels(wheels[0], Path(fetched)) if with_dependencies else []
            # first: a version of ours is never on the index without what it needs; files the
            # index has already are left out (twine's --skip-existing works with PyPI only)
            missing = [
                wheel for wheel in dependencies if wheel.name not in index_files(repo, _project(wheel))
            ]
            if missing:
                _upload(repo, missing)
        _upload(repo, files)
        return [*dependencies, *files]
