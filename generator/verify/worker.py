"""``python -m generator.verify.worker JOB RESULT``: check generated models on drawn instances.

Runs in its own process with the freshly generated package first on ``sys.path`` (the build
imports nothing it generated). It first draws instances of each schema of the job and keeps those
the original schema accepts; then it waits for one line on stdin naming the package and the
code to check against each schema, and checks that the generated code reads
each (``from_dict`` / ``parse_response``) and writes it back (``to_dict``) to the same JSON,
untouched and after every field was read (converted),
where a ``null`` counts as absent and timestamps compare as instants to the microsecond.
"""

from __future__ import annotations

import contextlib
import datetime
import importlib
import json
import os
import re
import sys
import traceback
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jsonschema.exceptions import ValidationError
from openapi_schema_validator import OAS30Validator, OAS31Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from .instances import instances

DOCUMENT_URI = "urn:conductorone:verify:document"
PARALLEL_FROM = 200  # jobs; below this a fork costs more than it saves
_TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$", re.IGNORECASE)


def _load(python: str) -> Callable[[Any], Any]:
    """``module:Class`` (its ``from_dict``) or ``module:function``."""
    module_name, _, attribute = python.partition(":")
    found = getattr(importlib.import_module(module_name), attribute)
    parse: Callable[[Any], Any] = getattr(found, "from_dict", found) if isinstance(found, type) else found
    return parse


def read_everything(value: Any) -> None:
    """Read every field of a model (and of the models in it), so each is converted."""
    if isinstance(value, list):
        for item in value:
            read_everything(item)
        return
    if isinstance(value, dict):
        for item in value.values():
            read_everything(item)
        return
    fields = getattr(type(value), "_FIELDS", None)
    if fields is None:
        return
    for name in fields:
        read_everything(getattr(value, name))
    if hasattr(type(value), "additional_properties"):
        read_everything(value.additional_properties)


def canonical(value: Any) -> Any:
    """JSON as the API means it: nulls are absent, timestamps are instants (to the microsecond)."""
    if isinstance(value, dict):
        return {key: canonical(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [canonical(item) for item in value if item is not None]
    if isinstance(value, bool):
        return ("bool", value)  # True == 1 in Python; not in JSON
    if isinstance(value, str) and _TIMESTAMP.match(value):
        return ("instant", _instant(value))
    return value


def _instant(value: str) -> str:
    head, _, rest = value.partition(".")
    digits = re.match(r"\d*", rest).group(0) if rest else ""  # type: ignore[union-attr]
    offset = rest[len(digits) :] if rest else head[19:]
    text = head[:19] + "." + (digits + "000000")[:6] + ("+00:00" if offset.upper() == "Z" else offset)
    moment = datetime.datetime.fromisoformat(text)
    return moment.astimezone(datetime.timezone.utc).isoformat()


def first_difference(want: Any, got: Any, path: str = "") -> str | None:
    """The JSON path of the first place ``got`` differs from ``want`` (both canonical)."""
    if isinstance(want, dict) and isinstance(got, dict):
        for key in sorted(set(want) | set(got)):
            if key not in got:
                return f"{path}/{key} (dropped)"
            if key not in want:
                return f"{path}/{key} (added)"
            found = first_difference(want[key], got[key], f"{path}/{key}")
            if found:
                return found
        return None
    if isinstance(want, list) and isinstance(got, list) and len(want) == len(got):
        for index, (a, b) in enumerate(zip(want, got, strict=True)):
            found = first_difference(a, b, f"{path}/{index}")
            if found:
                return found
        return None
    return None if want == got else f"{path or '/'} (sent {want!r}, read back {got!r})"


def _validator(doc: dict[str, Any]) -> Callable[[Any, list[str | int]], bool]:
    registry: Registry[Any] = Registry().with_resource(DOCUMENT_URI, DRAFT202012.create_resource(doc))
    cls = OAS30Validator if str(doc.get("openapi", "")).startswith("3.0") else OAS31Validator
    cache: dict[str, Any] = {}

    def is_valid(instance: Any, pointer: list[str | int]) -> bool:
        ref = "#/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in pointer)
        if ref not in cache:
            # Formats are checked too: a "date-time" that is not one is not a valid instance.
            cache[ref] = cls(
                {"$ref": DOCUMENT_URI + ref}, registry=registry, format_checker=cls.FORMAT_CHECKER
            )
        try:
            cache[ref].validate(instance)
        except ValidationError:
            return False
        return True

    return is_valid


def draw_valid(
    doc: dict[str, Any], pointer: list[str | int], is_valid: Any, thorough: bool
) -> dict[str, Any]:
    """The instances of one schema that the original schema accepts (and how many it did not)."""
    drawn: dict[str, Any] = {"schema": "/" + "/".join(map(str, pointer)), "valid": [], "discarded": 0}
    generators = [instances]
    if thorough:
        from . import adversarial  # hypothesis is imported only when asked for

        generators.append(adversarial.instances)
    problems = []
    for generate in generators:
        try:
            candidates = list(generate(doc, pointer, json.dumps(pointer)))
        except Exception as err:  # a generator library failing on a schema: report, go on
            problems.append(f"{generate.__module__.rsplit('.', 1)[-1]}: {type(err).__name__}: "
                            f"{(str(err).splitlines() or [''])[0]}")  # fmt: skip
            continue
        for instance in candidates:
            if instance is not None and is_valid(instance, pointer):
                drawn["valid"].append(instance)
            else:
                drawn["discarded"] += 1
    if problems:
        drawn["unsupported"] = "; ".join(problems)
    return drawn


def check(target_id: str, python: str, drawn: dict[str, Any]) -> dict[str, Any]:
    """Read and write back each instance with the generated code."""
    result: dict[str, Any] = {"id": target_id, "checked": 0, "discarded": drawn["discarded"], "failure": None}
    result.update({key: drawn[key] for key in ("schema", "unsupported") if key in drawn})
    try:
        parse = _load(python)
    except (ImportError, AttributeError) as err:
        result["failure"] = {"error": f"no generated code for it: cannot load {python}: {err}"}
        return result
    for instance in drawn["valid"]:
        result["checked"] += 1
        try:
            # Models convert fields on first access: check what is written back untouched
            # and after every field, nested ones too, was read (converted) once.
            untouched = parse(instance).to_dict()
            read = parse(instance)
            read_everything(read)
            written = read.to_dict()
        except Exception as err:  # any exception is the finding: report it, do not crash
            frame = traceback.extract_tb(err.__traceback__)[-1]
            where = f"{Path(frame.filename).name}:{frame.lineno}"
            result["failure"] = {"instance": instance, "error": f"{type(err).__name__}: {err} ({where})"}
            return result
        want = canonical(instance)
        difference = first_difference(want, canonical(untouched)) or first_difference(
            want, canonical(written)
        )
        if difference:
            result["failure"] = {"instance": instance, "error": f"round trip differs at {difference}"}
            return result
    return result


def check_all(jobs: list[tuple[str, str, dict[str, Any]]]) -> list[dict[str, Any]]:
    """:func:`check` each job; on a machine with a second core, half of them in a forked copy.

    The generated modules are imported (compiled) before the fork, so both halves share them;
    the build process only waits meanwhile, so the second core is free.
    """
    for _target_id, python, _drawn in jobs:
        with contextlib.suppress(Exception):  # check() reports what does not load
            _load(python)
    # Linux only: a forked copy is unsafe where system libraries may hold locks (macOS)
    if not sys.platform.startswith("linux") or (os.cpu_count() or 1) < 2 or len(jobs) < PARALLEL_FROM:
        return [check(*job) for job in jobs]
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the copy: every second job, results as JSON down the pipe
        status = 1
        try:
            os.close(read_end)
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(json.dumps([check(*job) for job in jobs[1::2]], default=str).encode())
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    mine = [check(*job) for job in jobs[0::2]]
    with os.fdopen(read_end, "rb") as pipe:
        theirs = pipe.read()
    _pid, status = os.waitpid(pid, 0)
    if status != 0 or not theirs:
        raise RuntimeError(f"the second verification process failed (wait status {status})")
    results: list[dict[str, Any]] = mine + json.loads(theirs)
    return results


def spell_null_types(node: Any) -> Any:
    """A YAML document's bare ``null`` in a ``type`` list means the type "null" (as in 3.1).

    The one repair made to the original document: neither generator nor validator can read
    a ``type`` of ``None``, and the author's meaning is not in doubt.
    """
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            kind = current.get("type")
            if isinstance(kind, list) and None in kind:
                current["type"] = ["null" if k is None else k for k in kind]
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)
    return node


def main(job_path: str, result_path: str) -> int:
    job = json.loads(Path(job_path).read_text(encoding="utf-8"))
    spell_null_types(job["document"])
    warnings.simplefilter("ignore")  # hypothesis' non-interactive warnings say nothing useful here
    is_valid = _validator(job["document"])
    drawn = {json.dumps(p): draw_valid(job["document"], p, is_valid, job["thorough"]) for p in job["schemas"]}
    # Then wait for the generated package (one line of JSON on stdin; EOF means cancelled).
    line = sys.stdin.readline()
    if not line.strip():
        return 0
    request = json.loads(line)
    sys.dont_write_bytecode = True  # no __pycache__ in the output that is about to be swapped in
    sys.path.insert(0, request["package_root"])
    jobs = [
        (target_id, python, drawn[key])
        for key, checks in request["checks"].items()
        if key in drawn
        for target_id, python in checks
    ]
    results = check_all(jobs)
    Path(result_path).write_text(json.dumps({"results": results}, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
