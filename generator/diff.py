"""What changed between two OpenAPI documents, in the terms of the generated client.

Both documents go through the same normalisation as a build (so names are the SDK's names
and ``null`` is settled the same way), then:

- operations are matched by their original ``operationId`` (else by method and path):
  added, removed, renamed (the method users call changed), moved (path or HTTP method
  changed under the same name: invisible to users);
- parameters of each matched operation: added, removed, retyped, required-ness;
- models (component schemas, matched by key): fields added, removed, retyped, required-ness,
  enum values added or removed; each change names the operations that use the model.

Breaking means: code written against the old client can fail with the new one. Removing
an operation, a parameter, a field or an enum value, retyping anything, and adding or
tightening a required request input are breaking; additions of optional things are not.
A field's required-ness in responses is not tracked (the build relaxes it, see
generator/passes/response_fields.py).
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs

from .loader import Document
from .lock import NameLock
from .overlay import apply_overlay_file
from .passes import normalise
from .passes.schemas import component_schemas, deref, operations

MAJOR, MINOR, PATCH = "major", "minor", "patch"
_REF = re.compile(r"^#/components/schemas/(.+)$")
_MAX_USERS_SHOWN = 3


@attrs.frozen(order=True)
class Change:
    breaking: bool = attrs.field(order=lambda breaking: not breaking)  # breaking ones first
    kind: str
    subject: str  # the operation (group.method) or model the change is in
    where: str  # parameter, or field path inside the model ("" for the subject itself)
    detail: str
    # Filled in by compare() for the JSON output: the operation's original identity, or every
    # operation that uses the model (the markdown detail shows the first few).
    operation_id: str = ""
    http_method: str = ""
    path: str = ""
    used_by: tuple[str, ...] = ()
    # What the change is about, whatever its name: the schema key or the operation key. With
    # ``kind`` and ``where`` it identifies a change across namings (with and without the lock).
    key: str = ""

    @property
    def identity(self) -> tuple[str, str, str]:
        return (self.kind, self.key or self.subject, self.where)

    def as_dict(self) -> dict[str, Any]:
        data = attrs.asdict(self)
        data["used_by"] = list(self.used_by)
        return data

    def line(self) -> str:
        place = f"`{self.subject}`" + (f" `{self.where}`" if self.where else "")
        return f"{place}: {self.detail}"


@attrs.frozen
class _Operation:
    key: str  # identity across versions
    name: str  # group.method as users call it
    method: str
    path: str
    body: dict[str, Any]

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path}"


def _operations(doc: Document) -> dict[str, _Operation]:
    found: dict[str, _Operation] = {}
    for path, method, operation in operations(doc):
        written = str(operation.get("x-document-path", path))
        original = (
            operation.get("x-operation-key")
            or operation.get("x-original-operation-id")
            or f"{method.upper()} {written}"
        )
        tags = operation.get("tags") or ["default"]
        name = f"{tags[0]}.{operation.get('operationId')}"
        found[str(original)] = _Operation(str(original), name, method, written, operation)
    return found


def _type(doc: Document, schema: Any) -> str:
    """A short description of a schema's type, for comparing and for messages."""
    if not isinstance(schema, dict):
        return "any"
    ref = schema.get("$ref")
    if isinstance(ref, str):
        match = _REF.match(ref)
        target = deref(doc, schema) if match else None
        return str((target or {}).get("title") or (match.group(1) if match else ref))
    kind = schema.get("type")
    if kind == "array":
        return f"list[{_type(doc, schema.get('items'))}]"
    if kind is None and "properties" in schema:
        kind = "object"
    fmt = schema.get("format")
    return f"{kind or 'any'}" + (f"({fmt})" if fmt and kind in ("string", "integer", "number") else "")


@attrs.frozen
class _Field:
    type: str
    required: bool
    enum: frozenset[str]


def _fields(doc: Document, schema: Any, prefix: str = "", depth: int = 0) -> dict[str, _Field]:
    """A model's fields by path (``a``, ``a.b``, ``a[].b``); inline objects are followed, $refs not."""
    found: dict[str, _Field] = {}
    if not isinstance(schema, dict) or "$ref" in schema or depth > 8:
        return found
    required = set(schema.get("required") or [])
    for name, prop in sorted((schema.get("properties") or {}).items()):
        path = f"{prefix}{name}"
        enum = frozenset(json.dumps(v) for v in prop.get("enum") or [] if v is not None)
        found[path] = _Field(_type(doc, prop), name in required, enum)
        inner = prop
        while isinstance(inner, dict) and inner.get("type") == "array":
            inner, path = inner.get("items"), f"{path}[]"
        found.update(_fields(doc, inner, f"{path}.", depth + 1))
    return found


def _refs(node: Any) -> set[str]:
    """Component keys referenced anywhere inside ``node`` (not following the references)."""
    found: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            ref = item.get("$ref")
            match = _REF.match(ref) if isinstance(ref, str) else None
            if match:
                found.add(match.group(1))
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _usage(doc: Document) -> dict[str, tuple[set[str], set[str]]]:
    """Component key -> (operations reaching it through a request, through a response)."""
    components = component_schemas(doc)
    direct = {key: _refs(schema) & components.keys() for key, schema in components.items()}

    def closure(roots: set[str]) -> set[str]:
        seen, stack = set(), [key for key in roots if key in components]
        while stack:
            key = stack.pop()
            if key not in seen:
                seen.add(key)
                stack.extend(direct[key] - seen)
        return seen

    usage: dict[str, tuple[set[str], set[str]]] = {key: (set(), set()) for key in components}
    for operation in _operations(doc).values():
        body = operation.body
        inputs = [deref(doc, p) for p in body.get("parameters") or []]
        inputs.append(deref(doc, body.get("requestBody")))
        outputs = [deref(doc, r) for r in (body.get("responses") or {}).values()]
        for key in closure(_refs(inputs)):
            usage[key][0].add(operation.name)
        for key in closure(_refs(outputs)):
            usage[key][1].add(operation.name)
    return usage


def _parameters(doc: Document, operation: dict[str, Any]) -> dict[str, dict[str, Any]]:
    params = (deref(doc, p) for p in operation.get("parameters") or [])
    return {f"{p.get('in')} {p.get('name')}": p for p in params if isinstance(p, dict)}


def _body_schema(doc: Document, operation: dict[str, Any]) -> Any:
    body = deref(doc, operation.get("requestBody")) or {}
    return ((body.get("content") or {}).get("application/json") or {}).get("schema")


def _response_schema(doc: Document, operation: dict[str, Any]) -> Any:
    for code, response in sorted((operation.get("responses") or {}).items()):
        if str(code).startswith("2"):
            content = (deref(doc, response) or {}).get("content") or {}
            return (content.get("application/json") or {}).get("schema")
    return None


def _keyed(key: str, changes: Iterator[Change]) -> Iterator[Change]:
    return (attrs.evolve(change, key=key) for change in changes)


def _operation_changes(old: Document, new: Document) -> Iterator[Change]:
    before, after = _operations(old), _operations(new)
    for key in sorted(before.keys() - after.keys()):
        yield Change(
            True, "operation-removed", before[key].name, "", f"removed ({before[key].label})", key=key
        )
    for key in sorted(after.keys() - before.keys()):
        yield Change(False, "operation-added", after[key].name, "", f"added ({after[key].label})", key=key)
    for key in sorted(before.keys() & after.keys()):
        yield from _keyed(key, _matched_operation_changes(old, new, before[key], after[key]))


def _matched_operation_changes(
    old: Document, new: Document, was: _Operation, now: _Operation
) -> Iterator[Change]:
    if was.name != now.name:
        yield Change(True, "operation-renamed", was.name, "", f"renamed to `{now.name}`")
    if (was.method, was.path) != (now.method, now.path):
        yield Change(False, "operation-moved", now.name, "", f"now {now.method.upper()} {now.path}")
    yield from _parameter_changes(old, new, was, now)


def _parameter_changes(old: Document, new: Document, was: _Operation, now: _Operation) -> Iterator[Change]:
    params_before, params_after = _parameters(old, was.body), _parameters(new, now.body)
    for name in sorted(params_before.keys() - params_after.keys()):
        yield Change(True, "parameter-removed", now.name, name, "parameter removed")
    for name in sorted(params_after.keys() - params_before.keys()):
        required = bool(params_after[name].get("required"))
        yield Change(
            required,
            "parameter-added",
            now.name,
            name,
            f"{'required' if required else 'optional'} parameter added",
        )
    for name in sorted(params_before.keys() & params_after.keys()):
        p_old, p_new = params_before[name], params_after[name]
        t_old, t_new = _type(old, p_old.get("schema")), _type(new, p_new.get("schema"))
        if t_old != t_new:
            yield Change(True, "parameter-retyped", now.name, name, f"type {t_old} -> {t_new}")
        if bool(p_old.get("required")) != bool(p_new.get("required")):
            tightened = bool(p_new.get("required"))
            yield Change(
                tightened,
                "parameter-required",
                now.name,
                name,
                "now required" if tightened else "now optional",
            )
    for what, read in (("request body", _body_schema), ("response", _response_schema)):
        t_old, t_new = _type(old, read(old, was.body)), _type(new, read(new, now.body))
        if t_old != t_new:
            yield Change(True, "model-replaced", now.name, what, f"model {t_old} -> {t_new}")


def _parent(path: str) -> str:
    """``a[].b`` -> ``a``; ``a`` -> ``""``."""
    return path.rsplit(".", 1)[0].replace("[]", "") if "." in path else ""


def _users(names: set[str]) -> str:
    shown = sorted(names)[:_MAX_USERS_SHOWN]
    more = len(names) - len(shown)
    return ", ".join(f"`{n}`" for n in shown) + (f" and {more} more" if more > 0 else "")


def _model_changes(old: Document, new: Document) -> Iterator[Change]:
    models_before, models_after = component_schemas(old), component_schemas(new)
    usage_old, usage_new = _usage(old), _usage(new)
    usage = (usage_old, usage_new)
    for key in sorted(models_before.keys() & models_after.keys()):
        yield from _keyed(
            key, _matched_model_changes(old, new, key, models_before[key], models_after[key], usage)
        )
    for key in sorted(models_before.keys() - models_after.keys()):
        if any(usage_old[key]):
            name = str(models_before[key].get("title") or key)
            yield Change(True, "model-removed", name, "", "model removed", key=key)
    for key in sorted(models_after.keys() - models_before.keys()):
        if any(usage_new[key]):
            yield Change(
                False, "model-added", str(models_after[key].get("title") or key), "", "model added", key=key
            )


def _matched_model_changes(
    old: Document,
    new: Document,
    key: str,
    was_schema: dict[str, Any],
    now_schema: dict[str, Any],
    usage: tuple[dict[str, tuple[set[str], set[str]]], dict[str, tuple[set[str], set[str]]]],
) -> Iterator[Change]:
    """Changes of one component schema present in both documents."""
    usage_old, usage_new = usage
    as_input = usage_old[key][0] | usage_new[key][0]
    users = usage_old[key][0] | usage_old[key][1] | usage_new[key][0] | usage_new[key][1]
    if not users:
        return  # a model no operation reaches makes no difference to users
    name = str(now_schema.get("title") or key)
    used = f" (used by {_users(users)})"
    old_name = str(was_schema.get("title") or key)
    if old_name != name:
        yield Change(True, "model-renamed", old_name, "", f"class renamed to `{name}`{used}")
    yield from _enum_changes(name, "", was_schema, now_schema, used)
    fields_before, fields_after = _fields(old, was_schema), _fields(new, now_schema)
    for path in sorted(fields_before.keys() - fields_after.keys()):
        if _parent(path) in fields_after or not _parent(path):  # not under a field removed too
            yield Change(True, "field-removed", name, path, f"field removed{used}")
    for path in sorted(fields_after.keys() - fields_before.keys()):
        breaking = fields_after[path].required and bool(as_input)
        required = "required " if breaking else ""
        if _parent(path) in fields_before or not _parent(path):
            yield Change(breaking, "field-added", name, path, f"{required}field added{used}")
    for path in sorted(fields_before.keys() & fields_after.keys()):
        was, now = fields_before[path], fields_after[path]
        if was.type != now.type:
            yield Change(True, "field-retyped", name, path, f"type {was.type} -> {now.type}{used}")
        if as_input and was.required != now.required:
            yield Change(
                now.required,
                "field-required",
                name,
                path,
                f"now {'required' if now.required else 'optional'}{used}",
            )
        if was.enum - now.enum:
            yield Change(
                True,
                "enum-values-removed",
                name,
                path,
                f"values removed: {', '.join(sorted(was.enum - now.enum))}{used}",
            )
        if now.enum - was.enum:
            yield Change(
                False,
                "enum-values-added",
                name,
                path,
                f"values added: {', '.join(sorted(now.enum - was.enum))}{used}",
            )


def _enum_changes(
    name: str, where: str, was: dict[str, Any], now: dict[str, Any], used: str
) -> Iterator[Change]:
    """Values of an enum model itself (a component schema that is an enum)."""
    old_values = {json.dumps(v) for v in was.get("enum") or [] if v is not None}
    new_values = {json.dumps(v) for v in now.get("enum") or [] if v is not None}
    if old_values - new_values:
        yield Change(
            True,
            "enum-values-removed",
            name,
            where,
            f"values removed: {', '.join(sorted(old_values - new_values))}{used}",
        )
    if new_values - old_values:
        yield Change(
            False,
            "enum-values-added",
            name,
            where,
            f"values added: {', '.join(sorted(new_values - old_values))}{used}",
        )


def compare(
    old: Document, new: Document, lock: NameLock | None = None, new_lock: NameLock | None = None
) -> list[Change]:
    """Every SDK-visible change from ``old`` to ``new`` (neither is modified), breaking first.

    With a name ``lock`` both are named as a build with that lock names them, so a name the
    lock keeps is not reported as renamed because another schema appeared; ``new_lock``, if
    given, names ``new`` instead (the lock a build of ``new`` started from).
    """
    old, new = copy.deepcopy(old), copy.deepcopy(new)
    normalise(old, lock)
    normalise(new, new_lock if new_lock is not None else lock)
    changes = {*_operation_changes(old, new), *_model_changes(old, new)}
    by_name, users = _locations(old, new)
    return sorted(_located(change, by_name, users) for change in changes)


@attrs.frozen
class Comparison:
    """The changes users of the generated client see, and the upstream changes that do not
    reach it (absorbed by our overlays or kept away by the name lock): listed apart, never
    counted, never breaking."""

    changes: list[Change]
    absorbed: list[Change] = attrs.field(factory=list)

    @property
    def bump(self) -> str:
        return bump(self.changes)

    @property
    def breaking(self) -> int:
        return sum(1 for change in self.changes if change.breaking)


def compare_clients(
    old: Document,
    new: Document,
    *,
    overlays: Sequence[Path] = (),
    lock: NameLock | None = None,
    new_lock: NameLock | None = None,
) -> Comparison:
    """``old`` -> ``new`` as the clients generated from them differ: each document after
    ``overlays`` (as build applies them), named with ``lock`` (``new`` with ``new_lock`` if
    given) as build names them. The raw documents' own differences that are not among those
    changes (by schema or operation key, kind and place, whatever the names) are ``absorbed``.
    """
    client_old, client_new = _with_overlays(old, overlays), _with_overlays(new, overlays)
    changes = compare(client_old, client_new, lock, new_lock)
    if not overlays and lock is None and new_lock is None:
        return Comparison(changes)
    seen = {change.identity for change in changes}
    absorbed = [change for change in compare(old, new) if change.identity not in seen]
    return Comparison(changes, absorbed)


def _with_overlays(doc: Document, overlays: Sequence[Path]) -> Document:
    if not overlays:
        return doc
    applied = copy.deepcopy(doc)
    for overlay in overlays:
        apply_overlay_file(applied, overlay)
    return applied


def _located(change: Change, by_name: dict[str, _Operation], users: dict[str, set[str]]) -> Change:
    """``change`` with its operation's identity, or its model's users, for the JSON output."""
    operation = by_name.get(change.subject)
    if operation is not None and not change.kind.startswith(
        ("field-", "model-renamed", "model-removed", "enum-")
    ):
        return attrs.evolve(
            change, operation_id=operation.key, http_method=operation.method.upper(), path=operation.path
        )
    if users.get(change.subject):
        return attrs.evolve(change, used_by=tuple(sorted(users[change.subject])))
    return change


def _locations(old: Document, new: Document) -> tuple[dict[str, _Operation], dict[str, set[str]]]:
    """Operations by SDK name and models' users by class name; the newer document's win."""
    by_name: dict[str, _Operation] = {}
    users: dict[str, set[str]] = {}
    for doc in (old, new):
        by_name.update({op.name: op for op in _operations(doc).values()})
        usage = _usage(doc)
        for key, schema in component_schemas(doc).items():
            if key in usage and (usage[key][0] | usage[key][1]):
                users[str(schema.get("title") or key)] = usage[key][0] | usage[key][1]
    return by_name, users


def bump(changes: list[Change]) -> str:
    """major if anything breaks, minor if anything was added or changed, else patch."""
    if any(change.breaking for change in changes):
        return MAJOR
    return MINOR if changes else PATCH


def to_json(changes: list[Change], old_label: str, new_label: str, absorbed: Sequence[Change] = ()) -> str:
    summary = {
        "old": old_label,
        "new": new_label,
        "bump": bump(changes),
        "breaking": sum(1 for c in changes if c.breaking),
        "counts": _counts(changes),
        "changes": [change.as_dict() for change in changes],
        "absorbed": [change.as_dict() for change in absorbed],
    }
    return json.dumps(summary, indent=2, sort_keys=False) + "\n"


def _counts(changes: list[Change]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for change in changes:
        counts[change.kind] = counts.get(change.kind, 0) + 1
    return dict(sorted(counts.items()))


def to_markdown(
    changes: list[Change],
    old_label: str,
    new_label: str,
    heading: str = "##",
    absorbed: Sequence[Change] = (),
) -> str:
    breaking = [c for c in changes if c.breaking]
    other = [c for c in changes if not c.breaking]
    counts = ", ".join(f"{n} {kind}" for kind, n in _counts(changes).items()) or "no changes"
    lines = [
        f"{heading} API changes: {old_label} -> {new_label}",
        "",
        f"Version bump: **{bump(changes)}** ({counts}).",
        "",
    ]
    for title, group in (("Breaking", breaking), ("Not breaking", other)):
        if group:
            lines += [f"{heading}# {title} ({len(group)})", ""]
            lines += [f"- {change.line()}" for change in group if change.kind != "model-added"]
            added = [f"`{change.subject}`" for change in group if change.kind == "model-added"]
            if added:  # new models come with new operations and fields; one line is enough
                lines.append(f"- {len(added)} models added: {', '.join(added)}")
            lines.append("")
    if absorbed:
        lines += [
            f"{heading}# Upstream changes that do not reach the client ({len(absorbed)})",
            "",
            "In the documents, but absorbed by our overlays or the name lock: not counted above.",
            "",
        ]
        lines += [f"- {change.line()} ({change.kind})" for change in absorbed]
        lines.append("")
    return "\n".join(lines)
