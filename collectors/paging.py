"""Pagination for the three styles the HTTP sources use, with guards against pages that lie.

Where it sits: under :class:`collectors.http.HttpClient`, whose ``gerrit_pages``,
``link_pages`` and ``launchpad_pages`` delegate here.  Real services and the
proxies in front of them sometimes answer a page with the previous page again,
or drop the "more" marker before the end.  Following such pages blindly loses
items silently, so:

* a page identical to the previous one stops the source with one line (a rerun
  resumes; nothing is skipped without a word);
* a FULL Gerrit or GitHub page without a next marker is followed by one probe
  request for the next page (Gerrit ``S=``, GitHub ``page=``): when the probe
  holds items the paging goes on, when it is empty this was the end;
* a Launchpad collection whose ``total_size`` says entries are missing when
  ``next_collection_link`` stops is followed with ``ws.start``; a probe that
  comes back empty while entries are still missing fails the source.
"""

from __future__ import annotations

from typing import Any, Iterator, Mapping, Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from collectors.base import CollectorError, expect_objects



class PageReply(Protocol):
    """What the walkers read of a response (:class:`collectors.http.Reply` is one)."""

    url: str
    data: Any

    def link(self, rel: str = "next") -> str | None: ...


class PagingClient(Protocol):
    """What the walkers need of a client (:class:`collectors.http.HttpClient` is one); declared
    here so this module does not import the client that imports it."""

    def get(self, path_or_url: str, params: Any = None) -> PageReply: ...

    def get_json(self, path_or_url: str, params: Any = None) -> Any: ...

    def safe_url(self, url: str) -> str: ...

    def url(self, path_or_url: str) -> str: ...


def _repeated(client: PagingClient, url: str) -> CollectorError:
    return CollectorError(f"{client.safe_url(url)}: the page repeats the previous one; stopped so that no "
                          "page is skipped silently (run the collection again)")


def gerrit_pages(client: PagingClient, path: str, params: Mapping[str, Any] | list[tuple[str, Any]],
                 *, page_size: int, overlap: int) -> Iterator[list[dict]]:
    """Gerrit pages: ``_more_changes`` on the last item, next page by ``S=`` offset."""
    base = list(params.items()) if isinstance(params, Mapping) else list(params)
    base = [(k, v) for k, v in base if k not in ("n", "S", "start")]
    where = f"{client.safe_url(client.url(path))} (Gerrit changes)"
    offset, previous = 0, None
    while True:
        page = expect_objects(client.get_json(path, base + [("n", page_size), ("S", offset)]), where)
        if page and page == previous:
            raise _repeated(client, client.url(path) + f"?S={offset}")
        if page:
            yield page
        more = bool(page) and bool(page[-1].get("_more_changes"))
        if not more and len(page) < page_size:
            return
        # ``_more_changes`` says there is more - or a full page came without it: probe the next offset
        offset += len(page) - overlap if len(page) > overlap else len(page)
        previous = page


def _next_page_url(url: str) -> str:
    """``url`` asking for the page after the one it asks for (GitHub ``page=``, 1-based)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    page = next((int(v) for k, v in query if k == "page" and v.isdigit()), 1)
    query = [(k, v) for k, v in query if k != "page"] + [("page", str(page + 1))]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


def link_pages(client: PagingClient, path: str, params: Mapping[str, Any] | None = None) -> Iterator[PageReply]:
    """GitHub pages: ``Link: <...>; rel="next"``; a full page (``per_page`` items) without it is probed."""
    per_page = int((params or {}).get("per_page") or 0)
    reply = client.get(path, params)
    seen: set[str] = set()
    previous = None
    while True:
        if previous is not None and reply.data and reply.data == previous:
            raise _repeated(client, reply.url)
        yield reply
        nxt = reply.link("next")
        if not nxt and per_page and isinstance(reply.data, list) and len(reply.data) >= per_page:
            nxt = _next_page_url(reply.url)  # a full page without rel="next": ask once for the next
        if not nxt or nxt in seen:
            return
        seen.add(nxt)
        previous = reply.data
        reply = client.get(nxt)
        if not reply.link("next") and not reply.data and per_page:
            return  # the probe found the real end


def _with_start(url: str, start: int) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "ws.start"]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query + [("ws.start", str(start))]),
                       parts.fragment))


def launchpad_pages(client: PagingClient, path: str, params: Mapping[str, Any] | None = None) -> Iterator[list[dict]]:
    """Launchpad pages: ``next_collection_link``, checked against ``total_size``."""
    reply = client.get(path, params)
    where = client.safe_url(client.url(path))
    seen: set[str] = set()
    previous, count = None, 0
    while True:
        data = reply.data
        if not isinstance(data, dict):
            raise CollectorError(f"{where}: expected a Launchpad collection object")
        entries = expect_objects(data.get("entries") or [], f"{where} entries")
        if entries and entries == previous:
            raise _repeated(client, reply.url)
        total = data.get("total_size")
        if previous is not None and not entries and isinstance(total, int) and count < total:
            raise CollectorError(f"{where}: pagination ended early: {count} of {total} entries "
                                 "(run the collection again)")
        yield entries
        count += len(entries)
        nxt = data.get("next_collection_link")
        if not nxt and isinstance(total, int) and count < total and entries:
            start = data.get("start") if isinstance(data.get("start"), int) else count - len(entries)
            nxt = _with_start(reply.url, start + len(entries))  # total_size says more: ask for it
        if not nxt or nxt in seen:
            return
        seen.add(nxt)
        previous = entries
        reply = client.get(nxt)
