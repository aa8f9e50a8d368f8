"""Replace the vendored document with a new one, regenerate, and say what changed.

All or nothing: the new document is checked (YAML/JSON, OpenAPI 3.x, every ``$ref``
resolves) and the client is built from it before anything is kept; if any step fails, the
previous document, its record and ``generated/`` are as they were.
"""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
import json
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from . import build as build_module
from . import diff
from .atomic import write_atomically
from .errors import BuildError
from .loader import load_openapi

SOURCE_RECORD_SUFFIX = ".source.json"


def record_path(spec: Path) -> Path:
    return spec.with_name(spec.name.removesuffix(".yaml").removesuffix(".json") + SOURCE_RECORD_SUFFIX)


def check_download_url(url: str) -> None:
    """https anywhere; plain http only from this machine (a document is code we generate from)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme == "https" and host:
        return
    if parts.scheme == "http":
        try:
            if host == "localhost" or ipaddress.ip_address(host).is_loopback:
                return
        except ValueError:
            pass
    raise BuildError(f"{url}: only https URLs (or http on a loopback host) are fetched")


def fetch(source: str, timeout: float = 60) -> bytes:
    """The bytes of a document at a path or an http(s) URL."""
    if "://" in source:
        check_download_url(source)
        try:
            response = httpx.get(source, timeout=timeout, follow_redirects=True)
        except httpx.HTTPError as error:
            raise BuildError(f"{source}: download failed: {error}") from None
        if response.status_code != 200:
            raise BuildError(f"{source}: download failed: HTTP {response.status_code}")
        return response.content
    path = Path(source)
    if not path.is_file():
        raise BuildError(f"{source}: no such file")
    return path.read_bytes()


def vendor(
    source: str,
    *,
    spec: Path = build_module.DEFAULT_SPEC,
    overlay_dir: Path | None = None,
    use_overlays: bool = True,
    out: Path = build_module.DEFAULT_OUT,
    today: datetime.date | None = None,
    verify: str | None = "fast",
    lock: Path | None = None,
) -> list[diff.Change]:
    """Vendor ``source`` as ``spec``, rebuild ``out``, and return the changes from the previous document."""
    content = fetch(source)
    with tempfile.TemporaryDirectory() as scratch:
        candidate = Path(scratch) / spec.name
        candidate.write_bytes(content)
        new_doc = load_openapi(candidate)  # fails here, naming the problem, for a bad document
    old_doc = load_openapi(spec) if spec.exists() else None
    previous_spec = spec.read_bytes() if spec.exists() else None
    record = record_path(spec)
    previous_record = record.read_text(encoding="utf-8") if record.exists() else None
    day = (today or datetime.datetime.now(datetime.timezone.utc).date()).isoformat()
    provenance = {
        "document": spec.name,
        "source": source,
        "date": day,
        "sha256": hashlib.sha256(content).hexdigest(),
    }
    write_atomically(spec, content)
    try:
        inputs = build_module.BuildInputs.from_options(spec, overlay_dir, use_overlays, lock)
        # atomic: on failure out is untouched; verify None/"fast"/"thorough" as for build
        build_module.build(inputs, out, verify_models=verify is not None, thorough=verify == "thorough")
        write_atomically(record, json.dumps(provenance, indent=2) + "\n")
    except BaseException:
        if previous_spec is None:
            spec.unlink(missing_ok=True)
        else:
            write_atomically(spec, previous_spec)
        if previous_record is not None:
            write_atomically(record, previous_record)
        raise
    return diff.compare(old_doc, new_doc) if old_doc is not None else []
