"""Normalisation passes: general rules applied to every document after the overlays.

Each pass is a function that changes the document in place. They encode what is better done
by rule than by listing paths, so the same build works on API versions not seen yet. Order
matters: nullability is settled before shapes (see ``shapes.py``'s table), and both before names, since folding ``oneOf [X, null]`` can move a
schema's keywords.
"""

from __future__ import annotations

from collections.abc import Callable

from ..loader import Document
from ..lock import NameLock
from . import model_names, nullability, operation_names, response_fields, shapes

Pass = Callable[[Document], None]
NamingPass = Callable[[Document, NameLock], None]

PASSES: tuple[tuple[str, Pass], ...] = (
    ("nullability", nullability.strip_null),
    ("shapes", shapes.normalise_shapes),
    ("response-fields", response_fields.relax_required),
)
# The naming passes also take the name lock (generator/lock.py): locked names are kept.
NAMING_PASSES: tuple[tuple[str, NamingPass], ...] = (
    ("model-names", model_names.assign),
    ("operation-names", operation_names.assign),
)


def normalise(doc: Document, lock: NameLock | None = None) -> None:
    for _name, apply in PASSES:
        apply(doc)
    for _name, name in NAMING_PASSES:
        name(doc, lock or NameLock())
