"""The build: document -> overlays -> passes -> code, staged and swapped in atomically."""

from __future__ import annotations

import filecmp
import json
import os
import shutil
import tempfile
from pathlib import Path

import attrs

from . import codegen, verify
from .atomic import write_atomically
from .codegen import Counts
from .errors import BuildError, DocumentError, IncompleteBuild, VerificationFailed
from .loader import json_pointer, load_openapi
from .lock import NameLock
from .overlay import apply_overlay_file, overlay_paths
from .passes import normalise
from .passes.schemas import operations

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SPEC = ROOT / "spec" / "conductorone.openapi.yaml"
DEFAULT_OVERLAYS = ROOT / "spec" / "overlays"
DEFAULT_OUT = ROOT / "generated"
DEFAULT_LOCK = ROOT / "spec" / "names.lock.json"


@attrs.frozen
class BuildInputs:
    spec: Path = DEFAULT_SPEC
    overlays: tuple[Path, ...] = ()
    lock: Path | None = None  # the name lock read and updated; None: names from the rules alone

    @classmethod
    def from_options(
        cls, spec: Path | None, overlay_dir: Path | None, use_overlays: bool = True, lock: Path | None = None
    ) -> BuildInputs:
        """The vendored document uses spec/names.lock.json; another document only the ``lock`` given."""
        overlays = tuple(overlay_paths(overlay_dir or DEFAULT_OVERLAYS)) if use_overlays else ()
        spec = spec or DEFAULT_SPEC
        if lock is None and spec.resolve() == DEFAULT_SPEC:
            lock = DEFAULT_LOCK
        return cls(spec=spec, overlays=overlays, lock=lock)


@attrs.frozen
class Rendered:
    counts: Counts
    names: NameLock  # the lock as this build leaves it


def render(
    inputs: BuildInputs, out_dir: Path, *, verify_models: bool = True, thorough: bool = False
) -> Rendered:
    """Write the generated tree for ``inputs`` into ``out_dir``, which must not exist yet.

    With ``verify_models`` the generated models are checked on instances of the original
    schemas (``generator/verify``); a failure raises :class:`BuildError`.
    """
    doc = load_openapi(inputs.spec)
    for overlay in inputs.overlays:
        apply_overlay_file(doc, overlay)
    original_json = json.dumps(doc)  # the document as written (after our overlays), for verify
    session = (
        verify.Session(json.loads(original_json), original_json, thorough=thorough) if verify_models else None
    )
    lock = NameLock.read(inputs.lock)
    try:
        try:
            normalise(doc, lock)
        except DocumentError as err:
            raise BuildError(f"{inputs.spec}: at {json_pointer(err.pointer)}: {err.problem}") from None
        if not any(operations(doc)):
            applied = (
                f" after the overlays ({', '.join(o.name for o in inputs.overlays)})"
                if inputs.overlays
                else ""
            )
            raise BuildError(
                f"{inputs.spec}: no operations to generate{applied}; the previous client is kept"
            )
        out_dir.mkdir(parents=True)
        generated = codegen.generate(doc, out_dir / codegen.PACKAGE_NAME, document_source=inputs.spec)
        if session is None:
            return Rendered(generated.counts, lock.updated(doc))
        checks = verify.targets(
            session.original,
            doc,
            generated.operations,
            codegen.class_name,
            session.candidates,
            package=codegen.PACKAGE_NAME,
            model_classes=generated.model_classes,
        )
        result = session.finish(out_dir, checks)
    finally:
        if session is not None:
            session.close()
    counts = attrs.evolve(
        generated.counts,
        models_verified=result.models_verified,
        instances_checked=result.instances_checked,
        instances_discarded=result.instances_discarded,
        verification_failures=len(result.failures),
        verification_unsupported=list(result.unsupported),
    )
    if result.failures:
        shown = "\n  ".join(result.failures[:10])
        more = f"\n  ... and {len(result.failures) - 10} more" if len(result.failures) > 10 else ""
        raise VerificationFailed(
            f"{inputs.spec}: {len(result.failures)} generated model(s) do not read valid data "
            f"(--no-verify skips this check):\n  {shown}{more}",
            counts,
        )
    return Rendered(counts, lock.updated(doc))


def build(
    inputs: BuildInputs,
    out_dir: Path = DEFAULT_OUT,
    *,
    allow_incomplete: bool = False,
    verify_models: bool = True,
    thorough: bool = False,
) -> Counts:
    """Regenerate ``out_dir``; on any failure the previous ``out_dir`` is left as it was.

    An incomplete result (see :meth:`Counts.shortfalls`) is a failure unless allowed.
    """
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    # Stage beside the target so the final renames stay on one filesystem.
    staging = Path(tempfile.mkdtemp(prefix=f".build-{out_dir.name}-", dir=out_dir.parent))
    try:
        rendered = render(inputs, staging / "out", verify_models=verify_models, thorough=thorough)
        counts = rendered.counts
        if counts.shortfalls() and not allow_incomplete:
            raise IncompleteBuild(
                f"{inputs.spec}: incomplete client: {', '.join(counts.shortfalls())}", counts
            )
        _swap_in(staging / "out", out_dir)
        if inputs.lock is not None:
            write_atomically(inputs.lock, rendered.names.to_json().encode())
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return counts


def _swap_in(new: Path, target: Path) -> None:
    if not target.exists():
        os.rename(new, target)
        return
    old = new.parent / "old"
    os.rename(target, old)
    try:
        os.rename(new, target)
    except OSError:
        os.rename(old, target)  # put the previous tree back before reporting
        raise


def differences(inputs: BuildInputs, out_dir: Path = DEFAULT_OUT) -> list[str]:
    """Files under ``out_dir`` that differ from what ``build`` would write now (relative paths)."""
    with tempfile.TemporaryDirectory(prefix="conductorone-check-") as scratch:
        fresh = Path(scratch) / "out"
        rendered = render(inputs, fresh, verify_models=False)
        stale = []
        if inputs.lock is not None:
            current = inputs.lock.read_text(encoding="utf-8") if inputs.lock.exists() else ""
            if current != rendered.names.to_json():
                stale = [f"{inputs.lock.name} (the name lock is {'stale' if current else 'missing'})"]
        return _compare_trees(fresh, out_dir) + stale


def _files(root: Path) -> set[str]:
    if not root.is_dir():
        return set()
    skip = {"__pycache__"}
    return {
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and not skip.intersection(p.relative_to(root).parts)
    }


def _compare_trees(expected: Path, actual: Path) -> list[str]:
    want, have = _files(expected), _files(actual)
    out = [f"{name} (missing)" for name in sorted(want - have)]
    out += [f"{name} (not generated by the build)" for name in sorted(have - want)]
    out += [
        f"{name} (differs)"
        for name in sorted(want & have)
        if not filecmp.cmp(expected / name, actual / name, shallow=False)
    ]
    return sorted(out)


def write_report(counts: Counts, report: Path) -> None:
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(json.dumps(counts.as_dict(), indent=2, sort_keys=True) + "\n", encoding="utf-8")
