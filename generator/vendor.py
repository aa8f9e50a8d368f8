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
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import attrs
import httpx

from . import build as build_module
from . import diff
from .atomic import write_atomically
from .errors import BuildError
from .loader import Document, load_openapi
from .lock import NameLock
from .redact import redact_url, redact_urls_in

SOURCE_RECORD_SUFFIX = ".source.json"


TENANT_DOCUMENT_PATH = "/api/v1/openapi.yaml"  # where each tenant serves its API document
_TENANT = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")
_HOST = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+")


def record_path(spec: Path) -> Path:
    return spec.with_name(spec.name.removesuffix(".yaml").removesuffix(".json") + SOURCE_RECORD_SUFFIX)


def tenant_document_url(tenant: str) -> str:
    """``acme`` (or ``acme.conductor.one``) -> ``https://acme.conductor.one/api/v1/openapi.yaml``:
    the document a tenant serves, the one ConductorOne's own SDK pipelines read."""
    name = tenant.strip().lower()
    if _TENANT.fullmatch(name):
        name = f"{name}.conductor.one"
    elif not _HOST.fullmatch(name):
        raise BuildError(f"--tenant {tenant!r}: not a tenant name (letters, digits, '-') or host name")
    return f"https://{name}{TENANT_DOCUMENT_PATH}"


def recorded_source(spec: Path) -> str:
    """Where the vendored document came from (its record), to fetch it again."""
    record = record_path(spec)
    try:
        source = json.loads(record.read_text(encoding="utf-8"))["source"]
    except (OSError, ValueError, KeyError, TypeError):
        raise BuildError(
            f"{record}: no recorded source to fetch again; say where: vendor URL_OR_PATH, or --tenant NAME"
        ) from None
    if not isinstance(source, str) or "***" in source:
        raise BuildError(
            f"{record}: the recorded source had credentials, which are never recorded; pass the URL again"
        )
    if "://" not in source and not Path(source).is_file():
        raise BuildError(
            f"{record}: the vendored document was not fetched from anywhere ({source[:60]}…): "
            "vendor your tenant's document first, with --tenant NAME or its URL"
        )
    return source


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
    raise BuildError(f"{redact_url(url)}: only https URLs (or http on a loopback host) are fetched")


MAX_REDIRECTS = 5
# A document is at most this large (2026-02's is 1.5 MB), and its download (every redirect
# and byte) takes at most this long: an endless or dripping body cannot hold the build.
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
DEFAULT_DEADLINE = 120.0


@attrs.frozen
class Fetched:
    content: bytes
    final_url: str | None  # where the bytes came from after redirects (None for a file)


def fetch(source: str, *, max_bytes: int = DEFAULT_MAX_BYTES, deadline: float = DEFAULT_DEADLINE) -> Fetched:
    """The bytes of a document at a path or an http(s) URL.

    Redirects are followed one hop at a time and every hop must pass the same rule as the
    first URL (https, or http between loopback hosts): a redirect cannot downgrade a
    download to plain http or send it to another machine in the clear. The whole download
    stops with an error past ``max_bytes`` (decoded) or ``deadline`` seconds.
    """
    if "://" not in source:
        path = Path(source)
        if not path.is_file():
            raise BuildError(f"{source}: no such file")
        if path.stat().st_size > max_bytes:
            raise BuildError(f"{source}: larger than {max_bytes:,} bytes (--max-bytes)")
        return Fetched(path.read_bytes(), None)
    url = source
    check_download_url(url)
    shown = redact_url(source)
    ends = time.monotonic() + deadline

    def remaining() -> float:
        left = ends - time.monotonic()
        if left <= 0:
            raise BuildError(f"{shown}: the download took longer than {deadline:g} s (--deadline)")
        return left

    with httpx.Client(follow_redirects=False) as client:
        for _hop in range(MAX_REDIRECTS + 1):
            try:
                with client.stream("GET", url, timeout=min(60.0, remaining())) as response:
                    if response.is_redirect:
                        target = str(response.url.join(response.headers["location"]))
                    elif response.status_code != 200:
                        raise BuildError(f"{redact_url(url)}: download failed: HTTP {response.status_code}")
                    else:
                        return Fetched(_read(response, max_bytes, remaining, shown), url)
            except httpx.HTTPError as error:
                raise BuildError(
                    f"{redact_url(url)}: download failed: {type(error).__name__}: {redact_urls_in(str(error))}"
                ) from None
            try:
                check_download_url(target)
            except BuildError:
                raise BuildError(
                    f"{shown}: redirected from {redact_url(url)} to {redact_url(target)}: "
                    "only https URLs (or http on a loopback host) are fetched"
                ) from None
            url = target
    raise BuildError(f"{shown}: more than {MAX_REDIRECTS} redirects")


def _read(response: httpx.Response, max_bytes: int, remaining: Callable[[], float], shown: str) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes and "content-encoding" not in response.headers:
        raise BuildError(f"{shown}: the document is larger than {max_bytes:,} bytes (--max-bytes)")
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise BuildError(f"{shown}: the document is larger than {max_bytes:,} bytes (--max-bytes)")
        chunks.append(chunk)
        remaining()  # raises past the deadline, however slowly the bytes come
    return b"".join(chunks)


CHANGED = 3  # the exit code of `vendor --check` when the document changed


@attrs.frozen
class Check:
    changed: bool
    comparison: diff.Comparison


def client_comparison(
    old_doc: Document, new_doc: Document, inputs: build_module.BuildInputs
) -> diff.Comparison:
    """What vendoring ``new_doc`` over ``old_doc`` changes in the client: both after the
    build's overlays, named by the build's lock (the one that names the vendored client now,
    and that a build of the new document starts from)."""
    lock = NameLock.read(inputs.lock) if inputs.lock is not None else None
    return diff.compare_clients(old_doc, new_doc, overlays=inputs.overlays, lock=lock)


def check(
    source: str,
    *,
    spec: Path = build_module.DEFAULT_SPEC,
    lock: Path | None = None,
    overlay_dir: Path | None = None,
    use_overlays: bool = True,
    **limits: Any,
) -> Check:
    """Would vendoring ``source`` change anything? Reads and checks it; writes nothing.
    ``limits``: ``max_bytes`` and ``deadline`` for :func:`fetch`."""
    fetched = fetch(source, **limits)
    with tempfile.TemporaryDirectory() as scratch:
        candidate = Path(scratch) / spec.name
        candidate.write_bytes(fetched.content)
        try:
            new_doc = load_openapi(candidate)
        except BuildError as error:
            raise BuildError(str(error).replace(str(candidate), redact_url(source))) from None
    if (
        spec.exists()
        and hashlib.sha256(fetched.content).hexdigest() == hashlib.sha256(spec.read_bytes()).hexdigest()
    ):
        return Check(False, diff.Comparison([]))
    if not spec.exists():
        return Check(True, diff.Comparison([]))
    inputs = build_module.BuildInputs.from_options(spec, overlay_dir, use_overlays, lock)
    return Check(True, client_comparison(load_openapi(spec), new_doc, inputs))


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
    **limits: Any,
) -> diff.Comparison:
    """Vendor ``source`` as ``spec``, rebuild ``out``, and return what changed in the client."""
    fetched = fetch(source, **limits)
    content = fetched.content
    with tempfile.TemporaryDirectory() as scratch:
        candidate = Path(scratch) / spec.name
        candidate.write_bytes(content)
        try:
            new_doc = load_openapi(candidate)  # fails here, naming the problem, for a bad document
        except BuildError as error:  # name what the user gave, not the scratch copy
            raise BuildError(str(error).replace(str(candidate), redact_url(source))) from None
    old_doc = load_openapi(spec) if spec.exists() else None
    inputs = build_module.BuildInputs.from_options(spec, overlay_dir, use_overlays, lock)
    # before the build: it updates the lock, and the old client was named by the lock as it is
    comparison = client_comparison(old_doc, new_doc, inputs) if old_doc is not None else diff.Comparison([])
    previous_spec = spec.read_bytes() if spec.exists() else None
    record = record_path(spec)
    previous_record = record.read_text(encoding="utf-8") if record.exists() else None
    day = (today or datetime.datetime.now(datetime.timezone.utc).date()).isoformat()
    provenance = {
        "document": spec.name,
        "source": redact_url(source),
        **(
            {"final_url": redact_url(fetched.final_url)}
            if fetched.final_url and fetched.final_url != source
            else {}
        ),
        "date": day,
        "sha256": hashlib.sha256(content).hexdigest(),
    }
    write_atomically(spec, content)
    try:
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
    return comparison
