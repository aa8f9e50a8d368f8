"""Responses: every field may be missing, so no schema a response uses has ``required``.

The API omits fields at their default value (protobuf JSON), a newer server may stop sending
a field, and older servers never sent new ones. A client that refuses such a response helps
nobody, so ``required`` is dropped from every schema reachable from a response body. Schemas
used only in requests keep it, so constructors still ask for what the server needs.
"""

from __future__ import annotations

from ..loader import Document
from .schemas import component_schemas, response_schemas, walk

_COMPONENT_PREFIX = "#/components/schemas/"


def relax_required(doc: Document) -> None:
    components = component_schemas(doc)
    pending = list(response_schemas(doc))
    seen_components: set[str] = set()
    while pending:
        for schema in walk(pending.pop()):
            if isinstance(schema.get("required"), list):
                del schema["required"]
            ref = schema.get("$ref")
            if isinstance(ref, str) and ref.startswith(_COMPONENT_PREFIX):
                name = ref[len(_COMPONENT_PREFIX) :].replace("~1", "/").replace("~0", "~")
                if name in components and name not in seen_components:
                    seen_components.add(name)
                    pending.append(components[name])
