"""The browser-side callbacks' JavaScript: what the dashboard does without a request.

Sits under :mod:`healthdash.dashboard.callbacks`, which registers these functions with
``app.clientside_callback``.  They keep the URL and the filter bar in step, reduce the URL to
what each section reads (so only sections whose keys changed ask the server for a redraw),
and keep links carrying the filters current, all without a round trip.  The query string
they build is the one :meth:`healthdash.metrics.Filters.to_query` writes (same key order,
``urlencode``'s escaping), so a link built in the browser and one built on the server match.
"""

from __future__ import annotations

import json

from healthdash.dashboard.context import EXTRA_KEYS

SHELL_MODE_JS = """
function(pathname, search) {
    var classes = ['app-shell'];
    if ((pathname || '').indexOf('/embed') === 0) { classes.push('embed'); }
    if (/[?&]present=(1|true|yes)(&|$)/.test(search || '')) { classes.push('present'); }
    if (/[?&]theme=dark(&|$)/.test(search || '')) { classes.push('dark'); }
    return classes.join(' ');
}
"""

NAV_JS = r"""
function(pathname, search) {
    var paths = %s;
    var query = search || '';
    var hrefs = paths.map(function (p) { return p + query; });
    var classes = paths.map(function (p) {
        var here = p === '/' ? pathname === '/' : (pathname || '').indexOf(p) === 0;
        return here ? 'nav-link active' : 'nav-link';
    });
    var rest = query.replace(/^\?/, '').split('&').filter(function (kv) {
        return kv && kv.indexOf('present=') !== 0;
    });
    var plain = (pathname || '/') + (rest.length ? '?' + rest.join('&') : '');
    var present = (pathname || '/') + '?' + rest.concat(['present=1']).join('&');
    return hrefs.concat(classes, [present, plain]);
}
"""

SVG_JS = """
function(n, id) {
    if (!n) { return window.dash_clientside.no_update; }
    var card = document.getElementById('card-' + id.name);
    var gd = card && card.querySelector('.js-plotly-plot');
    if (gd && window.Plotly) {
        var options = (gd._context && gd._context.toImageButtonOptions) || {};
        window.Plotly.downloadImage(gd, {format: 'svg', width: 1600, height: 900,
                                         filename: options.filename || id.name});
    }
    return window.dash_clientside.no_update;
}
"""


#: ``[[key, value], ...]`` of a query string for the keys in ``reads``, in URL order (the
#: server's :func:`healthdash.dashboard.context.section_pairs` reads the same pairs).
PAIRS_JS = """
function hdPairs(search, reads) {
    var pairs = [];
    new URLSearchParams((search || '').replace(/^\\?/, '')).forEach(function (value, key) {
        if (reads.indexOf(key) >= 0) { pairs.push([key, value]); }
    });
    return pairs;
}
"""

#: A section's store gets the URL's pairs for its keys only when they changed (its redraw).
SECTION_JS = """
function(search, data) {
    %s
    if (!data || !data.query) { return window.dash_clientside.no_update; }
    var pairs = hdPairs(search, data.reads || []);
    if (JSON.stringify(pairs) === JSON.stringify(data.query)) { return window.dash_clientside.no_update; }
    return {reads: data.reads, query: pairs};
}
""" % PAIRS_JS


def chrome_js(reads) -> str:
    """The status banner / filter summary / dropdown options' store: the kind of page (the banner
    differs on embeds and the Data page) and the filters, changed only when they change."""
    return """
function(pathname, search, current) {
    %s
    var path = pathname || '/';
    var kind = path.indexOf('/embed') === 0 ? '/embed' : (path === '/data' ? '/data' : '/');
    var next = {path: kind, query: hdPairs(search, %s)};
    if (JSON.stringify(next) === JSON.stringify(current)) { return window.dash_clientside.no_update; }
    return next;
}
""" % (PAIRS_JS, json.dumps(list(reads)))


#: Links carrying the filters (tabs, the Overview's area links): href = path + query (+ tab).
QUERY_LINK_JS = """
function(search, ids) {
    return ids.map(function (id) {
        var params = new URLSearchParams((search || '').replace(/^\\?/, ''));
        params.delete('tab');
        if (id.tab) { params.append('tab', id.tab); }
        var query = params.toString();
        return id.path + (query ? '?' + query : '');
    });
}
"""

#: A chart's embed link keeps the URL's query.
EMBED_JS = """
function(search, id) {
    var query = (search || '').replace(/^\\?/, '');
    return '/embed/' + id.name + (query ? '?' + query : '');
}
"""

#: The filter bar <-> URL, both ways, in the browser.  URL -> controls when the URL changed (a
#: link, back/forward); controls -> URL otherwise, in ``Filters.to_query``'s canonical form plus
#: the URL's extra keys and open tab; start after end is reported and the URL left alone.
#: A URL value missing from a dropdown's options (a team this warehouse does not know, a typo in
#: a shared link) is added to the options in the same update: a dropdown clears a value it does
#: not offer, and the sync would then rewrite the URL without the filter and show the whole
#: community's numbers.  The server's answer names the unknown value in the banner.
SYNC_JS = """
function(search, team, project, repo, org, kind, cycle, start, end, bots,
         teamOptions, projectOptions, repoOptions, orgOptions, cycleOptions) {
    var noUpdate = window.dash_clientside.no_update;
    var OPTION_KEYS = ['team', 'project', 'repo', 'org', 'cycle'];
    var known = {team: teamOptions, project: projectOptions, repo: repoOptions, org: orgOptions,
                 cycle: cycleOptions};
    var withUnknown = function (key, chosen) {    /* the options plus chosen values they lack */
        var options = known[key] || [];
        var have = options.map(function (o) { return (o && typeof o === 'object') ? o.value : o; });
        var missing = [].concat(chosen || []).filter(function (v) { return have.indexOf(v) < 0; });
        if (!missing.length) { return noUpdate; }
        return options.concat(missing.map(function (v) { return {label: v, value: v}; }));
    };
    var noOptions = function () { return OPTION_KEYS.map(function () { return noUpdate; }); };
    var triggered = (window.dash_clientside.callback_context.triggered || []).map(function (t) { return t.prop_id; });
    var fromControls = triggered.some(function (id) { return id.indexOf('filter-') === 0; });
    var params = new URLSearchParams((search || '').replace(/^\\?/, ''));
    var LISTS = ['team', 'project', 'repo', 'org', 'kind'];
    if (!fromControls) {
        var bot = (params.get('bots') || '').toLowerCase();
        var lists = LISTS.map(function (key) {
            return params.getAll(key).map(function (v) { return v.trim(); }).filter(Boolean);
        });
        var chosenCycle = params.get('cycle') || null;
        var byKey = {team: lists[0], project: lists[1], repo: lists[2], org: lists[3], cycle: chosenCycle};
        return [noUpdate].concat(lists, [chosenCycle, params.get('start') || null,
                                         params.get('end') || null,
                                         (bot === '1' || bot === 'true' || bot === 'yes') ? ['1'] : [], ''],
                                 OPTION_KEYS.map(function (key) { return withUnknown(key, byKey[key]); }));
    }
    var values = {team: team, project: project, repo: repo, org: org, kind: kind};
    var pairs = [];
    LISTS.forEach(function (key) {
        [].concat(values[key] || []).forEach(function (v) {
            v = String(v).trim();
            if (v) { pairs.push([key, v]); }
        });
    });
    var from = (start || '').slice(0, 10), to = (end || '').slice(0, 10);
    var keep = function () { return Array(9).fill(noUpdate); };   /* the 9 control values */
    if (from && to && from > to) {
        return [noUpdate].concat(keep(), ['filter start=' + from + ' is after end=' + to], noOptions());
    }
    if (from) { pairs.push(['start', from]); }
    if (to) { pairs.push(['end', to]); }
    if (cycle) { pairs.push(['cycle', String(cycle).trim()]); }
    if (bots && bots.length) { pairs.push(['bots', '1']); }
    %s.forEach(function (key) {
        var v = (params.get(key) || '').trim();
        if (v) { pairs.push([key, v]); }
    });
    if (params.get('tab')) { pairs.push(['tab', params.get('tab')]); }
    var quote = function (text) {     /* Python's urllib.parse.quote_plus */
        return encodeURIComponent(text).replace(/[!'()*]/g, function (c) {
            return '%%' + c.charCodeAt(0).toString(16).toUpperCase();
        }).replace(/%%20/g, '+');
    };
    var query = pairs.map(function (kv) { return quote(kv[0]) + '=' + quote(kv[1]); }).join('&');
    var next = query ? '?' + query : '';
    return [next === (search || '') ? noUpdate : next].concat(keep(), [''], noOptions());
}
""" % json.dumps(sorted(EXTRA_KEYS))
