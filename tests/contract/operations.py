"""Walk the generated package: every operation with its module, group and facade method."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import attrs


@attrs.frozen
class GeneratedOperation:
    group: str
    method: str  # the facade method: client.<group>.<method>(...)
    module: ModuleType  # conductorone_api.api.<group>.<module>

    @property
    def key(self) -> tuple[str, str]:
        return self.module.PATH, self.module.HTTP_METHOD


def generated_operations() -> Iterator[GeneratedOperation]:
    from conductorone_api.api import GROUPS

    for group in GROUPS:
        package = importlib.import_module(f"conductorone_api.api.{group}")
        table: dict[str, str] = package.OPERATIONS
        for method, module in sorted(table.items()):
            yield GeneratedOperation(group, method, importlib.import_module(f"{package.__name__}.{module}"))


def by_key(
    doc_operations: Iterator[tuple[str, str, dict[str, Any]]],
) -> dict[tuple[str, str], dict[str, Any]]:
    return {(path, method): operation for path, method, operation in doc_operations}
