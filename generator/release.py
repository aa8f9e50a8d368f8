"""Versions and the changelog, computed from what changed in the API since the last release.

One source of truth for the version: ``overlays/conductorone/_version.py`` (the package
reads it, the wheel's metadata comes from it). ``spec/release.json`` records which
document the current version was released from (its sha256); the document itself is found
again in git history by that hash, or given with ``--since``.

The bump, from the diff (generator/diff.py): breaking -> major, additive -> minor, else
patch. While the major version is 0 (semver's "anything may change"), each bump moves one
place right, as Cargo and npm's caret ranges read 0.x: breaking -> 0.(y+1).0, anything
else -> 0.y.(z+1). Release 1.0.0 by hand (``--version``) when the API is stable to you.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
import subprocess
import tempfile
from pathlib import Path

import attrs
from packaging.version import InvalidVersion, Version

from . import build as build_module
from . import diff
from .atomic import write_atomically
from .errors import BuildError
from .loader import Document, load_openapi
from .lock import NameLock

ROOT = Path(__file__).resolve().parent.parent
VERSION_FILE = ROOT / "overlays" / "conductorone" / "_version.py"
CHANGELOG = ROOT / "CHANGELOG.md"
RELEASE_RECORD = ROOT / "spec" / "release.json"
_VERSION_LINE = re.compile(r'^__version__ = "([^"]+)"$', re.MULTILINE)
CHANGELOG_TITLE = "# Changelog"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_version(path: Path = VERSION_FILE) -> Version:
    match = _VERSION_LINE.search(path.read_text(encoding="utf-8"))
    if match is None:
        raise BuildError(f"{path}: no line '__version__ = \"X.Y.Z\"'")
    try:
        return Version(match.group(1))
    except InvalidVersion:
        raise BuildError(f"{path}: {match.group(1)!r} is not a version") from None


def write_version(version: Version, path: Path = VERSION_FILE) -> None:
    text = path.read_text(encoding="utf-8")
    write_atomically(path, _VERSION_LINE.sub(f'__version__ = "{version}"', text, count=1))


def next_version(current: Version, bump: str) -> Version:
    major, minor, patch = (*current.release, 0, 0, 0)[:3]
    if major == 0:
        return Version(f"0.{minor + 1}.0" if bump == diff.MAJOR else f"0.{minor}.{patch + 1}")
    if bump == diff.MAJOR:
        return Version(f"{major + 1}.0.0")
    if bump == diff.MINOR:
        return Version(f"{major}.{minor + 1}.0")
    return Version(f"{major}.{minor}.{patch + 1}")


@attrs.frozen
class ReleaseRecord:
    version: str
    sha256: str
    date: str

    @classmethod
    def read(cls, path: Path = RELEASE_RECORD) -> ReleaseRecord | None:
        if not path.exists():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(version=data["version"], sha256=data["sha256"], date=data["date"])
        except (ValueError, KeyError, TypeError) as error:
            raise BuildError(f"{path}: not a release record ({error})") from None

    def write(self, path: Path = RELEASE_RECORD) -> None:
        write_atomically(path, json.dumps(attrs.asdict(self), indent=2) + "\n")


@attrs.frozen
class Released:
    document: Path  # a temporary copy: the caller removes it
    lock: NameLock | None  # the name lock committed with it (how that client was named)


def released_document(record: ReleaseRecord, spec: Path) -> Released:
    """The document released as ``record``, found in git history by its sha256 (written to a
    temp file), and the name lock of that commit."""
    try:
        relative = spec.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        raise BuildError(
            f"{spec} is outside this repository, so its released version cannot be found in git history; "
            "pass --since FILE with the previously released document"
        ) from None
    commits = _git("log", "--format=%H", "--", relative).split()
    for commit in commits:
        content = subprocess.run(
            ["git", "show", f"{commit}:{relative}"], cwd=ROOT, capture_output=True, check=False
        ).stdout
        if hashlib.sha256(content).hexdigest() == record.sha256:
            handle, name = tempfile.mkstemp(prefix="released-", suffix=spec.suffix)
            with os.fdopen(handle, "wb") as out:
                out.write(content)
            return Released(Path(name), _lock_at(commit))
    raise BuildError(
        f"the document released as {record.version} (sha256 {record.sha256[:12]}…) is not in the git history "
        f"of {relative}; pass --since FILE with that document"
    )


def _lock_at(commit: str) -> NameLock | None:
    """The vendored document's name lock as committed in ``commit`` (None if it had none)."""
    relative = build_module.DEFAULT_LOCK.relative_to(ROOT).as_posix()
    shown = subprocess.run(
        ["git", "show", f"{commit}:{relative}"], cwd=ROOT, capture_output=True, check=False
    )
    if shown.returncode != 0:
        return None
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "names.lock.json"
        path.write_bytes(shown.stdout)
        return NameLock.read(path)


def _git(*args: str) -> str:
    done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BuildError(f"git {' '.join(args)} failed: {done.stderr.strip() or done.returncode}")
    return done.stdout


_RANK = {"patch": 0, "minor": 1, "major": 2}


def moved(previous: Version, version: Version) -> str:
    """Which number moved, in words: ``0.1.0 -> 0.2.0`` moved the minor number."""
    for index, name in enumerate(("major", "minor", "patch")):
        if previous.release[index : index + 1] != version.release[index : index + 1]:
            return f"The {name} number moved"
    return "No number moved"


@attrs.frozen
class Release:
    previous: Version
    version: Version
    bump: str
    changes: list[diff.Change]
    entry: str


def plan(
    spec: Path,
    *,
    since: Path | None = None,
    record: ReleaseRecord | None = None,
    current: Version | None = None,
    today: datetime.date | None = None,
    force_bump: str | None = None,
    allow_lower_bump: bool = False,
) -> Release:
    """What ``release`` would write: nothing is changed here.

    A ``force_bump`` lower than the changes require is refused unless ``allow_lower_bump``
    (then the entry says so).
    """
    current = current or read_version()
    record = record if record is not None else ReleaseRecord.read()
    new_doc = load_openapi(spec)
    inputs = build_module.BuildInputs.from_options(spec, None)
    new_lock = NameLock.read(inputs.lock) if inputs.lock is not None else None
    old_lock = new_lock  # with --since: the current lock names both
    if since is not None:
        old_doc: Document | None = load_openapi(since)
    elif record is not None:
        if record.sha256 == sha256(spec) and force_bump is None:
            raise BuildError(
                f"{spec.name} is the document released as {record.version}: nothing to release "
                "(pass --bump patch to release generator or client changes anyway)"
            )
        found = released_document(record, spec)
        try:
            old_doc = load_openapi(found.document)
        finally:
            found.document.unlink(missing_ok=True)
        if found.lock is not None and inputs.lock is not None:
            old_lock = found.lock
    else:
        old_doc = None
    # the clients' changes: both documents after the build's overlays, each named by the lock
    # its client was built with
    comparison = (
        diff.compare_clients(old_doc, new_doc, overlays=inputs.overlays, lock=old_lock, new_lock=new_lock)
        if old_doc is not None
        else diff.Comparison([])
    )
    changes = comparison.changes
    required = diff.bump(changes) if old_doc is not None else diff.PATCH
    bump = force_bump or required
    lowered = _RANK[bump] < _RANK[required]
    if lowered and not allow_lower_bump:
        raise BuildError(
            f"--bump {bump} is lower than the changes require ({required}: "
            f"{sum(1 for c in changes if c.breaking)} breaking); drop --bump, or pass --allow-lower-bump"
        )
    version = next_version(current, bump) if old_doc is not None or force_bump else current
    day = (today or datetime.datetime.now(datetime.timezone.utc).date()).isoformat()
    since_label = str(since) if since is not None else (record.version if record else "nothing")
    body = (
        diff.to_markdown(changes, since_label, str(version), heading="###", absorbed=comparison.absorbed)
        if old_doc is not None
        else "First release: no earlier document to compare with."
    )
    which = moved(current, version)
    note = f" Lower than the changes require ({required}), by --allow-lower-bump." if lowered else ""
    entry = (
        f"## {version} ({day})\n\nFrom `{spec.name}` (sha256 {sha256(spec)[:12]}…). "
        f"{which}: {current} -> {version} (changes: {required}).{note}\n\n{body}".rstrip()
        + "\n"
    )
    return Release(previous=current, version=version, bump=bump, changes=changes, entry=entry)


def apply(release: Release, spec: Path, today: datetime.date | None = None) -> None:
    """Write the version, the changelog entry (prepended) and the release record."""
    day = (today or datetime.datetime.now(datetime.timezone.utc).date()).isoformat()
    existing = CHANGELOG.read_text(encoding="utf-8") if CHANGELOG.exists() else f"{CHANGELOG_TITLE}\n"
    rest = existing.removeprefix(CHANGELOG_TITLE).lstrip("\n")
    changelog = f"{CHANGELOG_TITLE}\n\n{release.entry}\n{rest}".rstrip() + "\n"
    write_version(release.version)
    write_atomically(CHANGELOG, changelog)
    # Names retired since the previous release may be given to new schemas from now on.
    lock = build_module.DEFAULT_LOCK
    if lock.exists():
        write_atomically(lock, NameLock.read(lock).released().to_json())
    ReleaseRecord(version=str(release.version), sha256=sha256(spec), date=day).write()
