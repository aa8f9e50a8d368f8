"""Apply OpenAPI Overlay 1.0 documents: spec corrections kept as data, not as code edits.

An overlay is a list of actions; each names its targets with an RFC 9535 JSONPath and either
merges ``update`` into every match or (``remove: true``) deletes every match. Actions run in
order, and each sees the result of the ones before it. Unlike the Overlay specification,
which lets a target match nothing, we fail the build then: an overlay that silently stops
applying after an upstream change is exactly the bug overlays are meant to prevent.

One extension (``x-`` fields are allowed on actions): ``x-keep-existing: true`` makes an
``update`` add only the keys its target does not have yet, leaving existing ones exactly
as they are; that is how an overlay supplies something "unless the document already has
it" (spec/overlays/020-v2-owner-operations.yaml).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import jsonpath_rfc9535 as jsonpath

from .errors import BuildError
from .loader import Document, read_document


def overlay_paths(directory: Path) -> list[Path]:
    """The overlays in ``directory``, in the order they apply (file name order)."""
    if not directory.is_dir():
        raise BuildError(f"{directory}: overlay directory does not exist")
    return sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml", ".json"))


def apply_overlay_file(doc: Document, overlay_path: Path) -> None:
    apply_overlay(doc, read_document(overlay_path), overlay_path)


def apply_overlay(doc: Document, overlay: Document, source: Path) -> None:
    """Apply ``overlay`` (already parsed, read from ``source``) to ``doc`` in place."""
    version = overlay.get("overlay")
    if not isinstance(version, str) or not version.startswith("1."):
        raise BuildError(f"{source}: not an Overlay 1.x document (top-level 'overlay' is {version!r})")
    actions = overlay.get("actions")
    if not isinstance(actions, list) or not actions:
        raise BuildError(f"{source}: 'actions' must be a non-empty list")
    for index, action in enumerate(actions):
        _apply_action(doc, action, f"{source}: actions[{index}]")


def _apply_action(doc: Document, action: Any, where: str) -> None:
    if not isinstance(action, dict) or not isinstance(action.get("target"), str):
        raise BuildError(f"{where}: an action needs a 'target' JSONPath string")
    target: str = action["target"]
    remove = action.get("remove", False) is True
    if not remove and "update" not in action:
        raise BuildError(f"{where}: an action needs 'update' or 'remove: true'")
    try:
        nodes = jsonpath.find(target, doc)
    except jsonpath.JSONPathError as err:
        raise BuildError(f"{where}: invalid JSONPath {target!r}: {err}") from None
    if not nodes:
        raise BuildError(f"{where}: target {target!r} matches nothing in the document")
    if remove:
        # Delete from the deepest, highest index first so earlier deletions don't shift later ones.
        for location in sorted((tuple(node.location) for node in nodes), key=_removal_order, reverse=True):
            _remove(doc, location, where)
        return
    keep_existing = action.get("x-keep-existing", False) is True
    for node in nodes:
        if keep_existing:
            _add_missing(node.value, action["update"], where, target)
        else:
            _update(node.value, action["update"], where, target)


def _removal_order(location: tuple[Any, ...]) -> tuple[int, tuple[str, ...]]:
    return len(location), tuple(f"{part:020d}" if isinstance(part, int) else str(part) for part in location)


def _remove(doc: Document, location: tuple[Any, ...], where: str) -> None:
    if not location:
        raise BuildError(f"{where}: cannot remove the document root")
    parent: Any = doc
    for part in location[:-1]:
        parent = parent[part]
    del parent[location[-1]]


def _update(node: Any, update: Any, where: str, target: str) -> None:
    if isinstance(node, dict):
        if not isinstance(update, dict):
            raise BuildError(f"{where}: target {target!r} is an object, so 'update' must be an object")
        _merge(node, update)
    elif isinstance(node, list):
        node.append(copy.deepcopy(update))
    else:
        raise BuildError(
            f"{where}: target {target!r} matched a {type(node).__name__}; only objects and arrays can be updated"
        )


def _add_missing(node: Any, update: Any, where: str, target: str) -> None:
    if not (isinstance(node, dict) and isinstance(update, dict)):
        raise BuildError(f"{where}: x-keep-existing needs an object target and update ({target!r})")
    for key, value in update.items():
        if key not in node:
            node[key] = copy.deepcopy(value)


def _merge(into: dict[str, Any], update: dict[str, Any]) -> None:
    """Overlay merge: objects merge recursively, arrays are appended to, anything else replaces."""
    for key, value in update.items():
        current = into.get(key)
        if isinstance(current, dict) and isinstance(value, dict):
            _merge(current, value)
        elif isinstance(current, list) and isinstance(value, list):
            current.extend(copy.deepcopy(value))
        else:
            into[key] = copy.deepcopy(value)
