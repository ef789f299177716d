"""Repository conventions: small named rules over a repository's tree, in one registry.

Part of reading a repository's content (:mod:`collectors.repo_content`); each
rule becomes one ``repo_checks`` row (``check_name`` = the rule's name,
``passed``, ``detail`` saying what was found or what is missing) that the
Consistency page shows as a repos x checks matrix.  Adding a convention is
one decorated function::

    @rule("changelog", "Change log")
    def changelog(tree):
        return _found(tree.first(r"^CHANGELOG"), "no CHANGELOG")

A rule returns ``(passed, detail)``, or ``None`` when it does not apply (the
common-library rules when no library is configured), so "not checked" is
never shown as "failed".
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from typing import Callable

from collectors.ini_lines import ParseError, parse_ini
from collectors.repo_checks import security_policy as _security_policy_doc

Result = tuple[bool, str] | None


@dataclass
class RepoTree:
    """What the rules may look at: every path at the head, the texts read, imports found."""

    paths: list[str]
    texts: dict[str, str] = field(default_factory=dict)
    imports: dict[str, int] = field(default_factory=dict)       # module -> files importing it
    options: dict = field(default_factory=dict)                 # config_library, logging_library, ...

    def first(self, pattern: str) -> str | None:
        """The first path (sorted) matching ``pattern`` (case-insensitive search)."""
        regex = re.compile(pattern, re.IGNORECASE)
        return next((p for p in sorted(self.paths) if regex.search(p)), None)


@dataclass(frozen=True)
class Rule:
    name: str
    title: str
    check: Callable[[RepoTree], Result]


RULES: dict[str, Rule] = {}


def rule(name: str, title: str):
    """Register a convention check under ``name`` (the ``repo_checks.check_name``)."""
    def decorate(func: Callable[[RepoTree], Result]) -> Callable[[RepoTree], Result]:
        RULES[name] = Rule(name, title, func)
        return func
    return decorate


def _found(path: str | None, missing: str) -> tuple[bool, str]:
    return (True, path) if path else (False, missing)


@rule("licence", "Licence")
def licence(tree: RepoTree) -> Result:
    return _found(tree.first(r"^(?:LICEN[CS]E|COPYING)(?:\.\w+)?$"), "no LICENSE file at the top")


@rule("readme", "README")
def readme(tree: RepoTree) -> Result:
    return _found(tree.first(r"^README(?:\.\w+)?$"), "no README at the top")


@rule("contributing", "Contributing guide")
def contributing(tree: RepoTree) -> Result:
    return _found(tree.first(r"^(?:\.github/|docs?/(?:source/)?(?:contributor/)?)?CONTRIBUTING(?:\.\w+)?$"
                             r"|^docs?/source/contributor/"), "no CONTRIBUTING guide")


@rule("tests", "Tests")
def tests(tree: RepoTree) -> Result:
    return _found(tree.first(r"(?:^|/)tests?/.*\.py$"), "no tests/ folder with Python files")


@rule("docs", "Documentation")
def docs(tree: RepoTree) -> Result:
    return _found(tree.first(r"^docs?/.*\.(?:rst|md)$"), "no doc/ or docs/ folder with .rst or .md pages")


@rule("release_notes", "Release notes")
def release_notes(tree: RepoTree) -> Result:
    return _found(tree.first(r"^releasenotes/notes/.+\.ya?ml$|^(?:CHANGELOG|CHANGES|NEWS|HISTORY)(?:\.\w+)?$"),
                  "no releasenotes/notes/ and no CHANGELOG")


@rule("ci_config", "CI configuration")
def ci_config(tree: RepoTree) -> Result:
    return _found(tree.first(r"^\.?zuul\.ya?ml$|^\.?zuul\.d/.+\.ya?ml$|^\.github/workflows/.+\.ya?ml$"
                             r"|^\.gitlab-ci\.yml$|^\.travis\.yml$|^\.circleci/config\.yml$|^Jenkinsfile$"),
                  "no CI configuration (.zuul.yaml, zuul.d/, .github/workflows/, ...)")


@rule("python_versions", "Declared Python versions")
def python_versions(tree: RepoTree) -> Result:
    declared = declared_python(tree)
    return (True, declared) if declared else (False, "no requires-python, python_requires or version classifiers")


@rule("lint_config", "Lint configuration")
def lint_config(tree: RepoTree) -> Result:
    path = tree.first(r"^(?:\.flake8|\.pylintrc|pylintrc|\.?ruff\.toml|\.pre-commit-config\.yaml)$")
    if path:
        return True, path
    for name, pattern in (("tox.ini", r"^\[(?:flake8|testenv:(?:pep8|lint|linters|flake8))\]"),
                          ("setup.cfg", r"^\[(?:flake8|pylint|pycodestyle)"),
                          ("pyproject.toml", r"^\[tool\.(?:ruff|flake8|pylint|black)")):
        if re.search(pattern, tree.texts.get(name, ""), re.MULTILINE):
            return True, f"{name} {re.search(pattern, tree.texts[name], re.MULTILINE).group(0)}"
    return False, "no flake8 / pylint / ruff / pre-commit configuration"


@rule("security_policy", "Security policy")
def security_policy(tree: RepoTree) -> Result:
    return _security_policy_doc(tree.paths)


def _uses_library(tree: RepoTree, option: str) -> Result:
    library = tree.options.get(option)
    repo = tree.options.get("repo") or ""
    if not library or re.sub(r"[-_.]+", "-", repo).lower() == re.sub(r"[-_.]+", "-", library).lower():
        return None             # not configured, or this repository is the library itself
    modules = import_names(library)
    files = sum(n for module, n in tree.imports.items()
                if any(module == m or module.startswith(m + ".") for m in modules))
    if files:
        return True, f"{files} Python file{'s' if files != 1 else ''} import {library}"
    return False, f"no Python file imports {library}"


@rule("uses_common_config", "Uses the common configuration library")
def uses_common_config(tree: RepoTree) -> Result:
    return _uses_library(tree, "config_library")


@rule("uses_common_logging", "Uses the common logging library")
def uses_common_logging(tree: RepoTree) -> Result:
    return _uses_library(tree, "logging_library")


def import_names(distribution: str) -> list[str]:
    """Module names a distribution is imported as (``oslo.config`` -> oslo_config, oslo.config)."""
    names = {distribution, re.sub(r"[-.]", "_", distribution)}
    return sorted(n.lower() for n in names)


_CLASSIFIER = re.compile(r"Programming Language :: Python :: (\d+\.\d+)\b")


def declared_python(tree: RepoTree) -> str:
    """Python versions the packaging declares, e.g. ">=3.10; 3.10, 3.11" ('' when none)."""
    parts = []
    pyproject = tree.texts.get("pyproject.toml")
    if pyproject:
        try:
            project = tomllib.loads(pyproject).get("project") or {}
        except tomllib.TOMLDecodeError:
            project = {}
        if isinstance(project.get("requires-python"), str):
            parts.append(project["requires-python"])
    cfg = tree.texts.get("setup.cfg")
    if cfg:
        try:
            for section in parse_ini(cfg, "setup.cfg"):
                value = section.options.get("python_requires")
                if section.name in ("options", "metadata") and value:
                    parts.append(value.text.strip())
        except ParseError:
            pass
    versions = sorted(set(_CLASSIFIER.findall((cfg or "") + "\n" + (pyproject or ""))),
                      key=lambda v: tuple(int(x) for x in v.split(".")))
    if versions:
        parts.append(", ".join(versions))
    return "; ".join(dict.fromkeys(parts))


def run_rules(tree: RepoTree) -> list[tuple[str, bool, str]]:
    """(check name, passed, detail) of every rule that applies, in registry order."""
    results = []
    for item in RULES.values():
        outcome = item.check(tree)
        if outcome is not None:
            results.append((item.name, bool(outcome[0]), str(outcome[1])))
    return results
