"""Model names: readable, unique and stable class names, from the schema keys.

openapi-python-client names a model after its ``title`` (upstream: "Notification Config",
shared by two schemas, so one of them fails). We set every component schema's title to a
name derived from its key by this rule, and nothing else:

1. The name is the key's last dotted segment in PascalCase:
   ``c1.api.app.v1.App`` -> ``App``, ``google.rpc.Status`` -> ``Status``.
2. Where several keys give the same name, each of them is qualified with the segments before
   it, nearest first, skipping version segments (``v1``, ``v2beta``) until the names differ:
   ``c1.api.form.v1.Field`` -> ``FormField``, ``c1.api.integration.connector.v1.Field`` ->
   ``ConnectorField``; ``c1.api.policy.v1.Escalation.SkipStep`` -> ``EscalationSkipStep``.
3. If that is not enough, version segments count too (``V1App``/``V2App``), then ``Model``
   is appended, and as a last resort a number, in key order.
4. A qualified name that equals another schema's name is qualified further, the same way.
5. Names are compared as their module files are named (snake_case), so ``HTTPServer`` and
   ``HttpServer`` (both ``http_server.py``) collide; and a name the generated modules use
   for something else (``Response``, ``Unset``, ``Any``, ...) counts as taken.

Names only change when the set of colliding keys changes, so a new API version renames a
model only if it adds a schema with the same short name (the ``diff`` command reports it).
Inline (non-component) schemas lose their ``title``: their classes are named after the
parent model and property, which is unique by construction.
"""

from __future__ import annotations

import re
from collections import defaultdict

from openapi_python_client.strings import snake_case as oapc_snake_case

from ..loader import Document
from ..naming import pascal_case
from .schemas import component_schemas, root_schemas, walk

_VERSION = re.compile(r"^v\d+[a-z0-9]*$", re.IGNORECASE)
# Names the generated modules import or define at module level (types.py, typing, the
# endpoint and model modules): a model class may not take one.
RESERVED_CLASS_NAMES = frozenset(
    {"Response", "Unset", "UNSET", "File", "FileTypes", "RequestFiles", "Any", "Mapping", "TypeVar",
     "TYPE_CHECKING", "Iterator", "AsyncIterator", "Literal", "Union", "Generic", "Callable",
     "MutableMapping", "IO", "BinaryIO", "Enum", "IntEnum", "StrEnum", "T", "GROUPS", "OPERATIONS"}
)  # fmt: skip


def _module_key(name: str) -> str:
    """Two class names collide when their module files would: compare them as openapi-python-client names files."""
    return oapc_snake_case(name)


def _candidates(key: str) -> list[str]:
    """Names for ``key`` from shortest to longest; the last is unique to the key."""
    *qualifiers, last = key.split(".")
    base = pascal_case(last)
    plain = [q for q in reversed(qualifiers) if not _VERSION.match(q)]
    everything = list(reversed(qualifiers))
    names = [base]
    for count in range(1, len(plain) + 1):
        names.append("".join(pascal_case(q) for q in reversed(plain[:count])) + base)
    for count in range(1, len(everything) + 1):
        names.append("".join(pascal_case(q) for q in reversed(everything[:count])) + base)
    names.append(f"{names[-1]}Model")
    return list(dict.fromkeys(names))


def class_names(keys: list[str]) -> dict[str, str]:
    """The class name of every schema key, by the rule in this module's docstring."""
    candidates = {key: _candidates(key) for key in sorted(keys)}
    level = dict.fromkeys(candidates, 0)
    reserved = {_module_key(name) for name in RESERVED_CLASS_NAMES}
    while True:
        by_name: dict[str, list[str]] = defaultdict(list)
        for key in candidates:
            by_name[_module_key(candidates[key][level[key]])].append(key)
        clashes = [group for name, group in by_name.items() if len(group) > 1 or name in reserved]
        if not clashes:
            return {key: candidates[key][level[key]] for key in candidates}
        for group in clashes:
            for key in group:
                if level[key] + 1 < len(candidates[key]):
                    level[key] += 1
                else:  # fully qualified and still equal (e.g. "a.B" vs "a_b.B"): number them
                    candidates[key].append(f"{candidates[key][-1]}{group.index(key) + 1}")
                    level[key] = len(candidates[key]) - 1


def assign(doc: Document) -> None:
    components = component_schemas(doc)
    component_ids = {id(schema) for schema in components.values()}
    for root in list(root_schemas(doc)):
        for schema in walk(root):
            if id(schema) not in component_ids and isinstance(schema.get("title"), str):
                del schema["title"]
    for key, name in class_names(list(components)).items():
        components[key]["title"] = name
