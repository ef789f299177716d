/* healthdash: a chart's table is drawn when it scrolls near.
 *
 * A table chart arrives as a trigger (.table-wait, see healthdash.dashboard.components.table_slot);
 * clicking it asks the server for the grid, which replaces it.  Here each trigger is clicked once
 * it comes within 100 px of the screen, or at once when printing.
 */
(function () {
    if (!('IntersectionObserver' in window) || !('MutationObserver' in window)) { return; }
    var near = new IntersectionObserver(function (entries) {
        entries.forEach(function (entry) {
            if (entry.isIntersecting) { near.unobserve(entry.target); entry.target.click(); }
        });
    }, {rootMargin: '0px 0px 100px 0px'});
    function watch() {
        document.querySelectorAll('.table-wait:not([data-watched])').forEach(function (trigger) {
            trigger.setAttribute('data-watched', '1');
            near.observe(trigger);
        });
    }
    var scheduled = false;      /* many mutation batches per page update: one scan per frame */
    new MutationObserver(function () {
        if (scheduled) { return; }
        scheduled = true;
        requestAnimationFrame(function () { scheduled = false; watch(); });
    }).observe(document.documentElement, {childList: true, subtree: true});
    window.addEventListener('beforeprint', function () {
        document.querySelectorAll('.table-wait').forEach(function (trigger) { trigger.click(); });
    });
})();
