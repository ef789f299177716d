"""Bad input never crashes a run: every parser parses or raises the project's error in one line.

Property-based (hypothesis): random and hostile input for the git log stream,
Gerrit / GitHub / Launchpad JSON, coverage.py JSON, Cobertura XML, lcov,
Stackalytics / gitdm / CSV affiliation files and the settings file.  Each call
either returns or raises the project's error type (``collectors.base.CollectorError``,
``collectors.coverage_formats.ReportError`` or ``healthdash.errors.HealthdashError``)
whose message is one line; a deadline catches hangs.  Cobertura XML must refuse
entity expansion (billion laughs).  Examples are few per property to keep the suite fast.
"""

from __future__ import annotations

import tempfile
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from collectors import gerrit, github, launchpad
from collectors.base import CollectorError, SourceSpec, identity_id
from collectors.coverage_formats import ReportError, parse_report
from collectors.gitlog import LogParser
from healthdash.errors import HealthdashError
from healthdash.identity import csvfile, gitdm, stackalytics
from healthdash.settings import load_settings

FAST = settings(max_examples=40, deadline=3000, suppress_health_check=[HealthCheck.too_slow])
PROJECT_ERRORS = (CollectorError, ReportError, HealthdashError)
NOW = datetime(2024, 3, 1, tzinfo=timezone.utc)


def either_parses_or_one_line(call):
    try:
        call()
    except PROJECT_ERRORS as err:
        text = err.one_line() if isinstance(err, HealthdashError) else str(err)
        assert "\n" not in text and text.strip(), repr(text)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10, 10**12) | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=20)


def _shaped(keys: list[str]):
    """Objects that use the real field names with random values of any JSON type."""
    return st.dictionaries(st.sampled_from(keys), json_values, max_size=len(keys))


# -- git log stream ---------------------------------------------------------------------------------

GIT_FRAGMENTS = ["commit", "a" * 40, "b" * 40, "Ada", "ada@x.example", "2024-03-01T10:00:00+01:00",
                 "subject line", "1\t2\tpath.py", "-\t-\tlogo.png", "3\t0\t", "old.py", "new.py", "",
                 "Change-Id: I123", "Co-Authored-By: Bo <bo@y.example>", "\n", "not a date", "\t\t"]


@FAST
@given(st.lists(st.sampled_from(GIT_FRAGMENTS) | st.text(max_size=30), max_size=60))
def test_git_log_stream(tokens):
    def parse():
        parser = LogParser(lambda name, email: identity_id("git", email=email, name=name))
        for _ in parser.feed("\0".join(tokens), batch_commits=5):
            parser.take_frames("r", "git:r", NOW)
        parser.close()
        parser.take_frames("r", "git:r", NOW)
    either_parses_or_one_line(parse)


# -- HTTP JSON --------------------------------------------------------------------------------------

GERRIT_KEYS = ["project", "_number", "status", "created", "updated", "submitted", "owner", "labels", "messages",
               "revisions", "change_id", "branch", "subject", "current_revision", "_more_changes"]


@FAST
@given(st.lists(_shaped(GERRIT_KEYS) | json_values, max_size=4))
def test_gerrit_changes(changes):
    either_parses_or_one_line(lambda: gerrit.parse_page(gerrit.ChangeParser(["zuul"]), changes).frames())


PULL_KEYS = ["number", "state", "merged", "merged_at", "created_at", "updated_at", "closed_at", "user", "base",
             "head", "draft", "title", "merge_commit_sha", "author_association"]
REVIEW_KEYS = ["id", "user", "state", "submitted_at", "commit_id"]


@FAST
@given(st.lists(st.fixed_dictionaries({"repo": st.just("o/r"), "pull": _shaped(PULL_KEYS) | json_values,
                                       "reviews": st.lists(_shaped(REVIEW_KEYS) | json_values, max_size=3)
                                       | json_values}), max_size=3))
def test_github_pulls(payloads):
    either_parses_or_one_line(lambda: github.parse_pulls(payloads).frames())


TASK_KEYS = ["bug_link", "status", "importance", "date_created", "date_triaged", "date_fix_committed",
             "date_fix_released", "date_closed", "owner_link", "assignee_link", "web_link", "self_link"]
BUG_KEYS = ["private", "information_type", "security_related", "tags", "title", "date_last_updated",
            "duplicate_of_link"]


@FAST
@given(st.lists(st.fixed_dictionaries({"project": st.just("example"), "task": _shaped(TASK_KEYS) | json_values,
                                       "bug": _shaped(BUG_KEYS) | json_values}), max_size=3))
def test_launchpad_tasks(payloads):
    spec = SourceSpec("launchpad", "launchpad:x", "http://127.0.0.1:9", {"security_labels": ["security"]})
    either_parses_or_one_line(lambda: launchpad._batch(*launchpad.parse_payloads(spec, payloads, NOW)))


# -- coverage reports -------------------------------------------------------------------------------

COVERAGE_FRAGMENTS = ['{"meta": {"format": 3}, "totals": {"covered_lines": 3, "num_statements": 4}, "files": {}}',
                      '<?xml version="1.0" ?>', '<coverage lines-valid="4" lines-covered="3" line-rate="0.75">',
                      "<packages>", "</packages>", "</coverage>", '<class filename="a.py">', "<lines>",
                      '<line number="1" hits="1"/>', "TN:", "SF:/src/a.c", "DA:3,2", "DA:x,y", "LF:3", "LH:2",
                      "BRDA:4,0,0,-", "end_of_record", "\n", "-1", "{", "}", "<", ">"]


@FAST
@given(st.lists(st.sampled_from(COVERAGE_FRAGMENTS) | st.text(max_size=20), max_size=30))
def test_coverage_reports(parts):
    either_parses_or_one_line(lambda: parse_report("".join(parts)))


def test_cobertura_entity_expansion_is_refused():
    lol = "".join(f'<!ENTITY lol{i} "{"&lol%d;" % (i - 1) * 10}">' for i in range(1, 10))
    bomb = (f'<?xml version="1.0"?><!DOCTYPE coverage [<!ENTITY lol0 "lol">{lol}]>'
            '<coverage lines-valid="1" lines-covered="&lol9;" line-rate="1"></coverage>')
    with pytest.raises(PROJECT_ERRORS) as err:
        parse_report(bomb)
    assert "\n" not in str(err.value)


# -- affiliation files and settings ------------------------------------------------------------------

def _in_file(text: str, name: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="hd-prop-"))
    path = folder / name
    path.write_text(text, "utf-8")
    return path


STACKALYTICS_FRAGMENTS = ['{"users": [', '{"user_name": "Ada", "emails": ["a@x.example"], "companies": [',
                          '{"company_name": "A", "end_date": "2017-Apr-30"}', '{"company_name": "B", "end_date": null}',
                          '"end_date": "31/12/2020"', "]}", "],", '"companies": [{"company_name": "A", "domains": ["a.example"]}]',
                          "}", ",", "null", "[]", '"x"']


@FAST
@given(st.lists(st.sampled_from(STACKALYTICS_FRAGMENTS) | st.text(max_size=10), max_size=15))
def test_stackalytics_file(parts):
    either_parses_or_one_line(lambda: stackalytics.read(_in_file("".join(parts), "default_data.json")))


GITDM_FRAGMENTS = ["jdoe: jdoe!users.noreply.github.com, jane.doe!vendor-a.example", "\tIndependent until 2019-05-01",
                   "\tVendor B from 2019-05-01 until 2022-01-01", "\tVendor A from 2022-13-45", "vendor-a.example Vendor A",
                   "oldco.example Vendor C < 2012-07-20", "jdoe!laptop.local jane.doe!vendor-a.example", "#", "\n", "!", "<"]


@FAST
@given(st.lists(st.sampled_from(GITDM_FRAGMENTS) | st.text(max_size=15), max_size=12),
       st.sampled_from(["email-map", "domain-map", "aliases", "developers_affiliations1.txt"]))
def test_gitdm_files(parts, name):
    readers = {"email-map": gitdm.read_email_map, "domain-map": gitdm.read_domain_map, "aliases": gitdm.read_aliases}
    text = "\n".join(parts)
    if name in readers:
        either_parses_or_one_line(lambda: readers[name](_in_file(text, name), "prop"))
    else:
        from healthdash.identity.importers import read_file
        either_parses_or_one_line(lambda: read_file(_in_file(text, name)))


@FAST
@given(st.lists(st.sampled_from(["email,org,start,end", "a@x.example,Vendor A,2020-01-01,", ",,,", "x,y,2020-13-01,z",
                                 '"quoted, org",a', "\ufeff"]) | st.text(max_size=15), max_size=8))
def test_csv_affiliation_file(lines):
    either_parses_or_one_line(lambda: csvfile.read(_in_file("\n".join(lines), "sponsors.csv")))


SETTINGS_FRAGMENTS = ['warehouse = "w.duckdb"', "[[teams]]", 'name = "A"', 'projects = [{ name = "p", repos = ["r"] }]',
                      "[repos.r]", 'path = "/srv/r"', "[[sources]]", 'kind = "gerrit"', "retries = -1",
                      "timeout = \"slow\"", "[security]", "count_private_in_aggregates = 1", "frame_ancestors = 3",
                      "[[release_cycles]]", "start = 2024-01-01", "end = 2023-01-01", "=", "[", "]", '"']


@FAST
@given(st.lists(st.sampled_from(SETTINGS_FRAGMENTS) | st.text(max_size=20), max_size=12))
def test_settings_file(lines):
    either_parses_or_one_line(lambda: load_settings(_in_file("\n".join(lines), "healthdash.toml")))
