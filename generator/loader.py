"""Read an OpenAPI (or Overlay) document and check that every local ``$ref`` resolves."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

try:  # libyaml is several times faster on a 1.5 MB document; pure Python is the fallback.
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

from .errors import BuildError

Document = dict[str, Any]


class _Loader(_BaseLoader):
    """Safe YAML with JSON's data model: timestamps stay strings (JSON has no date type)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}


def read_document(path: Path) -> Document:
    """Parse ``path`` as YAML (a superset of JSON) into plain dicts, lists and scalars.

    Mapping keys are made strings (YAML reads ``200:`` as an integer; OpenAPI means "200").
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BuildError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as err:
        raise BuildError(f"{path}: cannot read: {err}") from None
    try:
        data = json.loads(text) if path.suffix == ".json" else yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        problem = err.problem or err.context or "invalid YAML"
        raise BuildError(f"{where}: invalid YAML: {problem}") from None
    except yaml.YAMLError as err:
        raise BuildError(f"{path}: invalid YAML: {err}") from None
    except json.JSONDecodeError as err:
        raise BuildError(f"{path}:{err.lineno}:{err.colno}: invalid JSON: {err.msg}") from None
    if not isinstance(data, dict):
        raise BuildError(f"{path}: expected a mapping at the top level, found {type(data).__name__}")
    result: Document = _string_keys(data)
    return result


def _string_keys(node: Any) -> Any:
    if isinstance(node, dict):
        return {str(key): _string_keys(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_string_keys(item) for item in node]
    return node


def load_openapi(path: Path) -> Document:
    """Read an OpenAPI 3.x document; fail on anything that is not one or has a dangling ``$ref``."""
    doc = read_document(path)
    version = doc.get("openapi")
    if not isinstance(version, str) or not version.startswith("3."):
        raise BuildError(f"{path}: not an OpenAPI 3.x document (top-level 'openapi' is {version!r})")
    if not isinstance(doc.get("paths"), dict):
        raise BuildError(f"{path}: the document has no 'paths' mapping")
    check_refs(doc, path)
    return doc


def json_pointer(parts: tuple[str | int, ...] | list[str | int]) -> str:
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def resolve_pointer(doc: Document, pointer: str) -> Any:
    """Resolve a local JSON pointer such as ``/components/schemas/App``; raise KeyError if absent."""
    node: Any = doc
    if pointer in ("", "/"):
        return node
    for raw in pointer.lstrip("/").split("/"):
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise KeyError(pointer)
    return node


def check_refs(doc: Document, path: Path) -> None:
    """Every ``$ref`` must be local (``#/...``) and resolve; the error names file, line and pointer."""
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(doc, ())]
    while stack:
        node, where = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                _check_ref(doc, path, ref, where)
            stack.extend((value, (*where, key)) for key, value in node.items())
        elif isinstance(node, list):
            stack.extend((value, (*where, index)) for index, value in enumerate(node))


def _check_ref(doc: Document, path: Path, ref: str, where: tuple[str | int, ...]) -> None:
    if not ref.startswith("#"):
        problem = f"external $ref {ref!r} is not supported; inline or vendor it"
    else:
        try:
            resolve_pointer(doc, ref[1:])
            return
        except KeyError:
            problem = f"unresolvable $ref {ref!r}"
    raise BuildError(f"{path}{_line_of(path, ref)}: at {json_pointer(where)}: {problem}")


def _line_of(path: Path, needle: str) -> str:
    """``:LINE`` of the first line mentioning ``needle`` (only computed on the error path)."""
    try:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if needle in line:
                return f":{number}"
    except OSError:
        pass
    return ""
