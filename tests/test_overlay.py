"""OpenAPI Overlay 1.0 semantics."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator.errors import BuildError
from generator.overlay import apply_overlay

SOURCE = Path("o.yaml")


def _apply(doc: dict[str, Any], *actions: dict[str, Any]) -> dict[str, Any]:
    apply_overlay(
        doc, {"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": list(actions)}, SOURCE
    )
    return doc


def test_update_merges_objects_appends_arrays_replaces_scalars() -> None:
    doc = {"info": {"title": "old", "x": {"keep": 1}}, "tags": [{"name": "a"}]}
    _apply(
        doc,
        {"target": "$.info", "update": {"title": "new", "x": {"add": 2}}},
        {"target": "$.tags", "update": {"name": "b"}},
    )
    assert doc == {
        "info": {"title": "new", "x": {"keep": 1, "add": 2}},
        "tags": [{"name": "a"}, {"name": "b"}],
    }


def test_remove_every_match_including_list_items() -> None:
    doc = {"paths": {"/a": {"get": {"deprecated": True}, "post": {}}, "/b": {"get": {}}}, "l": [1, 2, 3, 4]}
    _apply(doc, {"target": "$.paths.*.get", "remove": True}, {"target": "$.l[?@ > 1]", "remove": True})
    assert doc == {"paths": {"/a": {"post": {}}, "/b": {}}, "l": [1]}


def test_actions_see_earlier_actions() -> None:
    doc: dict[str, Any] = {"security": [{"a": [], "b": []}]}
    _apply(
        doc,
        {"target": "$.security", "remove": True},
        {"target": "$", "update": {"security": [{"a": []}, {"b": []}]}},
    )
    assert doc == {"security": [{"a": []}, {"b": []}]}


@pytest.mark.parametrize(
    ("action", "message"),
    [
        ({"target": "$.nope", "remove": True}, "actions[0]: target '$.nope' matches nothing"),
        ({"target": "$.[", "remove": True}, "actions[0]: invalid JSONPath"),
        ({"target": "$.info"}, "actions[0]: an action needs 'update' or 'remove: true'"),
        ({"target": "$.info.title", "update": {"a": 1}}, "only objects and arrays can be updated"),
        ({"update": {}}, "needs a 'target'"),
    ],
)
def test_bad_actions_fail_naming_the_action(action: dict[str, Any], message: str) -> None:
    with pytest.raises(BuildError, match=r"^o\.yaml: ") as caught:
        _apply({"info": {"title": "t"}}, action)
    assert message in str(caught.value)


def test_not_an_overlay() -> None:
    with pytest.raises(BuildError, match=r"not an Overlay 1\.x document"):
        apply_overlay({}, {"actions": []}, SOURCE)
