"""The name lock: every class and method name a build emitted, kept across regenerations.

Users import class names and call methods; a new API version must not rename them because
something unrelated was added (2026-02 added ``c1.api.a2ui.v1.Action``, and the existing
``Action`` would have become ``PolicyAction``). The lock records, for the document it was
built from:

- ``models``: schema key -> class name;
- ``operations``: operation key (the original ``operationId``, else ``METHOD /path``) ->
  ``group.method``;
- ``retired``: names whose schema or operation went away since the last release. They are
  not given to anything new until ``release`` clears them, so a name never means two
  different things within one release.

The naming passes keep every locked name whose key still exists and give new keys names
that no locked or retired name already has (the new one is the one that gets qualified).
``build`` writes the updated lock, ``check`` fails if it is stale. The file is sorted JSON,
one entry a line, so a review shows exactly which names appeared or went away.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import attrs

from .errors import BuildError


@attrs.frozen
class NameLock:
    models: dict[str, str] = attrs.field(factory=dict)
    operations: dict[str, str] = attrs.field(factory=dict)
    retired_models: frozenset[str] = frozenset()
    retired_operations: frozenset[str] = frozenset()

    @classmethod
    def read(cls, path: Path | None) -> NameLock:
        """The lock at ``path``; an empty one if there is no path or no file yet."""
        if path is None or not path.exists():
            return cls()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            retired = data.get("retired", {})
            return cls(
                models=dict(data["models"]),
                operations=dict(data["operations"]),
                retired_models=frozenset(retired.get("models", [])),
                retired_operations=frozenset(retired.get("operations", [])),
            )
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as err:
            raise BuildError(f"{path}: not a name lock ({type(err).__name__}: {err})") from None

    def to_json(self) -> str:
        data = {
            "about": "Names the generated client uses; kept across regenerations. Written by `python -m generator build`.",
            "models": dict(sorted(self.models.items())),
            "operations": dict(sorted(self.operations.items())),
            "retired": {"models": sorted(self.retired_models), "operations": sorted(self.retired_operations)},
        }
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"

    def updated(self, doc: dict[str, Any]) -> NameLock:
        """The lock for ``doc`` after the naming passes ran with this one."""
        # Imported here: the passes import this module (they read the lock), so importing
        # the passes package at the top would make `import generator.lock` circular.
        from .passes.schemas import operations

        models = {
            key: str(schema["title"])
            for key, schema in ((doc.get("components") or {}).get("schemas") or {}).items()
            if isinstance(schema, dict) and isinstance(schema.get("title"), str)
        }
        named = {
            str(op["x-operation-key"]): f"{op['tags'][0]}.{op['operationId']}"
            for _path, _method, op in operations(doc)
            if "x-operation-key" in op
        }
        gone_models = {name for key, name in self.models.items() if key not in models} - set(models.values())
        gone_operations = {name for key, name in self.operations.items() if key not in named} - set(
            named.values()
        )
        return NameLock(
            models=models,
            operations=named,
            retired_models=(self.retired_models | gone_models) - set(models.values()),
            retired_operations=(self.retired_operations | gone_operations) - set(named.values()),
        )

    def released(self) -> NameLock:
        """The lock at a release: retired names may be given out again after it."""
        return attrs.evolve(self, retired_models=frozenset(), retired_operations=frozenset())


def operation_key(path: str, method: str, operation: dict[str, Any]) -> str:
    """What identifies an operation across versions: its operationId, else method and path.

    Computed by the operation-name pass before it renames anything, and kept on the
    operation as ``x-operation-key``.
    """
    original = operation.get("operationId")
    if isinstance(original, str) and original:
        return original
    return f"{method.upper()} {operation.get('x-document-path', path)}"
