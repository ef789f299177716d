"""Secrets never reach output, logs, tables or pages (issue 12, defect 1).

A community's settings put credentials where they should not be: a clone URL
with ``user:password@``, a coverage URL with ``user:password@`` and
``?access_token=``, and a token pasted into ``token_env`` instead of a variable
name.  A real ``healthdash collect`` (a subprocess, stderr not a terminal, so
log lines are written) runs them against a local HTTP server; then
``healthdash status``, the Data page and every text cell of every table are
searched.  None may hold any secret, and the failures must still be reported.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys

import duckdb
import plotly
import pytest

from gitrepo import make_repo
from healthdash.dashboard.data import Warehouse
from healthdash.dashboard.status import data_view
from healthdash.redact import RedactingFilter, looks_like_token, redact, without_server_paths

PASSWORD = "Sup3rSecretPw"
COVERAGE_PASSWORD = "An0therSecretPw"
QUERY_TOKEN = "QueryTok3nSecretValue"
PASTED_TOKEN = "ghp_PastedTokenABCDEFGHIJKLMNOP123456"
ENV_TOKEN = "envTok3nValue-0123456789abcdef"
SECRETS = (PASSWORD, COVERAGE_PASSWORD, QUERY_TOKEN, PASTED_TOKEN, ENV_TOKEN)
CLI = [sys.executable, "-m", "healthdash.cli"]


def leaked(text: str) -> list[str]:
    return [secret for secret in SECRETS if secret in text]


def test_redact_covers_every_shape():
    text = (f"clone http://alice:{PASSWORD}@git.example/x.git and https://tok{QUERY_TOKEN}@h.example/ "
            f"GET https://h.example/c.xml?a=1&access_token={QUERY_TOKEN}&b=2 "
            f"variable {PASTED_TOKEN} Authorization: Bearer {ENV_TOKEN}")
    out = redact(text)
    assert leaked(out) == []
    assert "http://***@git.example/x.git" in out and "?a=1&access_token=***&b=2" in out
    assert redact("nothing secret at https://review.example.org/c/123") == "nothing secret at https://review.example.org/c/123"


def test_redact_masks_values_of_named_token_variables(monkeypatch):
    from healthdash import redact as module

    monkeypatch.setenv("HD_TEST_TOKEN", f"user:{ENV_TOKEN}")
    monkeypatch.setattr(module, "_SECRET_ENVS", {"HD_TEST_TOKEN"})
    assert ENV_TOKEN not in redact(f"server said: bad password {ENV_TOKEN}")


def test_token_looking_values_are_recognised():
    assert looks_like_token(PASTED_TOKEN) and looks_like_token("user:password")
    assert looks_like_token("glpat-abcdefghijklmnopqrst")
    assert not looks_like_token("GITHUB_TOKEN") and not looks_like_token("GERRIT_HTTP_CREDENTIALS")


def test_log_records_are_redacted():
    record = logging.LogRecord("collectors.http", logging.WARNING, __file__, 1,
                               "HTTP 500 from %s; retrying", (f"https://u:{PASSWORD}@h.example/x",), None)
    RedactingFilter().filter(record)
    assert PASSWORD not in record.getMessage() and "retrying" in record.getMessage()


def test_server_paths_are_shortened_but_urls_kept():
    text = "git: /srv/private/layout/nova is not a repository; see https://review.example.org/a/b/c"
    assert without_server_paths(text) == "git: …/nova is not a repository; see https://review.example.org/a/b/c"


@pytest.fixture
def leaky_community(tmp_path, httpserver):
    httpserver.expect_request("/cov.xml").respond_with_data("overloaded", status=500)
    httpserver.expect_request("/git/nope.git/info/refs").respond_with_data("not here", status=404)
    good = make_repo(tmp_path, [{"author": "Ada <ada@vendor-a.example>", "files": {"a.txt": "a\n"}}], name="good")
    port = httpserver.port
    config = tmp_path / "healthdash.toml"
    config.write_text(f"""
warehouse = "data/w.duckdb"
[[teams]]
name = "T"
projects = [{{ name = "p", repos = ["good", "secret"] }}]
[repos.good]
path = "{good}"
[repos.secret]
url = "http://alice:{PASSWORD}@127.0.0.1:{port}/git/nope.git"

[[sources]]
kind = "coverage"
repo = "good"
url = "http://bob:{COVERAGE_PASSWORD}@127.0.0.1:{port}/cov.xml?access_token={QUERY_TOKEN}"
retries = 1
backoff_base = 0.01
backoff_cap = 0.02

[[sources]]
kind = "github"
name = "gh"
url = "http://127.0.0.1:{port}/api"
repos = ["o/r"]
token_env = "{PASTED_TOKEN}"

[[sources]]
kind = "github"
name = "gh-env"
url = "http://127.0.0.1:{port}/api"
repos = ["o/r"]
token_env = "HD_SECRET_TEST_TOKEN"
retries = 0
""")
    return config


def _run(*args, config):
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "HD_SECRET_TEST_TOKEN": ENV_TOKEN}
    env.pop("HEALTHDASH_LOG_LEVEL", None)
    return subprocess.run([*CLI, *args, "--config", str(config)], capture_output=True, text=True, env=env,
                          cwd=config.parent, timeout=120)


def test_collect_status_tables_and_data_page_hold_no_secret(leaky_community, httpserver):
    httpserver.expect_request("/api/repos/o/r/pulls").respond_with_data(
        f"echo of the request: Authorization: Bearer {ENV_TOKEN}", status=500)
    collected = _run("collect", config=leaky_community)
    output = collected.stdout + collected.stderr
    assert collected.returncode == 1 and "Traceback" not in output
    assert leaked(output) == [], output
    # every failure is still reported, by source, and the pasted token is called what it is
    assert "coverage:" in output and "git:secret" in output
    assert "token_env of http://127.0.0.1" in output and "not the token itself" in output
    # non-terminal output keeps a trace of retries (python logging, one timestamped line each)
    assert "WARNING collectors.http: HTTP 500 from" in collected.stderr and "retrying in" in collected.stderr

    status = _run("status", config=leaky_community)
    assert status.returncode == 0 and leaked(status.stdout + status.stderr) == []
    assert "***" in status.stdout or "token_env" in status.stdout

    warehouse = leaky_community.parent / "data" / "w.duckdb"
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()]
        dump = "\n".join(str(con.execute(f'SELECT * FROM "{t}"').fetchall()) for t in tables)
    finally:
        con.close()
    assert leaked(dump) == []
    assert "http://***@127.0.0.1" in dump  # the location is kept, without its credentials

    page = json.dumps(data_view(Warehouse(warehouse)).to_plotly_json(), cls=plotly.utils.PlotlyJSONEncoder)
    assert leaked(page) == []
    assert str(leaky_community.parent) not in page  # no absolute server paths on the Data page
    assert "git:secret" in page and "w.duckdb" in page
