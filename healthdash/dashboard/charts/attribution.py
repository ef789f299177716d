"""Data page: how far organisation numbers can be trusted (issue 9, item 4).

The share of the filtered contributions attributed by each rule, straight from
the attribution view's ``attribution_rule`` column (healthdash.metrics.attribution).
"""

from __future__ import annotations

from healthdash.dashboard.charts import Chart, register
from healthdash.dashboard.figures import bar_top
from healthdash.metrics import attribution

register(Chart(
    name="attribution-rules", title="How contributions were attributed to organisations", page="data",
    metric=attribution.attribution_rules,
    figure=bar_top(label="rule", value="contributions", share="share", x_title="Contributions",
                   empty="No contributions for these filters."),
    order=10,
    description=("Share of the filtered contributions (bots included) attributed by each rule: an affiliation "
                 "period from a file (most trusted), the email domain map, an unmapped corporate domain (shown as "
                 "'<domain> (unmapped)'), a public mail provider (Independent), a file saying the person is "
                 "independent, an identity without email (Unknown), or a bot. The more comes from the first two, "
                 "the more the organisation numbers can be trusted."),
    empty_message="No contributions for these filters.",
))
