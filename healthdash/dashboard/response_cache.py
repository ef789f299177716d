"""Callback responses kept per warehouse file version: a request seen before is answered from memory.

Sits on the Flask server under :func:`healthdash.dashboard.app.create_app`.  Every dashboard
callback's answer is a function of its request body (the inputs and states Dash sends) and
of the warehouse file, which a collection only ever replaces whole; views are memoised
already (:meth:`healthdash.dashboard.data.Warehouse.memo`), but turning a page of figures
into JSON again costs tens of milliseconds of CPU per request, which is what 20 concurrent
viewers of the same dashboard queue behind on two cores.  So the bytes of each answer are
kept, keyed by (file version, SHA-256 of the body), least recently used first out; a new
file starts afresh.  Only successful JSON answers up to :data:`MAX_BYTES` are kept.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

from flask import Response, g, request

from healthdash.errors import HealthdashError

#: Answers kept (a page load is a handful of requests; the largest page is ~0.3 MB of JSON).
SIZE = 512
#: Largest answer kept, in bytes.
MAX_BYTES = 2_000_000


def install(server, warehouse) -> None:
    """Answer repeated ``_dash-update-component`` requests of ``server`` from memory per ``warehouse`` version."""
    cache: OrderedDict[tuple, tuple[bytes, str]] = OrderedDict()
    lock = threading.Lock()

    @server.before_request
    def _answer_from_memory():
        if request.method != "POST" or not request.path.endswith("_dash-update-component"):
            return None
        try:
            version = warehouse.version()
        except HealthdashError:
            return None                       # no warehouse: nothing to key on
        key = (version, hashlib.sha256(request.get_data()).digest())
        with lock:
            hit = cache.get(key)
            if hit is not None:
                cache.move_to_end(key)
        if hit is None:
            g.response_key = key
            return None
        return Response(hit[0], mimetype=hit[1])

    @server.after_request
    def _keep(response):
        key = g.pop("response_key", None)
        if (key is not None and response.status_code == 200 and response.mimetype == "application/json"
                and not response.direct_passthrough):
            data = response.get_data()
            if len(data) <= MAX_BYTES:
                with lock:
                    if cache and next(reversed(cache))[0] != key[0]:
                        cache.clear()         # a new file: the old answers are of no use
                    cache[key] = (data, response.mimetype)
                    while len(cache) > SIZE:
                        cache.popitem(last=False)
        return response
