"""Serving the dashboard: a production WSGI server, Flask's development server only for ``--debug``.

Sits on top of :func:`healthdash.dashboard.app.create_app`.  Flask's development
server handles requests one thread per request with no backlog tuning and warns
against production use; waitress is a pure-Python production WSGI server with a
fixed pool of threads.  Threads suit this app: each request reads the warehouse
through its own DuckDB cursor and DuckDB runs queries without holding the GIL,
and the per-process caches (frames, rendered views) are shared by all threads.
"""

from __future__ import annotations

import os

#: Worker threads: enough for 20 concurrent clients' short requests on a small machine.
DEFAULT_THREADS = max(8, 4 * (os.cpu_count() or 2))


def serve_app(dash_app, *, host: str, port: int, debug: bool = False, threads: int = DEFAULT_THREADS,
              warm: bool = True) -> None:
    """Serve ``dash_app`` until interrupted: waitress, or Dash's debug server with ``debug``; with
    ``warm``, every page's default view is computed at start and after each collection."""
    if warm:
        from healthdash.dashboard.warmup import start_warmer  # noqa: PLC0415

        start_warmer(dash_app.server.config["HEALTHDASH_CONTEXT"])
    if debug:
        dash_app.run(host=host, port=port, debug=True)
        return
    from waitress import serve  # noqa: PLC0415 - only the serving process needs it

    serve(dash_app.server, host=host, port=port, threads=threads, ident="healthdash",
          connection_limit=200, channel_timeout=60)
