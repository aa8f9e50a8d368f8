"""Strings from the document as our templates use them (openapi-python-client wraps them)."""

from __future__ import annotations

from openapi_python_client import strings
from openapi_python_client.schema.untrusted_string import UntrustedString


def text(value: object) -> str:
    """The plain value of a string from the document."""
    if isinstance(value, UntrustedString):
        return value.get_untrusted_value()
    if isinstance(value, strings.PythonCode):
        return value.as_unembedded_code()
    return "" if value is None else str(value)


def doc(value: object) -> str:
    """Document text made safe to place inside a triple-quoted docstring."""
    return strings.safe_for_docstring(" ".join(text(value).split()))


def table_cell(value: object) -> str:
    """Text for one cell of a markdown table: on one line, its pipes escaped (a ``|``, even
    inside a code span such as `` `Model | ModelDict` ``, would otherwise end the cell)."""
    return " ".join(str(value).split()).replace("|", "\\|")
