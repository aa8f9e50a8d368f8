"""Identifier spelling rules shared by the passes (snake_case and PascalCase from API names)."""

from __future__ import annotations

import keyword
import re

# Word boundaries: "fooBar", "HTTPServer" -> "HTTP|Server", "V2Test" -> "V2|Test".
# A digit followed by a lone capital run stays joined ("A2UI" -> "a2ui", "S3" -> "s3"), and
# so does a plural acronym ("OwnerIDs" -> "Owner|IDs", not "I|Ds").
_UPPER_STARTS_WORD = r"(?=[A-Z](?!s(?![a-z]))[a-z])"
_BOUNDARY = re.compile(rf"(?<=[a-z])(?=[A-Z])|(?<=[A-Z]){_UPPER_STARTS_WORD}|(?<=[0-9]){_UPPER_STARTS_WORD}")
_NON_WORD = re.compile(r"[^0-9a-zA-Z]+")


def words(name: str) -> list[str]:
    """Split an API name ("AppOwnersV2", "app_owners", "c1-api") into its words."""
    out: list[str] = []
    for chunk in _NON_WORD.split(name):
        if chunk:
            out.extend(part for part in _BOUNDARY.split(chunk) if part)
    return out


def snake_case(name: str) -> str:
    """``AWSExternalIDSettings`` -> ``aws_external_id_settings``; always a valid identifier."""
    result = "_".join(word.lower() for word in words(name)) or "unnamed"
    if result[0].isdigit():
        result = "n" + result
    if keyword.iskeyword(result):
        result += "_"
    return result


def pascal_case(name: str) -> str:
    """``app_owners`` -> ``AppOwners``; a word's inner capitals are kept (``AppEntitlement``)."""
    result = "".join(word[0].upper() + word[1:] for word in words(name)) or "Unnamed"
    if result[0].isdigit():
        result = "N" + result
    return result
