"""Property test: every response model parses bodies with random nulls, omissions and
unknown fields. Run as ``python -m tests.contract.nulls SPEC [EXAMPLES]`` with the
generated package for SPEC first on the path; prints a JSON summary, exits 1 on failure.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis.strategies import SearchStrategy

from . import schema_data
from .operations import by_key, generated_operations


def check(parse: Callable[[Any], Any], strategy: SearchStrategy[Any], examples: int) -> None:
    """Raise if any generated body fails to parse, or parses into something that does not round-trip."""

    @settings(
        max_examples=examples,
        database=None,
        deadline=None,
        derandomize=True,  # the same examples on every run: a failure reproduces
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def parses(body: Any) -> None:
        model = parse(body)
        again = parse(json.loads(json.dumps(model.to_dict())))  # what was kept round-trips
        assert again.to_dict() == model.to_dict()

    parses()


def main(spec: str, examples: int) -> int:
    doc = schema_data.load(spec)
    declared = by_key(schema_data.operations(doc))
    checked, failures = 0, []
    for operation in generated_operations():
        schema = schema_data.success_schema(doc, declared[operation.key])
        try:
            check(operation.module.parse_response, schema_data.response_strategy(doc, schema), examples)
        except Exception as error:
            failures.append(f"{operation.group}.{operation.method}: {type(error).__name__}: {error}"[:400])
        checked += 1
    print(json.dumps({"operations": checked, "examples_each": examples, "failures": failures}))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 25))
