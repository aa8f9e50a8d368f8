"""Profiles in cone's file: ``~/.conductorone/config.yaml`` (the folder moved by
``CONE_CONFIG_PATH``), ``profiles: {<name>: {client-id: ..., client-secret: ...}}``.

Read as cone writes it (``client-id``/``client-secret``, or ``client_id``/``client_secret`` as
its example file spells them); written keeping every other profile and key, atomically, the
file ``0600`` in a ``0700`` folder. cone writes the file readable by others (``0644``): such a
file is read, with one warning naming the file and the ``chmod`` that fixes it.
"""

from __future__ import annotations

import os
import stat
import tempfile
import threading
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from ._exceptions import CredentialsError

ENV_CONFIG_PATH = "CONE_CONFIG_PATH"
CONFIG_FOLDER = ".conductorone"
CONFIG_FILE = "config.yaml"
DEFAULT_PROFILE = "default"
# (ours, cone's example file's) spellings of each key
ID_KEYS = ("client-id", "client_id")
SECRET_KEYS = ("client-secret", "client_secret")

_warned: set[str] = set()
_warned_lock = threading.Lock()


class ProfilePermissionWarning(UserWarning):
    """The profile file can be read by other users of this machine."""


@attrs.frozen(repr=False)
class Profile:
    """One profile's credentials and where they were read from (the secret never shown)."""

    name: str
    client_id: str
    client_secret: str
    path: Path

    def __repr__(self) -> str:
        return f"Profile(name={self.name!r}, client_id={self.client_id!r}, path='{self.path}', client_secret=<redacted>)"

    def __reduce__(self) -> Any:  # pickling would write the secret out; refuse instead
        raise TypeError("a Profile holds a client secret and cannot be pickled")


def config_path(environ: Mapping[str, str] | None = None) -> Path:
    """The profile file: ``$CONE_CONFIG_PATH/config.yaml``, else ``~/.conductorone/config.yaml``."""
    env = os.environ if environ is None else environ
    folder = env.get(ENV_CONFIG_PATH) or str(Path.home() / CONFIG_FOLDER)
    return Path(folder).expanduser() / CONFIG_FILE


def _yaml() -> Any:
    try:
        import yaml
    except ImportError:  # pragma: no cover - a runtime dependency; a broken install says so
        raise CredentialsError("reading profiles needs PyYAML (pip install pyyaml)") from None
    return yaml


def _read(path: Path) -> dict[str, Any]:
    """The whole file as a mapping ({} when it does not exist)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeError) as error:
        raise CredentialsError(f"cannot read the profile file {path}: {type(error).__name__}") from None
    yaml = _yaml()
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        # no snippet of the file: it holds secrets
        raise CredentialsError(f"the profile file {path} is not valid YAML{where}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise CredentialsError(f"the profile file {path} is not a mapping of settings")
    return data


def _warn_if_readable(path: Path) -> None:
    try:
        mode = path.stat().st_mode
    except OSError:
        return
    if not mode & (stat.S_IRWXG | stat.S_IRWXO) or os.name != "posix":
        return
    with _warned_lock:
        if str(path) in _warned:
            return
        _warned.add(str(path))
    warnings.warn(
        f"{path} holds client secrets and can be read by other users of this machine "
        f"(mode {stat.filemode(mode)}); make it private: chmod 600 {path}",
        ProfilePermissionWarning,
        stacklevel=4,
    )


def _value(entry: Mapping[str, Any], keys: tuple[str, ...], what: str, name: str, path: Path) -> str:
    found = [entry[key] for key in keys if entry.get(key) not in (None, "")]
    if not found:
        raise CredentialsError(f"profile {name!r} in {path} has no {keys[0]} (or {keys[1]})")
    if len(found) > 1 and found[0] != found[1]:
        raise CredentialsError(
            f"profile {name!r} in {path} has both {keys[0]} and {keys[1]}, and they differ"
        )
    if not isinstance(found[0], str):
        raise CredentialsError(f"profile {name!r} in {path}: {what} is not a string")
    return found[0]


def load_profile(name: str = DEFAULT_PROFILE, path: Path | None = None) -> Profile:
    """The credentials of profile ``name``; CredentialsError naming the file and profile when
    the file or the profile is missing or malformed."""
    found = find_profile(name, path, required=True)
    assert found is not None  # required: a missing one raised
    return found


def find_profile(name: str, path: Path | None = None, *, required: bool = False) -> Profile | None:
    """:func:`load_profile`, or None when the file or the profile is missing (and not
    ``required``); the file is read once either way."""
    path = path or config_path()
    data = _read(path)
    profiles = data.get("profiles")
    if not data and not path.exists():
        if not required:
            return None
        raise CredentialsError(
            f"no profile {name!r}: {path} does not exist (python -m conductorone login <tenant>)"
        )
    if not isinstance(profiles, dict) or name not in profiles:
        if not required:
            return None
        known = sorted(map(str, profiles)) if isinstance(profiles, dict) else []
        listed = f" (it has {', '.join(map(repr, known))})" if known else ""
        raise CredentialsError(f"no profile {name!r} in {path}{listed}")
    entry = profiles[name]
    if not isinstance(entry, dict):
        raise CredentialsError(f"profile {name!r} in {path} is not a mapping")
    _warn_if_readable(path)
    return Profile(
        name=name,
        client_id=_value(entry, ID_KEYS, "the client ID", name, path),
        client_secret=_value(entry, SECRET_KEYS, "the client secret", name, path),
        path=path,
    )


def save_profile(name: str, client_id: str, client_secret: str, path: Path | None = None) -> Path:
    """Store credentials under profile ``name``, keeping every other profile and key; the file is
    replaced atomically (a reader sees the old file or the new one), ``0600`` in a ``0700`` folder."""
    from ._credentials import ClientId, ClientSecret

    path = path or config_path()
    if not name or not isinstance(name, str):
        raise ValueError("a profile needs a name")
    ClientId(client_id)  # what is stored must work when read: CredentialsError now, not later
    ClientSecret(client_secret)
    data = _read(path)
    profiles = data.get("profiles")
    if profiles is None:
        profiles = data["profiles"] = {}
    if not isinstance(profiles, dict):
        raise CredentialsError(f"'profiles' in {path} is not a mapping: not overwriting it")
    entry = profiles.get(name)
    entry = dict(entry) if isinstance(entry, dict) else {}
    for key in (*ID_KEYS, *SECRET_KEYS):  # one spelling only, so that no stale value lingers
        entry.pop(key, None)
    entry.update({ID_KEYS[0]: client_id, SECRET_KEYS[0]: client_secret})
    profiles[name] = entry
    text = _yaml().safe_dump(data, default_flow_style=False, sort_keys=False, allow_unicode=True)
    try:
        _write_private(path, text)
    except OSError as error:  # a folder that is a file, no permission, a full disk...
        raise CredentialsError(
            f"cannot write the profile file {path}: {type(error).__name__}: {error.strerror or error}"
        ) from None
    with _warned_lock:
        _warned.discard(str(path))
    return path


def _write_private(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` atomically, the file ``0600`` in a ``0700`` folder."""
    folder = path.parent
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    descriptor, temporary = tempfile.mkstemp(prefix=".config.", suffix=".tmp", dir=folder)  # mode 0600
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
