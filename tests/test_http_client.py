"""The shared HTTP client against a real local server: retries, rate limits, paging, secrecy."""

from __future__ import annotations

import json
import logging
import random

import pytest
from werkzeug import Response

from collectors.base import CollectorError
from collectors.http import ETagCache, HttpClient, HttpStatusError, RateLimited, parse_json

TOKEN = "ghp_SuperSecretTokenValue123"


class Clock:
    """A fake clock whose sleep just advances time, recording each sleep."""

    def __init__(self, now: float = 1_700_000_000.0):
        self.now = now
        self.sleeps: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def make_client(httpserver, clock=None, **kwargs) -> HttpClient:
    clock = clock or Clock()
    kwargs.setdefault("retries", 3)
    return HttpClient(httpserver.url_for("/"), backoff_base=0.01, backoff_cap=0.05, sleep=clock.sleep,
                      clock=clock.time, rng=random.Random(1), **kwargs)


def test_parse_json_strips_gerrit_prefix_once():
    assert parse_json(")]}'\n[{\"a\": 1}]") == [{"a": 1}]
    assert parse_json("{\"b\": 2}") == {"b": 2}


def test_gerrit_prefix_and_user_agent(httpserver):
    httpserver.expect_request("/changes/").respond_with_data(")]}'\n[]", content_type="application/json")
    client = make_client(httpserver)
    assert client.get_json("changes/") == []
    request, _ = httpserver.log[0]
    assert request.headers["User-Agent"].startswith("healthdash-collector/")


def test_429_with_retry_after_then_success(httpserver):
    clock = Clock()
    httpserver.expect_ordered_request("/x").respond_with_data("slow down", status=429, headers={"Retry-After": "7"})
    httpserver.expect_ordered_request("/x").respond_with_json({"ok": True})
    messages = []
    client = make_client(httpserver, clock, progress=lambda advance=0, message=None: messages.append(message))
    assert client.get_json("x") == {"ok": True}
    assert clock.sleeps == [7.0]                     # Retry-After wins over the backoff
    assert "HTTP 429" in messages[0] and "retrying in 7.0 s" in messages[0]


def test_500s_back_off_exponentially_then_succeed(httpserver):
    clock = Clock()
    for _ in range(2):
        httpserver.expect_ordered_request("/y").respond_with_data("oops", status=500)
    httpserver.expect_ordered_request("/y").respond_with_json([1, 2])
    client = make_client(httpserver, clock)
    assert client.get_json("y") == [1, 2]
    # base 0.01: attempt 0 sleeps in [0.005, 0.01], attempt 1 in [0.01, 0.02] (jitter factor 0.5..1)
    assert len(clock.sleeps) == 2
    assert 0.005 <= clock.sleeps[0] <= 0.01 and 0.01 <= clock.sleeps[1] <= 0.02


def test_backoff_is_capped():
    client = HttpClient(backoff_base=1.0, backoff_cap=4.0, rng=random.Random(3))
    assert all(2.0 <= client._backoff(n) <= 4.0 for n in range(3, 12))


def test_persistent_500_gives_one_line_error_naming_url(httpserver):
    httpserver.expect_request("/broken").respond_with_data("no", status=503)
    client = make_client(httpserver, retries=2)
    with pytest.raises(CollectorError) as err:
        client.get("broken", {"q": "status:open"})
    text = str(err.value)
    assert "\n" not in text and httpserver.url_for("/broken") in text and "after 3 attempts" in text
    assert len(httpserver.log) == 3


def test_truncated_body_is_retried_then_reported(httpserver):
    httpserver.expect_ordered_request("/t").respond_with_data(")]}'\n[{\"id\": 1, \"subj")
    httpserver.expect_ordered_request("/t").respond_with_data(")]}'\n[{\"id\": 1}]")
    client = make_client(httpserver)
    assert client.get_json("t") == [{"id": 1}]

    httpserver.clear()
    httpserver.expect_request("/t2").respond_with_data("{\"cut\": ")
    with pytest.raises(CollectorError, match="invalid JSON"):
        client.get_json("t2")


def test_short_content_length_is_a_transient_error(httpserver):
    def cut(_request):
        return Response(b'{"a": 1', headers={"Content-Length": "100"})
    httpserver.expect_ordered_request("/cut").respond_with_handler(cut)
    httpserver.expect_ordered_request("/cut").respond_with_json({"a": 1})
    client = make_client(httpserver)
    assert client.get_json("cut") == {"a": 1}


def test_connection_refused_is_one_clear_line():
    clock = Clock()
    client = HttpClient("http://127.0.0.1:9/", retries=1, backoff_base=0.001, sleep=clock.sleep,
                        timeout=(0.5, 0.5))
    with pytest.raises(CollectorError, match=r"127\.0\.0\.1:9.*ConnectionError"):
        client.get_json("changes/")


def test_404_is_not_retried(httpserver):
    httpserver.expect_request("/missing").respond_with_data("nope", status=404)
    with pytest.raises(HttpStatusError, match="HTTP 404") as err:
        make_client(httpserver).get_json("missing")
    assert len(httpserver.log) == 1 and err.value.status == 404


def test_github_rate_limit_sleeps_until_reset(httpserver):
    clock = Clock()
    reset = int(clock.now) + 120
    httpserver.expect_ordered_request("/repos").respond_with_json(
        {"message": "API rate limit exceeded"}, status=403,
        headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset), "x-ratelimit-resource": "core"})
    httpserver.expect_ordered_request("/repos").respond_with_json([{"id": 1}])
    messages = []
    client = make_client(httpserver, clock, progress=lambda advance=0, message=None: messages.append(message))
    assert client.get_json("repos") == [{"id": 1}]
    assert clock.sleeps[0] == pytest.approx(121.0)   # until reset, plus one second of slack
    assert any("rate limit (core) spent" in m and "sleeping 121 s" in m for m in messages)


def test_rate_limit_reset_too_far_raises(httpserver):
    clock = Clock()
    httpserver.expect_request("/far").respond_with_json(
        {}, status=403, headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(clock.now) + 7200)})
    client = make_client(httpserver, clock, max_wait=600)
    with pytest.raises(RateLimited) as err:
        client.get_json("far")
    assert err.value.seconds_to_reset > 7000


def test_spent_budget_on_success_waits_before_next_call(httpserver):
    clock = Clock()
    httpserver.expect_request("/last").respond_with_json(
        [], headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(clock.now) + 30)})
    assert make_client(httpserver, clock).get_json("last") == []
    assert clock.sleeps == [pytest.approx(31.0)]


def test_token_sent_but_never_logged_or_in_errors(httpserver, caplog, monkeypatch):
    monkeypatch.setenv("HD_TEST_TOKEN", TOKEN)
    caplog.set_level(logging.DEBUG)
    httpserver.expect_ordered_request("/p").respond_with_data("busy", status=502)
    httpserver.expect_ordered_request("/p").respond_with_json({"ok": 1})
    httpserver.expect_request("/denied").respond_with_data(f"bad token {TOKEN}", status=500)
    clock = Clock()
    client = HttpClient.from_options(httpserver.url_for("/"), {"token_env": "HD_TEST_TOKEN", "retries": 1,
                                                               "backoff_base": 0.001}, sleep=clock.sleep)
    assert client.get_json("p") == {"ok": 1}
    assert httpserver.log[0][0].headers["Authorization"] == f"Bearer {TOKEN}"
    with pytest.raises(CollectorError) as err:
        client.get_json("denied")
    assert TOKEN not in str(err.value) and "denied" in str(err.value)
    assert TOKEN not in caplog.text and "retrying" in caplog.text


def test_safe_url_hides_secret_query_params_and_userinfo():
    client = HttpClient("https://review.example.org/", token="bob:" + TOKEN, auth="basic")
    text = client.safe_url(f"https://bob:{TOKEN}@review.example.org/a/changes/?q=x&access_token={TOKEN}")
    assert TOKEN not in text and text.startswith("https://review.example.org/a/changes/?q=x&access_token=***")


def test_missing_token_env_is_clear(monkeypatch):
    monkeypatch.delenv("HD_NOPE", raising=False)
    with pytest.raises(CollectorError, match="HD_NOPE"):
        HttpClient.from_options("https://api.github.com", {"token_env": "HD_NOPE"})


def test_token_not_sent_to_other_hosts(httpserver):
    url = httpserver.url_for("/page2")
    other = url.replace("localhost", "127.0.0.1") if "localhost" in url else url.replace("127.0.0.1", "localhost")
    httpserver.expect_request("/page1").respond_with_json([1], headers={"Link": f'<{other}>; rel="next"'})
    httpserver.expect_request("/page2").respond_with_json([2])
    client = make_client(httpserver, token=TOKEN)
    assert [r.data for r in client.link_pages("page1")] == [[1], [2]]
    assert "Authorization" in httpserver.log[0][0].headers
    assert "Authorization" not in httpserver.log[1][0].headers


def test_github_link_pagination(httpserver):
    base = httpserver.url_for("/repos/o/r/pulls")
    for page in (1, 2, 3):
        nxt = {"Link": f'<{base}?state=all&page={page + 1}>; rel="next", <{base}?state=all&page=3>; rel="last"'}
        httpserver.expect_request("/repos/o/r/pulls", query_string=f"state=all&page={page}").respond_with_json(
            [{"number": page}], headers=nxt if page < 3 else {})
    pages = list(make_client(httpserver).link_pages("repos/o/r/pulls", {"state": "all", "page": 1}))
    assert [p.data[0]["number"] for p in pages] == [1, 2, 3]


def test_gerrit_more_changes_pagination(httpserver):
    def page(start, n, more):
        items = [{"_number": i} for i in range(start, start + n)]
        if more:
            items[-1]["_more_changes"] = True
        return ")]}'\n" + json.dumps(items)
    httpserver.expect_request("/changes/", query_string="q=project%3Anova&n=2&S=0").respond_with_data(page(0, 2, True))
    httpserver.expect_request("/changes/", query_string="q=project%3Anova&n=2&S=2").respond_with_data(page(2, 2, True))
    httpserver.expect_request("/changes/", query_string="q=project%3Anova&n=2&S=4").respond_with_data(page(4, 1, False))
    pages = list(make_client(httpserver).gerrit_pages("changes/", {"q": "project:nova"}, page_size=2))
    assert [[c["_number"] for c in p] for p in pages] == [[0, 1], [2, 3], [4]]


def test_launchpad_next_collection_link(httpserver):
    second = httpserver.url_for("/nova?ws.op=searchTasks&ws.start=2")
    httpserver.expect_request("/nova", query_string="ws.op=searchTasks").respond_with_json(
        {"entries": [{"id": 1}, {"id": 2}], "next_collection_link": second, "total_size": 3})
    httpserver.expect_request("/nova", query_string="ws.op=searchTasks&ws.start=2").respond_with_json(
        {"entries": [{"id": 3}], "total_size": 3})
    pages = list(make_client(httpserver).launchpad_pages("nova", {"ws.op": "searchTasks"}))
    assert [[e["id"] for e in p] for p in pages] == [[1, 2], [3]]


def test_etag_conditional_requests_persist_across_clients(httpserver, tmp_path):
    def handler(request):
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304, headers={"ETag": '"v1"'})
        return Response(json.dumps([{"n": 1}]), headers={"ETag": '"v1"', "Link": "<http://x/2>; rel=\"last\""},
                        content_type="application/json")
    httpserver.expect_request("/e").respond_with_handler(handler)
    first = make_client(httpserver, cache=ETagCache(tmp_path / "cache")).get("e")
    second = make_client(httpserver, cache=ETagCache(tmp_path / "cache")).get("e")
    assert not first.cached and second.cached and second.data == [{"n": 1}] and second.status == 304
    assert httpserver.log[1][0].headers["If-None-Match"] == '"v1"'
    assert second.link("last") == "http://x/2"


def test_memory_cache_is_bounded():
    cache = ETagCache(max_entries=2)
    for key in "abc":
        cache.put(key, "e", key)
    assert cache.get("a") is None and cache.get("c")["data"] == "c"
