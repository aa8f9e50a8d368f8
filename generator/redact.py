"""URLs as the maintainer CLI writes and prints them: without what could be a credential.

A document's URL or an index's URL may carry ``user:password@`` or a signed query
(``?token=…``, ``X-Amz-Signature=…``). ``source.json`` is committed and the CLI's output
lands in CI logs, so user info and the values of secret-looking query parameters are
replaced by ``***`` wherever a URL is written or printed.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

REDACTED = "***"
# A query parameter whose name contains one of these holds a credential or a signature.
SECRET_WORDS = (
    "token",
    "secret",
    "password",
    "passwd",
    "pwd",
    "key",
    "sig",
    "auth",
    "credential",
    "session",
    "code",
)
_URL = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s'\"<>]+")


def redact_url(url: str) -> str:
    """``url`` without user info and without the values of secret-looking query parameters."""
    try:
        parts = urlsplit(url)
        netloc = parts.netloc
    except ValueError:
        return REDACTED
    if "@" in netloc:
        netloc = f"{REDACTED}@{netloc.rsplit('@', 1)[1]}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        query = urlencode(
            [
                (name, REDACTED if any(word in name.lower() for word in SECRET_WORDS) else value)
                for name, value in pairs
            ],
            safe="*",
        )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def redact_urls_in(text: str) -> str:
    """Every URL in ``text`` redacted (:func:`redact_url`)."""
    return _URL.sub(lambda match: redact_url(match.group(0)), text)
