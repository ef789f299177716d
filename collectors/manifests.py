"""Dependency manifests -> ``dependencies`` rows (and constraints -> ``constraints`` rows).

Pure parsers over text, used by :mod:`collectors.repo_content` (a repository's
manifests at its collected head) and by the ``requirements`` source (a
community's global requirements / constraints pair).  Formats:

* ``requirements.txt`` style (any ``*requirements*.txt``): one PEP 508
  requirement per line, ``#`` comments, ``\\`` continuations, ``--hash``
  options, environment markers, ``-r other.txt`` includes (read through the
  caller's ``read`` function and attributed to the included file);
* ``pyproject.toml``: ``[project] dependencies`` and ``optional-dependencies``;
* ``setup.cfg``: ``[options] install_requires`` and ``[options.extras_require]``;
* constraints (``name===version;markers``, OpenStack's upper-constraints).

Names are normalised per PEP 503 (``oslo.config`` -> ``oslo-config``);
specifiers and markers are kept in ``packaging``'s canonical spelling, so two
files asking for the same thing compare equal.  Anything unreadable raises
:class:`ParseError` with one line naming the file and the line.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from posixpath import dirname, join, normpath
from typing import Callable, Iterator

from packaging.requirements import InvalidRequirement, Requirement

from collectors.ini_lines import ParseError, parse_ini

_COMMENT = re.compile(r"(^|\s+)#.*$")
_HASH_OPTION = re.compile(r"\s--(?:hash|global-option|install-option|config-settings)[= ]\S+")
_INCLUDE = re.compile(r"^(?:-r|--requirement)(?:\s*=?\s*)(\S+)$")
_EGG = re.compile(r"#egg=([A-Za-z0-9][A-Za-z0-9._-]*)")
#: option lines pip accepts that declare no requirement of the project
_IGNORED_OPTIONS = ("-c", "--constraint", "-i", "--index-url", "--extra-index-url", "-f", "--find-links",
                    "--no-index", "--pre", "--trusted-host", "--prefer-binary", "--require-hashes",
                    "--no-binary", "--only-binary", "--use-feature", "-e", "--editable")
MANIFEST_NAMES = ("pyproject.toml", "setup.cfg")
_REQUIREMENTS_FILE = re.compile(r"^(?:[\w.-]*requirements[\w.-]*\.txt|requirements/[\w.-]+\.txt|"
                                r"docs?/requirements\.txt)$")


@dataclass(frozen=True)
class Dependency:
    """One declared dependency: where it is written and what it asks for."""

    file: str
    section: str          # "" for requirements files, else the TOML/INI key ("project.dependencies", ...)
    kind: str             # runtime, test, doc or optional
    name: str             # PEP 503 normalised
    specifier: str        # canonical SpecifierSet text ("" = any version)
    markers: str          # canonical marker text ("" = always)
    extras: str
    line: int


def normalise(name: str) -> str:
    """PEP 503 normalised project name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def is_manifest(path: str) -> bool:
    """True for the manifest files read at a repository's head."""
    return path in MANIFEST_NAMES or bool(_REQUIREMENTS_FILE.match(path))


def kind_of(file: str, section: str = "") -> str:
    """runtime / test / doc / optional, from the file name or the extra's name."""
    group = section.rsplit(".", 1)[-1] if section.startswith(("project.optional", "extras_require")) else ""
    text = (group or file).lower()
    if "test" in text:
        return "test"
    if "doc" in text:
        return "doc"
    return "optional" if group else "runtime"


def parse_requirement(text: str, label: str, line: int) -> tuple[str, str, str, str]:
    """(normalised name, specifier, markers, extras) of one PEP 508 line."""
    egg = _EGG.search(text)
    if egg and "://" in text.split("#", 1)[0]:
        return normalise(egg.group(1)), "@ " + text.split("#", 1)[0].strip(), "", ""
    try:
        req = Requirement(text)
    except InvalidRequirement as err:
        reason = str(err).splitlines()[0]
        raise ParseError(f"{label} line {line}: not a valid requirement {_clip(text)} ({reason})") from None
    spec = f"@ {req.url}" if req.url else str(req.specifier)
    return normalise(req.name), spec, str(req.marker) if req.marker else "", ",".join(sorted(req.extras))


def logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """(first line number, text) of each logical line: continuations joined, comments dropped."""
    pending, start = "", 0
    for number, raw in enumerate(text.splitlines(), start=1):
        if not pending:
            start = number
        if raw.endswith("\\"):
            pending += raw[:-1] + " "
            continue
        line = _COMMENT.sub("", pending + raw).strip()
        pending = ""
        if line:
            yield start, line
    line = _COMMENT.sub("", pending).strip()
    if line:
        yield start, line


def _keep_going(problems: list[str] | None, err: ParseError) -> None:
    """Strict parsing raises; lenient parsing (a list to fill) records the problem and goes on."""
    if problems is None:
        raise err
    problems.append(str(err))


def parse_requirements_file(path: str, text: str, read: Callable[[str], str | None] | None = None,
                            problems: list[str] | None = None, *,
                            _seen: frozenset[str] = frozenset()) -> list[Dependency]:
    """Every requirement of a requirements file and of the files it includes with ``-r``.

    With ``problems`` (a list), a bad line is recorded there and the other lines are still read.
    """
    found: list[Dependency] = []
    kind = kind_of(path)
    for number, line in logical_lines(text):
        try:
            if line.startswith("-"):
                include = _INCLUDE.match(line)
                if include:
                    found += _include(path, number, include.group(1), read, problems, _seen | {path})
                elif not line.split("=", 1)[0].split()[0] in _IGNORED_OPTIONS:
                    raise ParseError(f"{path} line {number}: unknown option {_clip(line.split()[0])}")
                continue
            line = _HASH_OPTION.sub("", " " + line).strip()
            name, spec, markers, extras = parse_requirement(line, path, number)
        except ParseError as err:
            _keep_going(problems, err)
            continue
        found.append(Dependency(path, "", kind, name, spec, markers, extras, number))
    return found


def _include(path: str, number: int, target: str, read, problems, seen: frozenset[str]) -> list[Dependency]:
    included = normpath(join(dirname(path), target))
    if included in seen or read is None:
        return []
    text = read(included)
    if text is None:
        raise ParseError(f"{path} line {number}: included file {included!r} does not exist")
    return parse_requirements_file(included, text, read, problems, _seen=seen)


def parse_pyproject(path: str, text: str, problems: list[str] | None = None) -> list[Dependency]:
    """``[project] dependencies`` and ``[project.optional-dependencies]``."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ParseError(f"{path}: not valid TOML ({err})") from None
    project = data.get("project") or {}
    if not isinstance(project, dict):
        raise ParseError(f"{path} line {_line_of(text, 'project')}: [project] must be a table")
    groups = [("project.dependencies", project.get("dependencies") or [])]
    optional = project.get("optional-dependencies") or {}
    if not isinstance(optional, dict):
        raise ParseError(f"{path} line {_line_of(text, 'optional-dependencies')}: "
                         "[project] optional-dependencies must be a table")
    groups += [(f"project.optional-dependencies.{name}", reqs) for name, reqs in optional.items()]
    found = []
    for section, reqs in groups:
        if not isinstance(reqs, list) or not all(isinstance(r, str) for r in reqs):
            raise ParseError(f"{path} line {_line_of(text, section.rsplit('.', 1)[-1])}: "
                             f"{section} must be a list of strings")
        found += _items(path, section, [(_line_of(text, req), req) for req in reqs], problems)
    return found


def parse_setup_cfg(path: str, text: str, problems: list[str] | None = None) -> list[Dependency]:
    """``[options] install_requires`` and ``[options.extras_require]``."""
    found = []
    for section in parse_ini(text, path):
        if section.name == "options" and "install_requires" in section.options:
            found += _cfg_list(path, "install_requires", section.options["install_requires"], problems)
        elif section.name == "options.extras_require":
            for group, value in section.options.items():
                found += _cfg_list(path, f"extras_require.{group}", value, problems)
    return found


def _cfg_list(path: str, section: str, value, problems: list[str] | None) -> list[Dependency]:
    items = [(line, _COMMENT.sub("", item).strip()) for line, item in value.parts]
    return _items(path, section, [(line, item) for line, item in items if item], problems)


def _items(path: str, section: str, items: list[tuple[int, str]], problems: list[str] | None) -> list[Dependency]:
    """Dependencies of (line, requirement text) pairs of one section."""
    found = []
    for line, item in items:
        try:
            name, spec, markers, extras = parse_requirement(item, path, line)
        except ParseError as err:
            _keep_going(problems, err)
            continue
        found.append(Dependency(path, section, kind_of(path, section), name, spec, markers, extras, line))
    return found


def parse_manifest(path: str, text: str, read: Callable[[str], str | None] | None = None,
                   problems: list[str] | None = None) -> list[Dependency]:
    """Dependencies declared in one manifest file (chosen by its name); see ``problems`` above."""
    base = path.rsplit("/", 1)[-1]
    if base == "pyproject.toml":
        return parse_pyproject(path, text, problems)
    if base == "setup.cfg":
        return parse_setup_cfg(path, text, problems)
    return parse_requirements_file(path, text, read, problems)


def parse_constraints(path: str, text: str) -> list[tuple[str, str, str, int]]:
    """(name, version, markers, line) of each ``name===version;markers`` line."""
    found = []
    for number, line in logical_lines(text):
        if line.startswith("-"):
            continue
        name, spec, markers, _ = parse_requirement(line, path, number)
        match = re.fullmatch(r"===?(\S+)", spec)
        if not match:
            raise ParseError(f"{path} line {number}: a constraint pins one version (name===version), "
                             f"got {_clip(line)}")
        found.append((name, match.group(1), markers, number))
    return found


def _line_of(text: str, needle: str) -> int:
    """1-based line where ``needle`` first appears (1 when it cannot be found)."""
    index = text.find(needle)
    return text.count("\n", 0, index) + 1 if index >= 0 else 1


def _clip(text: str, width: int = 60) -> str:
    return repr(text if len(text) <= width else text[:width] + "…")
