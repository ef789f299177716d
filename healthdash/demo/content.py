"""Believable file contents and commit messages for the demo's git histories.

Used by :mod:`healthdash.demo.git_history`: the initial tree of each repository
(code by component, mirrored unit tests, docs, packaging, CI config) and small
edits (a block of lines inserted, a few removed) so ``git log --numstat`` sees
realistic line counts.  Everything draws from the caller's seeded RNG.
"""

from __future__ import annotations

import random

from healthdash.demo.commonality import COPIES, PINNED, adjust_tree
from healthdash.demo.community import Repo

NOUNS = ["instance", "volume", "port", "host", "request", "allocation", "snapshot", "image", "network",
         "router", "quota", "flavor", "resource", "message", "target", "backend", "endpoint", "lease"]
VERBS = ["get", "create", "delete", "update", "validate", "sync", "refresh", "build", "reserve", "release",
         "attach", "detach", "migrate", "resize"]
PROBLEMS = ["race condition", "leak", "timeout handling", "off-by-one error", "KeyError", "stale cache",
            "quota miscount", "retry loop", "unicode handling", "deadlock"]
MODULES = {
    "compute": ["manager", "rpcapi", "resource_tracker"], "api": ["servers", "validation"],
    "scheduler": ["filters", "weights"], "virt": ["driver", "libvirt_utils"], "db": ["api", "models"],
    "conductor": ["manager", "tasks"], "handlers": ["allocation", "resource_provider"],
    "objects": ["inventory", "usage"], "volume": ["manager", "driver", "flows"],
    "backup": ["manager", "chunked"], "store": ["filesystem", "http"], "agent": ["l3_agent", "dhcp_agent"],
    "plugins": ["ml2", "trunk"], "services": ["qos", "router"], "v2": ["client", "shell"],
    "v3": ["client", "volumes"], "osc": ["servers"], "sources": ["env", "files"],
    "formatters": ["json", "context"], "rpc": ["client", "server"], "notify": ["notifier"],
    "drivers": ["amqp", "kafka"],
}
#: tox.ini's upper-constraints line (what the repo_checks hygiene check looks for)
TOX_CONSTRAINTS_LINE = "  -c{env:TOX_CONSTRAINTS_FILE:https://releases.openinfra.example/constraints/upper/master}"
#: lines a later edit never removes, so a repository's hygiene stays what the shape says
PINNED_LINES = frozenset({TOX_CONSTRAINTS_LINE}) | PINNED
DOC_PAGES = ["index", "install", "configuration", "admin/troubleshooting", "contributor/contributing"]


def is_copied(path: str) -> bool:
    """A module copied between repositories (:data:`healthdash.demo.commonality.COPIES`): later
    commits leave it alone, so the copies stay recognisable."""
    return path.rsplit("/", 1)[-1] in COPIES


def code_paths(repo: Repo) -> list[str]:
    """Source modules of a repository, by component."""
    paths = [f"{repo.package}/__init__.py", f"{repo.package}/exceptions.py", f"{repo.package}/utils.py"]
    for component in repo.components:
        paths.append(f"{repo.package}/{component}/__init__.py")
        paths += [f"{repo.package}/{component}/{m}.py" for m in MODULES.get(component, ["core"])]
    return paths


def test_path(code: str, package: str) -> str | None:
    """The unit test mirroring a module (``nimbus/compute/manager.py`` ->
    ``nimbus/tests/unit/compute/test_manager.py``)."""
    if code.endswith("__init__.py") or "/tests/" in code or not code.endswith(".py"):
        return None
    inner = code[len(package) + 1:]
    folder, _, name = inner.rpartition("/")
    return f"{package}/tests/unit/{folder + '/' if folder else ''}test_{name}"


def initial_tree(repo: Repo, rng: random.Random) -> dict[str, list[str]]:
    """Every text file of the first commit, as lines."""
    tree: dict[str, list[str]] = {}
    for path in code_paths(repo):
        tree[path] = python_header() + (code_block(rng, 6 + rng.randint(0, 40))
                                        if not path.endswith("__init__.py") else [])
        test = test_path(path, repo.package)
        if test:
            tree[test] = python_header() + test_block(rng, 8 + rng.randint(0, 30))
    tree[f"{repo.package}/tests/__init__.py"] = []
    for page in DOC_PAGES:
        tree[f"doc/source/{page}.rst"] = rst_block(rng, page.split("/")[-1].title(), 10 + rng.randint(0, 20))
    tree["README.rst"] = rst_block(rng, repo.name, 12)
    tree["CONTRIBUTING.rst"] = rst_block(rng, "Contributing", 6)
    tree["LICENSE"] = ["Apache License", "Version 2.0, January 2004", "http://www.apache.org/licenses/"]
    tree["setup.cfg"] = ["[metadata]", f"name = {repo.name}", "python_requires = >=3.10",
                         "", "[files]", f"packages = {repo.package}"]
    tree["setup.py"] = ["import setuptools", "", "setuptools.setup(pbr=True)"]
    tree["requirements.txt"] = ["pbr>=5.8.0", "requests>=2.25.1"] + (
        ["common.config>=9.0.0", "common.log>=5.0.0"] if not repo.common_library else [])
    tree["test-requirements.txt"] = ["stestr>=3.2.0", "coverage>=7.0.0", "fixtures>=4.0.0"]
    tree["tox.ini"] = tox_ini(repo)
    if repo.constraints and repo.constraints != "tox":
        tree[repo.constraints] = ["pbr==5.8.0", "requests==2.25.1", "stestr==3.2.0", "coverage==7.0.0"]
    tree[".zuul.yaml"] = ["- project:", "    templates:", "      - openstack-python3-jobs",
                          "      - release-notes-jobs-python3"]
    if repo.kind == "service":
        tree[f"{repo.package}/locale/de/LC_MESSAGES/{repo.package}.po"] = po_block(rng, 6)
    if repo.security_doc:
        tree[repo.security_doc] = security_doc(repo)
    adjust_tree(repo, tree)        # common libraries, drift, copied code, convention gaps, the driver matrix
    return tree


def tox_ini(repo: Repo) -> list[str]:
    """tox.ini; pinned repositories install with OpenStack's upper-constraints line."""
    deps = ["deps ="]
    if repo.constraints == "tox":
        deps.append(TOX_CONSTRAINTS_LINE)
    deps += ["  -r{toxinidir}/requirements.txt", "  -r{toxinidir}/test-requirements.txt"]
    return ["[tox]", "envlist = py3,pep8", "", "[testenv]", *deps, "commands = stestr run {posargs}"]


def security_doc(repo: Repo) -> list[str]:
    """The security contact document (Markdown or reStructuredText by its path)."""
    text = [f"{repo.name} follows the OpenInfra vulnerability management process.", "",
            "Report suspected vulnerabilities privately to the VMT: security@openinfra.example"]
    if repo.security_doc.endswith(".rst"):
        return ["Security", "========", "", *text]
    return ["# Security", "", *text]


def python_header() -> list[str]:
    return ["# Licensed under the Apache License, Version 2.0 (the \"License\");",
            "# you may not use this file except in compliance with the License.", "",
            "from common_log import log as logging", "", "LOG = logging.getLogger(__name__)", ""]


def code_block(rng: random.Random, lines: int) -> list[str]:
    """Functions whose shapes vary as real code does (so unrelated code does not look copied
    once names and literals are folded, see :mod:`collectors.code_windows`)."""
    block: list[str] = []
    while len(block) < lines:
        verb, noun = rng.choice(VERBS), rng.choice(NOUNS)
        args = ", ".join(["context", f"{noun}_id"] + rng.sample(["force=False", "timeout=None", "**kwargs",
                                                                  "retries=3", "*args"], k=rng.randint(0, 2)))
        block += [f"def {verb}_{noun}({args}):",
                  f"    \"\"\"{verb.capitalize()} the {noun} identified by ``{noun}_id``.\"\"\"",
                  f"    {noun} = _lookup_{noun}(context, {noun}_id)"]
        for _ in range(rng.randint(1, 5)):
            block += [f"    {line}" for line in _statement(rng, noun, verb)]
        block += [rng.choice([f"    return {noun}", f"    return {noun}, {rng.choice(NOUNS)}s",
                              f"    return {{\"id\": {noun}.id, \"{verb}\": True}}", "    return None"]), ""]
    return block


def _expr(rng: random.Random, noun: str, depth: int = 0) -> str:
    """A random expression: names, attributes, calls, subscripts, operators, literals.

    Its shape (what is left once names and literals are folded) varies widely, as in real code.
    """
    other = rng.choice(NOUNS)
    leaves = [noun, f"{noun}.{other}_id", f"{other}s", f"self.{other}", "None", f"{rng.randint(0, 500)}",
              f"\"{rng.choice(VERBS)}\"", "context", f"CONF.{noun}.{rng.choice(VERBS)}_timeout"]
    if depth >= 2 or rng.random() < 0.35:
        return rng.choice(leaves)
    sub = lambda: _expr(rng, noun, depth + 1)  # noqa: E731
    return rng.choice([
        lambda: f"{rng.choice(VERBS)}_{other}({', '.join(sub() for _ in range(rng.randint(0, 3)))})",
        lambda: f"{rng.choice([noun, other + 's', 'self.' + other])}.{rng.choice(VERBS)}({sub() if rng.random() < 0.5 else ''})",
        lambda: f"{sub()} {rng.choice(['+', '-', '*', '//', '%', 'and', 'or', '==', '!=', '<', 'in'])} {sub()}",
        lambda: f"{sub()}[{sub()}]",
        lambda: f"not {sub()}",
        lambda: f"[{sub()} for x in {sub()} if x]",
        lambda: f"{{{sub()}: {sub()}}}",
        lambda: f"({sub()}, {sub()})",
        lambda: f"{sub()} if {sub()} else {sub()}",
        lambda: f"len({sub()})",
    ])()


def _statement(rng: random.Random, noun: str, verb: str) -> list[str]:
    """One statement (possibly a small compound one) built from random expressions."""
    other = rng.choice(NOUNS)
    expr = lambda: _expr(rng, noun)  # noqa: E731
    shapes = [
        lambda: [f"{other} = {expr()}"],
        lambda: [f"{noun}.{other}_count += {expr()}"],
        lambda: [f"if {expr()}:", f"    raise exceptions.{other.capitalize()}NotFound({expr()})"],
        lambda: [f"if {expr()}:", f"    {other} = {expr()}", "else:", f"    {other} = {expr()}"],
        lambda: [f"LOG.debug(\"{verb} {noun} %s\", {expr()})"],
        lambda: [f"for {other} in {expr()}:", f"    {other}.{verb}({expr()})"],
        lambda: ["try:", f"    {expr()}", f"except exceptions.{rng.choice(['Conflict', 'Timeout', 'NotFound'])}:",
                 f"    LOG.warning(\"{noun} %s busy\", {expr()})"],
        lambda: [f"with lockutils.lock({expr()}):", f"    {noun}.{other}s.append({expr()})"],
        lambda: [f"{expr()}"],
        lambda: [f"while {expr()}:", f"    {noun}.{other}s.pop({expr()})"],
        lambda: [f"assert {expr()}, \"{noun} {other} is required\""],
        lambda: [f"{other}, {rng.choice(NOUNS)} = {expr()}"],
    ]
    return rng.choice(shapes)()


def test_block(rng: random.Random, lines: int) -> list[str]:
    block: list[str] = []
    while len(block) < lines:
        verb, noun = rng.choice(VERBS), rng.choice(NOUNS)
        name = f"test_{verb}_{noun}_{rng.choice(['ok', 'missing', 'invalid', 'retry', 'conflict'])}"
        patched = rng.random() < 0.3
        if patched:
            block.append(f"    @mock.patch.object({rng.choice(NOUNS)}s, \"{rng.choice(VERBS)}\")")
        block += [f"    def {name}(self{', mock_' + rng.choice(VERBS) if patched else ''}):",
                  f"        {noun} = fakes.fake_{noun}(id={rng.randint(1, 999)})"]
        for _ in range(rng.randint(1, 4)):
            block += rng.choice([
                lambda: [f"        result = self.api.{verb}_{noun}(self.context, {_expr(rng, noun)})",
                         f"        self.assertEqual({_expr(rng, noun)}, result.{rng.choice(NOUNS)}_id)"],
                lambda: [f"        self.assertRaises(exceptions.{noun.capitalize()}NotFound,",
                         f"                          self.api.{verb}_{noun}, self.context, {_expr(rng, noun)})"],
                lambda: [f"        with mock.patch.object(self.api, \"_lookup_{noun}\", return_value={_expr(rng, noun)}):",
                         f"            self.assertIsNone(self.api.{verb}_{noun}(self.context, {noun}.id))"],
                lambda: [f"        self.assertIn({_expr(rng, noun)}, {noun}.to_dict())"],
                lambda: [f"        {noun}.{rng.choice(VERBS)}({_expr(rng, noun)})",
                         f"        self.assertTrue({_expr(rng, noun)})"],
            ])()
        block.append("")
    return block


def rst_block(rng: random.Random, title: str, lines: int) -> list[str]:
    block = [title, "=" * len(title), ""]
    while len(block) < lines:
        noun, verb = rng.choice(NOUNS), rng.choice(VERBS)
        block += [f"To {verb} a {noun}, the operator sets ``{noun}_{verb}_timeout`` in the configuration.",
                  f"See the {rng.choice(NOUNS)} guide for how {noun}s interact with {rng.choice(NOUNS)}s.", ""]
    return block


def po_block(rng: random.Random, entries: int) -> list[str]:
    block = ['msgid ""', 'msgstr ""', '"Language: de\\n"', ""]
    for _ in range(entries):
        noun = rng.choice(NOUNS)
        block += [f'msgid "{noun.capitalize()} %s not found."',
                  f'msgstr "{noun.capitalize()} %s wurde nicht gefunden (Rev. {rng.randint(1, 999)})."', ""]
    return block


def block_for(path: str, rng: random.Random) -> list[str]:
    size = rng.choice([1, 2, 3, 4, 6, 8, 12, 20])
    if path.endswith(".rst"):
        return rst_block(rng, "Notes", size + 3)[3:]
    if "/tests/" in path:
        return test_block(rng, size)
    if path.endswith(".py"):
        return code_block(rng, size)
    if path.endswith(".po"):
        return po_block(rng, max(1, size // 3))[4:]
    return [f"# {rng.choice(VERBS)} {rng.choice(NOUNS)} ({rng.randint(1, 99)})"]


def edit(lines: list[str], path: str, rng: random.Random) -> list[str]:
    """A new list: one block inserted somewhere, a few lines removed; long files get trimmed."""
    at = rng.randint(0, len(lines))
    removed = rng.choice([0, 0, 0, 1, 1, 2, 3, 5])
    kept = [line for line in lines[at:at + removed] if line in PINNED_LINES]
    new = lines[:at] + block_for(path, rng) + kept + lines[at + removed:]
    if len(new) > 260:
        cut = rng.randint(10, len(new) - 60)
        new = new[:cut] + new[cut + rng.randint(25, 50):]
    return new


def release_note(rng: random.Random, subject: str) -> list[str]:
    section = rng.choice(["features", "fixes", "upgrade", "deprecations"])
    return ["---", f"{section}:", "  - |", f"    {subject}.",
            f"    Operators of {rng.choice(NOUNS)} services may need to review the new defaults."]


def subject(kind: str, rng: random.Random, module: str) -> str:
    noun, verb = rng.choice(NOUNS), rng.choice(VERBS)
    templates = {
        "fix": [f"Fix {rng.choice(PROBLEMS)} in {module}", f"Handle missing {noun} in {verb}_{noun}",
                f"Do not {verb} {noun} twice on retry", f"Fix {noun} {rng.choice(PROBLEMS)} during {verb}"],
        "feature": [f"Add {noun} {verb} support to {module}", f"Implement {verb} for {noun}s",
                    f"Introduce configurable {noun} {verb} timeout", f"Support {noun} tags in {module}"],
        "docs": [f"Update {noun} documentation", f"[docs] Clarify how to {verb} a {noun}",
                 "Fix typos in the install guide", f"Document {noun}_{verb}_timeout"],
        "test": [f"Add unit tests for {module}", f"Remove flaky {noun} functional test",
                 f"Use fixtures in test_{module}", f"Cover {verb}_{noun} error paths"],
        "tooling": ["Add Python 3.12 to the CI jobs", "Drop Python 3.9 support", "Update tox.ini for tox 4",
                    "Use the new release-notes job template", "Bump hacking to 6.1"],
        "cleanup": [f"Remove deprecated {noun}_{verb} option", f"Refactor {module} {noun} handling",
                    f"Use common.config for {noun} options", f"Clean up unused {noun} helpers"],
    }
    return rng.choice(templates[kind])


def body(rng: random.Random, subject_line: str) -> list[str]:
    noun = rng.choice(NOUNS)
    sentences = [f"Previously the {noun} was looked up on every call, which is slow on large deployments.",
                 f"This keeps the {noun} state consistent when the {rng.choice(NOUNS)} is unavailable.",
                 "The behaviour is unchanged for existing deployments.",
                 f"A follow-up change will remove the old {noun} code path."]
    return rng.sample(sentences, k=rng.randint(1, 2))
