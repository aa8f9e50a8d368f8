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
    """Safe YAML with JSON's data model: timestamps stay strings (JSON has no date type), and
    a key given twice in one mapping is an error (YAML's last-one-wins would silently drop
    the first: a whole path's operations, say)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, Any] = {}
        for key_node, _value in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=deep)
            try:
                duplicate = key in seen
            except TypeError:  # an unhashable key; the base constructor reports it
                continue
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"duplicate key {key!r} (first at line {seen[key].line + 1})",
                    key_node.start_mark,
                )
            seen[key] = key_node.start_mark
        return super().construct_mapping(node, deep=deep)


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
        data = (
            json.loads(text, object_pairs_hook=_unique_keys)
            if path.suffix == ".json"
            else yaml.load(text, Loader=_Loader)
        )
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        problem = err.problem or err.context or "invalid YAML"
        raise BuildError(f"{where}: invalid YAML: {problem}") from None
    except yaml.YAMLError as err:
        raise BuildError(f"{path}: invalid YAML: {err}") from None
    except json.JSONDecodeError as err:
        raise BuildError(f"{path}:{err.lineno}:{err.colno}: invalid JSON: {err.msg}") from None
    except _DuplicateKey as err:
        raise BuildError(
            f"{path}{_line_of(path, json.dumps(err.key))}: invalid JSON: duplicate key {err.key!r}"
        ) from None
    except RecursionError:
        raise BuildError(f"{path}: nested too deeply to read") from None
    if not isinstance(data, dict):
        raise BuildError(f"{path}: expected a mapping at the top level, found {type(data).__name__}")
    try:
        size = _expanded_size(data, {})
        if size > MAX_NODES:
            raise BuildError(
                f"{path}: the document expands to {size:,} values, more than the {MAX_NODES:,} this build "
                "reads (YAML aliases repeating a large part of it?)"
            )
        result: Document = _string_keys(data)
    except RecursionError:
        raise BuildError(f"{path}: nested too deeply to read") from None
    return result


# The largest real document (2026-02, 312 operations) has ~0.3 million values; this leaves
# room for APIs 30 times its size and stops a YAML alias bomb before it is expanded.
MAX_NODES = 10_000_000


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _expanded_size(node: Any, sizes: dict[int, int]) -> int:
    """How many values ``node`` has once every YAML alias is written out (shared nodes counted once each)."""
    if not isinstance(node, (dict, list)):
        return 1
    known = sizes.get(id(node))
    if known is None:
        children = node.values() if isinstance(node, dict) else node
        known = 1 + sum(_expanded_size(child, sizes) for child in children)
        sizes[id(node)] = known
    return known


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
    _inline_path_item_refs(doc, path)
    return doc


def _inline_path_item_refs(doc: Document, path: Path) -> None:
    """A path item may be a ``$ref`` to another (3.1: ``components/pathItems``); inline it so
    every pass and the operation count see its operations."""
    for key, item in list(doc["paths"].items()):
        for _ in range(16):
            if not (isinstance(item, dict) and isinstance(item.get("$ref"), str)):
                break
            target = resolve_pointer(doc, item["$ref"][1:])  # check_refs made sure it is local and resolves
            if not isinstance(target, dict):
                raise BuildError(
                    f"{path}: at {json_pointer(('paths', key))}: $ref to a {type(target).__name__}, not a path item"
                )
            item = {**target, **{k: v for k, v in item.items() if k != "$ref"}}
        else:
            raise BuildError(f"{path}: at {json_pointer(('paths', key))}: path item $refs form a cycle")
        doc["paths"][key] = item


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
