"""Every chart / KPI declaring the URL keys it reads really ignores the others.

A section is redrawn only when a key it reads changes (tests/test_browser_sections.py), so a
``reads`` declaration that leaves out a key the metric uses would leave stale numbers on the
page.  On the demo community (every area collected, at a small scale) each declared chart's
and KPI's frame is computed without filters and with a probe value for each key it does not
read: the frames must be equal.  The probes must bite: each changes a chart that reads it.
"""

from __future__ import annotations

import pytest

from healthdash.dashboard import charts as registry
from healthdash.dashboard.context import reads_of
from healthdash.demo.build import build
from healthdash.metrics import parse_filters
from healthdash.metrics.cycles import resolve_cycle
from healthdash.settings import load_settings
from healthdash.warehouse import reader


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    settings = load_settings(build(tmp_path_factory.mktemp("reads") / "data" / "demo", scale=0.05))
    with reader(settings.warehouse) as con:
        yield con


def _probes(con) -> dict[str, str]:
    """One filter value per key, each matching a real slice of the demo."""
    con = con.cursor()
    org, = con.execute("SELECT org FROM contribution_facts WHERE org <> 'Independent' "
                       "GROUP BY org ORDER BY count(*) DESC LIMIT 1").fetchone()
    team, project, repo = con.execute("SELECT team, project, repo FROM contribution_facts WHERE team <> 'Unassigned' "
                                      "GROUP BY ALL ORDER BY count(*) DESC LIMIT 1").fetchone()
    end, = con.execute("SELECT max(ts)::DATE FROM contribution_facts").fetchone()
    return {"org": f"org={org}", "kind": "kind=review", "bots": "bots=1", "team": f"team={team}",
            "project": f"project={project}", "repo": f"repo={repo}",
            "start": f"start={end.replace(year=end.year - 1)}", "end": f"end={end.replace(year=end.year - 2)}"}


def _frame(con, entry, query: str):
    cur = con.cursor()
    try:
        return entry.metric(cur, resolve_cycle(cur, parse_filters(query)))
    finally:
        cur.close()


def _declared():
    entries = [*registry.load_all().values(), *registry.KPIS.values()]
    return [e for e in entries if e.reads is not None]


def test_declared_sections_ignore_the_keys_they_do_not_read(demo):
    probes = _probes(demo)
    declared = _declared()
    assert len(declared) >= 16           # the per-project panels of Quality and Security and their KPIs
    checked = 0
    for entry in declared:
        base = _frame(demo, entry, "")
        checked += bool(base.height)     # (an empty frame at this scale proves little, but must stay empty)
        for key, probe in probes.items():
            if key not in reads_of(entry):
                assert _frame(demo, entry, probe).equals(base), f"{entry.name} changes with {probe} it does not read"
    assert checked >= 12, f"only {checked} declared sections have rows in the demo"


def test_each_probe_changes_a_chart_that_reads_it(demo):
    probes = _probes(demo)
    commits = registry.load_all()["commits-by-org"]           # reads every filter
    base = _frame(demo, commits, "")
    for key, probe in probes.items():
        assert not _frame(demo, commits, probe).equals(base), probe
