"""Each page's first full render in headless Chromium, its server work, and 20 concurrent clients.

Serves the dashboard over WAREHOUSE with waitress (as ``healthdash serve`` does) in this
process; Flask hooks add up the server time and count the requests of each page load.

* Baseline, measured in the same run: the app's 404 page (shell, router, no data), cold browser.
* Per page, first full render = from navigation start (``performance.timeOrigin``) until every
  chart body of the open tab on the first screen (1600 x 1000) holds its drawn graph, table or
  message, every KPI row its cards, and no loading spinner is left, timed in the page by a
  ``requestAnimationFrame`` hook (``performance.now()``).  A chart below the screen is drawn when
  it comes near (assets/plotly-loader.js); "all" is the time until every chart of the tab is drawn
  when the page is scrolled down to each waiting chart in turn, as soon as the first screen is:
  - cold: a fresh app (empty memo: nothing computed yet) and a fresh browser profile;
  - cold browser, warm server: the same app (the page's views now memoised, as after
    ``serve``'s warm-up), a fresh browser profile;
  - warm: the same browser and app again.
* A narrow filter (one team, last year) on Participation, cold.
* ``serve``'s warm-up: seconds to compute every page's default view on a fresh app.
* 20 concurrent clients replaying the recorded requests of every page load for ``--seconds``:
  p50 / p95 latency and requests per second, against one client (baseline).
* Peak RSS of the serving process.

Usage: python benchmarks/bench_pages.py WAREHOUSE [--seconds 20] [--clients 20] [--pages /,/quality]
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import logging
import os
import resource
import shutil
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask import g, request  # noqa: E402
from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from waitress.server import create_server  # noqa: E402

from healthdash.dashboard.app import create_app  # noqa: E402
from healthdash.dashboard.warmup import warm as warm_views  # noqa: E402
from healthdash.warehouse import reader  # noqa: E402

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
PAGES = ["/", "/participation", "/quality", "/security", "/strategic", "/commonality", "/consistency", "/data"]
#: In the page: resolve with performance.now() at the first frame where everything is drawn.
RENDERED_JS = """
var done = arguments[arguments.length - 1];
function drawn() {
    if (!document.querySelector('#page-content > *')) return false;
    if (document.querySelector('._dash-loading, [data-dash-is-loading="true"], .dash-spinner')) return false;
    if (document.querySelector('.chart-body:empty, .chart-fill:empty, .kpi-row:empty, #data-body:empty')) return false;
    /* a graph laid out on the server waits for plotly.js as .dash-graph--pending, with no plot yet;
       one below the screen waits until it comes near (whole: every graph, scrolling to each) */
    var graphs = document.querySelectorAll('.dash-graph');
    for (var i = 0; i < graphs.length; i++) {
        if (!WHOLE && graphs[i].getBoundingClientRect().top > window.innerHeight + 100) continue;
        var plot = graphs[i].classList.contains('js-plotly-plot') ? graphs[i] : graphs[i].querySelector('.js-plotly-plot');
        if (graphs[i].classList.contains('dash-graph--pending') || (plot && plot.classList.contains('dash-graph--pending'))
                || !(plot && plot.data && plot._fullLayout && plot.querySelector('.main-svg'))) {
            if (WHOLE) graphs[i].scrollIntoView({block: 'center'});
            return false;
        }
    }
    return true;
}
function look() { if (drawn()) { done(performance.now()); } else { requestAnimationFrame(look); } }
look();
"""
WHOLE_JS = "var WHOLE = true;" + RENDERED_JS
RENDERED_JS = "var WHOLE = false;" + RENDERED_JS


class Recorder:
    """Flask hooks: server seconds and requests per page load, and every callback request body."""

    def __init__(self, server) -> None:
        self.lock = threading.Lock()
        self.reset()
        server.before_request_funcs.setdefault(None, []).insert(0, self._before)   # first: times everything
        server.after_request(self._after)

    def reset(self) -> None:
        with self.lock:
            self.seconds, self.requests, self.callbacks, self.bodies = 0.0, 0, 0, []

    def _before(self) -> None:
        g.started = time.perf_counter()

    def _after(self, response):
        elapsed = time.perf_counter() - g.started
        with self.lock:
            self.seconds += elapsed
            self.requests += 1
            if request.path.endswith("_dash-update-component"):
                self.callbacks += 1
                self.bodies.append(request.get_data())
        return response


def serve(warehouse: Path):
    app = create_app(warehouse=warehouse)
    recorder = Recorder(app.server)
    recorder.context = app.server.config["HEALTHDASH_CONTEXT"]
    server = create_server(app.server, host="127.0.0.1", port=0, threads=8)
    threading.Thread(target=server.run, daemon=True).start()
    return f"http://127.0.0.1:{server.effective_port}", recorder, server


def browser(profile: Path):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-dev-shm-usage", "--no-first-run", f"--user-data-dir={profile}", "--window-size=1600,1000"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def render(driver, url: str, timeout: float = 180.0, whole: list | None = None) -> float:
    """Seconds from navigation start until every section on the first screen is drawn (in-page
    timing); with ``whole``, appends the seconds until every chart is drawn, scrolling to each."""
    driver.get("about:blank")
    driver.set_script_timeout(timeout)
    driver.get(url)
    first = driver.execute_async_script(RENDERED_JS) / 1000
    if whole is not None:
        whole.append(driver.execute_async_script(WHOLE_JS) / 1000)
    return first


@contextlib.contextmanager
def fresh_browser():
    """A headless Chromium with an empty profile (no cached bundles), removed afterwards."""
    profile = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    driver = browser(profile)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def narrow_query(warehouse: Path) -> str:
    with reader(warehouse) as con:
        team, end = con.execute("""
            SELECT team, (SELECT max(ts)::DATE FROM contribution_facts) FROM contribution_facts
            WHERE kind = 'commit' AND team <> 'Unassigned' GROUP BY team ORDER BY count(*) DESC LIMIT 1""").fetchone()
    return urllib.parse.urlencode({"team": team, "start": end.replace(year=end.year - 1).isoformat()})


def load_test(base: str, bodies: list[bytes], clients: int, seconds: float) -> dict:
    """``clients`` threads replaying ``bodies`` (callback requests) for ``seconds``."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client(offset: int) -> None:
        nonlocal errors
        index = offset
        while time.perf_counter() < deadline:
            body = bodies[index % len(bodies)]
            index += 1
            req = urllib.request.Request(f"{base}/_dash-update-component", data=body,
                                         headers={"Content-Type": "application/json"})
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(req, timeout=60) as response:
                    response.read()
                    ok = response.status in (200, 204)
            except Exception:  # noqa: BLE001 - counted, the load goes on
                ok = False
            with lock:
                latencies.append(time.perf_counter() - started)
                errors += not ok

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, range(clients)))
    latencies.sort()
    return {"requests": len(latencies), "errors": errors, "p50": statistics.median(latencies),
            "p95": latencies[int(0.95 * (len(latencies) - 1))], "rps": len(latencies) / seconds}


def cold_render(base: str, url: str) -> float:
    with fresh_browser() as driver:
        return render(driver, base + url)


def run(warehouse: Path, clients: int = 20, seconds: float = 20.0, out=print, pages: list[str] | None = None) -> dict:
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)   # "task queue depth" is the point here
    results: dict = {"pages": {}, "load": os.getloadavg()}
    replay: list[bytes] = []
    out(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}, {os.cpu_count()} CPUs")
    base, recorder, server = serve(warehouse)
    baseline = statistics.median(cold_render(base, "/no-such-page") for _ in range(3))
    server.close()
    out(f"baseline: 404 page (shell and router, no data), cold browser: first full render {baseline * 1000:6.0f} ms")
    out(f"{'page':<28}{'cold':>8}{'ratio':>7}{'server':>8}{'reqs':>6}{'cold br.':>9}{'ratio':>7}{'server':>8}"
        f"{'warm':>8}{'ratio':>7}{'all':>8}   (first screen drawn; cold: empty memo, new browser; cold br.: memo "
        "warm, new browser; server: time in all requests of that load; reqs: callback requests; all: cold br. until "
        "every chart of the tab is drawn, scrolling to each)")
    targets = [(page, "") for page in (pages or PAGES)] + [("/participation", "?" + narrow_query(warehouse))]
    for page, query in targets:
        base, recorder, server = serve(warehouse)          # fresh app: empty memo
        try:
            cold = cold_render(base, page + query)
            server_s, requests = recorder.seconds, recorder.callbacks
            replay += recorder.bodies
            recorder.reset()
            with fresh_browser() as driver:
                scrolled: list[float] = []
                first = render(driver, base + page + query, whole=scrolled)
                first_server = recorder.seconds
                warm = render(driver, base + page + query)
        finally:
            server.close()
            recorder.context.warehouse.close()     # the next page starts from a fresh app
        label = page + (" (narrow)" if query else "")
        results["pages"][label] = {"cold": cold, "server": server_s, "requests": requests,
                                   "cold_browser": first, "cold_browser_server": first_server, "warm": warm,
                                   "cold_browser_all": scrolled[0]}
        out(f"{label:<28}{cold * 1000:>7.0f}m{cold / baseline:>6.1f}x{server_s * 1000:>7.0f}m{requests:>6}"
            f"{first * 1000:>8.0f}m{first / baseline:>6.1f}x{first_server * 1000:>7.0f}m"
            f"{warm * 1000:>7.0f}m{warm / baseline:>6.1f}x{scrolled[0] * 1000:>7.0f}m")
    app = create_app(warehouse=warehouse)
    started = time.perf_counter()
    views = warm_views(app.server.config["HEALTHDASH_CONTEXT"])
    results["warmup_s"] = time.perf_counter() - started
    out(f"serve's warm-up: {views} default views (every page, no filters) in {results['warmup_s']:.1f} s")
    base, recorder, server = serve(warehouse)
    for body in replay:                                     # warm the caches as a first visitor would
        urllib.request.urlopen(urllib.request.Request(f"{base}/_dash-update-component", data=body,
                                                      headers={"Content-Type": "application/json"})).read()
    single = load_test(base, replay, 1, min(seconds, 5.0))
    load = load_test(base, replay, clients, seconds)
    server.close()
    results["load_test"], results["single"] = load, single
    out(f"1 client (baseline): p50 {single['p50'] * 1000:.0f} ms, p95 {single['p95'] * 1000:.0f} ms, "
        f"{single['rps']:.0f} req/s")
    out(f"{clients} concurrent clients for {seconds:.0f} s over {len(replay)} recorded requests: "
        f"p50 {load['p50'] * 1000:.0f} ms, p95 {load['p95'] * 1000:.0f} ms "
        f"({load['p95'] / single['p95']:.1f}x one client), {load['rps']:.0f} req/s, {load['errors']} errors")
    results["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out(f"peak RSS of the serving process: {results['peak_rss_mib']:.0f} MiB")
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("warehouse", type=Path)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--pages", default="", help="comma-separated paths (default: every page)")
    args = parser.parse_args(argv)
    pages = [p for p in args.pages.split(",") if p] or None
    print(json.dumps(run(args.warehouse, args.clients, args.seconds, out=functools.partial(print, flush=True),
                         pages=pages), default=float))


if __name__ == "__main__":
    main()
