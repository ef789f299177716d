"""Each page's first full render in headless Chromium, its server work, and 20 concurrent clients.

Serves the dashboard over WAREHOUSE with waitress (as ``healthdash serve`` does) in this
process; Flask hooks add up the server time and count the requests of each page load.

* Baseline, measured in the same run: the app's 404 page (shell, router, no data).
* First full render of each page with empty caches (a fresh app per page): from navigation
  until every chart body holds its graph, table or message and no loading spinner is left;
  then the same URL again (memoised views, still a fresh browser tab).
* A narrow filter (one team, last year) on Participation: cold render.
* 20 concurrent clients replaying the recorded requests of every page load for
  ``--seconds``: p50 / p95 latency and requests per second.
* Peak RSS of the serving process.

Usage: python benchmarks/bench_pages.py WAREHOUSE [--seconds 20] [--clients 20]
"""

from __future__ import annotations

import argparse
import functools
import json
import logging
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
from healthdash.warehouse import reader  # noqa: E402

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
PAGES = ["/", "/participation", "/quality", "/security", "/strategic", "/commonality", "/consistency", "/data"]
RENDERED_JS = """
if (!document.querySelector('#page-content > *')) return false;
if (document.querySelector('._dash-loading, [data-dash-is-loading="true"], .dash-spinner')) return false;
if (document.querySelector('.chart-body:empty, .chart-fill:empty, .kpi-row:empty, #data-body:empty')) return false;
var plots = document.querySelectorAll('.js-plotly-plot');
for (var i = 0; i < plots.length; i++) { if (!(plots[i].data && plots[i]._fullLayout)) return false; }
return true;
"""


class Recorder:
    """Flask hooks: server seconds and requests per page load, and every callback request body."""

    def __init__(self, server) -> None:
        self.lock = threading.Lock()
        self.reset()
        server.before_request(self._before)
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


def render(driver, url: str, timeout: float = 120.0) -> float:
    """Seconds from navigation until every section of the page is rendered."""
    driver.get("about:blank")
    started = time.perf_counter()
    driver.get(url)
    while time.perf_counter() - started < timeout:
        if driver.execute_script(RENDERED_JS):
            return time.perf_counter() - started
        time.sleep(0.02)
    raise TimeoutError(f"{url} did not finish rendering in {timeout:.0f} s")


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


def run(warehouse: Path, clients: int = 20, seconds: float = 20.0, out=print) -> dict:
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)   # "task queue depth" is the point here
    profile = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    driver = browser(profile)
    results: dict = {"pages": {}}
    replay: list[bytes] = []
    try:
        base, recorder, server = serve(warehouse)
        baseline = statistics.median(render(driver, f"{base}/no-such-page") for _ in range(3))
        server.close()
        out(f"baseline: 404 page (shell and router, no data) first full render {baseline * 1000:7.0f} ms")
        out(f"{'page':<34}{'cold':>9}{'ratio':>8}{'server':>9}{'callbacks':>10}{'warm':>9}{'ratio':>8}"
        "   (server: all requests of the cold load; callbacks: callback round trips)")
        targets = [(page, "") for page in PAGES] + [("/participation", "?" + narrow_query(warehouse))]
        for page, query in targets:
            base, recorder, server = serve(warehouse)          # fresh app: empty caches
            try:
                cold = render(driver, base + page + query)
                server_s, requests = recorder.seconds, recorder.callbacks
                replay += recorder.bodies
                warm = render(driver, base + page + query)
            finally:
                server.close()
            label = page + (" (narrow)" if query else "")
            results["pages"][label] = {"cold": cold, "server": server_s, "requests": requests, "warm": warm}
            out(f"{label:<34}{cold * 1000:>8.0f}m{cold / baseline:>7.1f}x{server_s * 1000:>8.0f}m{requests:>10}"
                f"{warm * 1000:>8.0f}m{warm / baseline:>7.1f}x")
        base, recorder, server = serve(warehouse)
        for body in replay:                                     # warm the caches as a first visitor would
            urllib.request.urlopen(urllib.request.Request(f"{base}/_dash-update-component", data=body,
                                                          headers={"Content-Type": "application/json"})).read()
        single = load_test(base, replay, 1, min(seconds, 5.0))
        load = load_test(base, replay, clients, seconds)
        server.close()
        results["load"] = load
        out(f"1 client (baseline): p50 {single['p50'] * 1000:.0f} ms, p95 {single['p95'] * 1000:.0f} ms, "
            f"{single['rps']:.0f} req/s")
        out(f"{clients} concurrent clients for {seconds:.0f} s over {len(replay)} recorded requests: "
            f"p50 {load['p50'] * 1000:.0f} ms, p95 {load['p95'] * 1000:.0f} ms "
            f"({load['p95'] / single['p95']:.1f}x one client), {load['rps']:.0f} req/s, {load['errors']} errors")
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
    results["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out(f"peak RSS of the serving process: {results['peak_rss_mib']:.0f} MiB")
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("warehouse", type=Path)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args(argv)
    print(json.dumps(run(args.warehouse, args.clients, args.seconds, out=functools.partial(print, flush=True)),
                     default=float))


if __name__ == "__main__":
    main()
