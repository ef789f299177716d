/* healthdash: plotly.js off the page's critical path.
 *
 * The cartesian bundle (plotly-cartesian.min.js, 1.5 MB) used to be a <script> of the page: the
 * browser evaluated it before Dash could even ask for the layout, also on pages that draw no
 * chart.  Here it is fetched once the page's own scripts have run (DOMContentLoaded), so it is
 * evaluated while the browser waits for the layout and the first callbacks.  Until it has run,
 * window.Plotly is a thenable: dcc.Graph waits on `Promise.resolve(window.Plotly || <load the
 * full plotly.js>)`, so a graph mounted early waits for this bundle instead of loading the full
 * one.  The bundle sets window.Plotly to the real library when it runs.
 */
(function () {
    if (window.Plotly) { return; }
    var script = document.currentScript;
    var src = script.src.replace(/plotly-loader\.js(\?.*)?$/, 'plotly-cartesian.min.js');
    var loaded = new Promise(function (resolve, reject) {
        function start() {
            var tag = document.createElement('script');
            tag.src = src;
            tag.async = true;
            tag.onload = function () { drawWhenSeen(window.Plotly); resolve(window.Plotly); };
            tag.onerror = function () { reject(new Error('plotly.js did not load from ' + src)); };
            document.head.appendChild(tag);
        }
        if (document.readyState === 'loading') {
            document.addEventListener('DOMContentLoaded', start);
        } else {
            start();
        }
    });
    window.Plotly = {then: function (onLoaded, onFailed) { return loaded.then(onLoaded, onFailed); }};

    /* A chart below the screen is drawn when it scrolls near (as Grafana draws its panels): a page
     * of six charts draws the two on screen first instead of all six before any is seen.  dcc.Graph
     * draws through Plotly.react and keeps the graph "pending" until the returned promise settles,
     * so a waiting chart stays pending; a chart already drawn is redrawn at once.  Printing draws
     * every waiting chart first. */
    var waiting = [];
    function drawWhenSeen(plotly) {
        var react = plotly.react;
        if (!react || !('IntersectionObserver' in window)) { return; }
        plotly.react = function (gd) {
            var self = this, args = arguments;
            if (!gd || gd._fullLayout || gd.getBoundingClientRect().top < window.innerHeight + 100) {
                return react.apply(self, args);
            }
            return new Promise(function (resolve, reject) {
                var entry = {draw: function () {
                    seen.disconnect();
                    waiting.splice(waiting.indexOf(entry), 1);
                    react.apply(self, args).then(resolve, reject);
                }};
                var seen = new IntersectionObserver(function (entries) {
                    if (entries.some(function (e) { return e.isIntersecting; })) { entry.draw(); }
                }, {rootMargin: '0px 0px 100px 0px'});
                waiting.push(entry);
                seen.observe(gd);
            });
        };
        window.addEventListener('beforeprint', function () {
            waiting.slice().forEach(function (entry) { entry.draw(); });
        });
    }
})();
