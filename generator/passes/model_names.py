"""Model names: the names users know, unique, and stable across regenerations.

openapi-python-client names a model after its ``title`` (upstream: "Notification Config",
shared by two schemas, so one of them fails). We set every component schema's title to a
name given by this rule, and nothing else:

0. A name in the name lock (``generator/lock.py``) for a key that still exists is kept,
   whatever else changed; locked and retired names are taken for everything below.
1. The name is the schema's ``x-speakeasy-name-override`` (the class name ConductorOne's
   official SDKs and docs use: ``c1.api.app.v1.AddAppEntitlementOwnerRequestInput`` ->
   ``AddAppEntitlementOwnerRequest``), else the key's last dotted segment in PascalCase:
   ``c1.api.app.v1.App`` -> ``App``, ``google.rpc.Status`` -> ``Status``. Where several
   keys want one name and the name is exactly one key's own last segment, that key keeps
   it and the others take their own last segment (``...CreateAutomationRequestInput``).
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

from openapi_python_client.strings import ClassName
from openapi_python_client.strings import snake_case as oapc_snake_case

from ..loader import Document
from ..lock import NameLock
from ..naming import pascal_case
from .schemas import component_schemas, root_schemas, walk

_VERSION = re.compile(r"^v\d+[a-z0-9]*$", re.IGNORECASE)
# Names the generated modules import or define at module level (types.py, typing, the
# endpoint and model modules): a model class may not take one.
RESERVED_CLASS_NAMES = frozenset(
    {"Response", "Unset", "UNSET", "File", "FileTypes", "RequestFiles", "Any", "Mapping", "TypeVar",
     "TYPE_CHECKING", "Iterator", "AsyncIterator", "Literal", "Union", "Generic", "Callable",
     "MutableMapping", "IO", "BinaryIO", "Enum", "IntEnum", "StrEnum", "T", "GROUPS", "OPERATIONS",
     "Model", "TypedDict", "Sequence", "E", "M"}
)  # fmt: skip


def _module_key(name: str) -> str:
    """Two class names collide when their module files would: compare them as openapi-python-client names files."""
    return oapc_snake_case(name)


def _own_name(key: str) -> str:
    return str(ClassName(pascal_case(key.split(".")[-1]), ""))


def _candidates(key: str, override: str | None = None) -> list[str]:
    """Names for ``key`` from shortest to longest; the last is unique to the key."""
    *qualifiers, last = key.split(".")
    own = pascal_case(last)
    base = override if override and override.isidentifier() else pascal_case(override) if override else own
    plain = [q for q in reversed(qualifiers) if not _VERSION.match(q)]
    everything = list(reversed(qualifiers))
    names = [base, own]
    for count in range(1, len(plain) + 1):
        names.append("".join(pascal_case(q) for q in reversed(plain[:count])) + base)
    for count in range(1, len(everything) + 1):
        names.append("".join(pascal_case(q) for q in reversed(everything[:count])) + base)
    names.append(f"{names[-1]}Model")
    # as openapi-python-client will spell the class, so the lock records what users import
    return list(dict.fromkeys(str(ClassName(name, "")) for name in names))


def class_names(
    keys: list[str],
    overrides: dict[str, str] | None = None,
    locked: dict[str, str] | None = None,
    retired: frozenset[str] = frozenset(),
) -> dict[str, str]:
    """The class name of every schema key, by the rule in this module's docstring."""
    overrides, locked = overrides or {}, locked or {}
    fixed = {key: locked[key] for key in keys if key in locked}
    candidates = {key: _candidates(key, overrides.get(key)) for key in sorted(keys) if key not in fixed}
    level = dict.fromkeys(candidates, 0)
    # every locked name is taken: a present key's, and a removed key's until the next release
    reserved = {_module_key(name) for name in (*RESERVED_CLASS_NAMES, *locked.values(), *retired)}
    while True:
        by_name: dict[str, list[str]] = defaultdict(list)
        for key in candidates:
            by_name[_module_key(candidates[key][level[key]])].append(key)
        clashes = [group for name, group in by_name.items() if len(group) > 1 or name in reserved]
        if not clashes:
            return {**fixed, **{key: candidates[key][level[key]] for key in candidates}}
        for group in clashes:
            name = candidates[group[0]][level[group[0]]]
            owners = [k for k in group if level[k] == 0 and _own_name(k) == name]
            if len(owners) == 1 and _module_key(name) not in reserved:
                group = [k for k in group if k != owners[0]]  # the key whose own name it is keeps it
            for key in group:
                if level[key] + 1 < len(candidates[key]):
                    level[key] += 1
                else:  # fully qualified and still equal (e.g. "a.B" vs "a_b.B"): number them
                    candidates[key].append(f"{candidates[key][-1]}{group.index(key) + 1}")
                    level[key] = len(candidates[key]) - 1


def assign(doc: Document, lock: NameLock | None = None) -> None:
    lock = lock or NameLock()
    components = component_schemas(doc)
    component_ids = {id(schema) for schema in components.values()}
    for root in list(root_schemas(doc)):
        for schema in walk(root):
            if id(schema) not in component_ids and isinstance(schema.get("title"), str):
                del schema["title"]
    overrides = {
        key: str(schema["x-speakeasy-name-override"])
        for key, schema in components.items()
        if isinstance(schema.get("x-speakeasy-name-override"), str) and schema["x-speakeasy-name-override"]
    }
    for key, name in class_names(list(components), overrides, lock.models, lock.retired_models).items():
        components[key]["title"] = name
