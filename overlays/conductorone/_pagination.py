"""Cursor pagination: every item of every page, or page by page.

``client.<group>.iter_<operation>(...)`` returns a :class:`SyncPages` (``AsyncPages`` on the
async client). Iterating it yields every item of every page; ``.pages()`` yields each page
(the operation's response model, with its ``next_page_token``). A page is fetched only when
the loop gets to it, and a cursor the server already sent raises :class:`PaginationError`
instead of looping for ever. It is an iterator: a loop that stops early and another that
follows go on from the same item; ``pages()`` walks the pages afresh from the first.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any, Generic, TypeVar

import attrs

from ._exceptions import PaginationError

ItemT = TypeVar("ItemT")
PageT = TypeVar("PageT")


@attrs.frozen
class Cursor:
    """Where a page's cursor goes (``options[container][cursor]``) and where the next one is."""

    container: str  # "params" (query string) or "json" (request body)
    cursor: str
    items: str  # the page model's attribute with the page's items
    next_cursor: str  # the page model's attribute with the next page's cursor


class _Walk:
    """One walk through the pages: the options of the next page, refusing a repeated cursor."""

    __slots__ = ("_cursor", "_options", "_seen")

    def __init__(self, options: dict[str, Any], cursor: Cursor) -> None:
        self._options, self._cursor = options, cursor
        start = (options.get(cursor.container) or {}).get(cursor.cursor)
        self._seen = {start} if isinstance(start, str) and start else set()

    def items(self, page: Any) -> Any:
        return getattr(page, self._cursor.items, None) or ()

    def next_options(self, page: Any) -> dict[str, Any] | None:
        token = getattr(page, self._cursor.next_cursor, None)
        if not isinstance(token, str) or not token:
            return None
        if token in self._seen:
            raise PaginationError(
                f"the server repeated the page cursor {token!r} after {len(self._seen)} page(s); "
                "stopped instead of looping"
            )
        self._seen.add(token)
        following: dict[str, Any] = dict(self._options)
        container = self._cursor.container
        following[container] = {**(self._options.get(container) or {}), self._cursor.cursor: token}
        return following


def _pages_repr(pages: SyncPages[Any, Any] | AsyncPages[Any, Any]) -> str:
    options = pages._options
    fetched = pages._pages_fetched
    return f"<{type(pages).__name__} {options.get('method', '?')} {options.get('url', '?')}: {fetched} page(s) fetched>"


class SyncPages(Generic[ItemT, PageT]):
    """Every item of every page (iterate), or the pages themselves (``pages()``)."""

    __slots__ = ("_cursor", "_fetch", "_items", "_options", "_pages_fetched")

    def __init__(
        self, options: dict[str, Any], cursor: Cursor, fetch: Callable[[dict[str, Any]], Any]
    ) -> None:
        self._options, self._cursor, self._fetch = options, cursor, fetch
        self._items: Iterator[ItemT] | None = None
        self._pages_fetched = 0

    def pages(self) -> Iterator[PageT]:
        walk = _Walk(self._options, self._cursor)
        options: dict[str, Any] | None = self._options
        while options is not None:
            page = self._fetch(options)
            self._pages_fetched += 1
            yield page
            options = walk.next_options(page)

    def __iter__(self) -> SyncPages[ItemT, PageT]:
        return self

    def __repr__(self) -> str:
        return _pages_repr(self)

    def __next__(self) -> ItemT:
        if self._items is None:
            self._items = self._every_item()
        return next(self._items)

    def _every_item(self) -> Iterator[ItemT]:
        walk = _Walk(self._options, self._cursor)
        for page in self.pages():
            yield from walk.items(page)


class AsyncPages(Generic[ItemT, PageT]):
    """Every item of every page (``async for``), or the pages themselves (``pages()``)."""

    __slots__ = ("_cursor", "_fetch", "_items", "_options", "_pages_fetched")

    def __init__(
        self, options: dict[str, Any], cursor: Cursor, fetch: Callable[[dict[str, Any]], Awaitable[Any]]
    ) -> None:
        self._options, self._cursor, self._fetch = options, cursor, fetch
        self._items: AsyncIterator[ItemT] | None = None
        self._pages_fetched = 0

    async def pages(self) -> AsyncIterator[PageT]:
        walk = _Walk(self._options, self._cursor)
        options: dict[str, Any] | None = self._options
        while options is not None:
            page = await self._fetch(options)
            self._pages_fetched += 1
            yield page
            options = walk.next_options(page)

    def __aiter__(self) -> AsyncPages[ItemT, PageT]:
        return self

    def __repr__(self) -> str:
        return _pages_repr(self)

    async def __anext__(self) -> ItemT:
        if self._items is None:
            self._items = self._every_item()
        return await self._items.__anext__()

    async def _every_item(self) -> AsyncIterator[ItemT]:
        walk = _Walk(self._options, self._cursor)
        async for page in self.pages():
            for item in walk.items(page):
                yield item


__all__ = ["AsyncPages", "Cursor", "SyncPages"]
