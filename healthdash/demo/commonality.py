"""The demo community's commonality and consistency: what its repositories share, and where they differ.

Two hooks, both deterministic: :func:`adjust_tree` edits each repository's
first commit (called by :func:`healthdash.demo.content.initial_tree`) so the
repositories use the common libraries unevenly (some declare them, some only
import them, some roll their own configuration), drift in their requirement
specifiers, carry code copied from one another and keep the conventions
unevenly; :func:`commonality_part` writes the community's global requirements
and constraints, a driver support matrix inside ``nimbus`` (INI, with holes)
and a backend matrix for ``strata`` (CSV), and names them in the config.
Random draws come from generators private to this module, so the rest of the
demo is unchanged by them.
"""

from __future__ import annotations

import random

from healthdash.demo.model import Repo

#: requirements.txt of each repository (the first commit; later commits may drift further)
REQUIREMENTS = {
    "nimbus": ["pbr>=5.8.0", "requests>=2.25.1", "SQLAlchemy>=1.4.0", "common.config>=9.0.0",
               "common.log>=5.0.0", "common.messaging>=14.0.0"],
    "python-nimbusclient": ["pbr>=5.8.0", "requests>=2.25.1", "common.config>=8.1.0", "common.log>=5.0.0"],
    "placard": ["pbr>=5.8.0", "requests>=2.25.1", "SQLAlchemy>=1.4.0", "common.messaging>=14.0.0"],
    "strata": ["pbr!=2.1.0,>=2.0.0", "requests>=2.25.1", "sqlalchemy>=2.0.0", "common.config>=9.0.0",
               "common.log>=5.0.0", "common.messaging>=14.0.0"],
    "python-strataclient": ["pbr>=5.8.0", "requests>=2.25.1", "common.log>=5.0.0"],
    "glacier": ["pbr>=5.8.0", "requests>=2.14.0", "eventlet>=0.30.0", "SQLAlchemy>=1.4.0"],
    "meshnet": ["pbr>=5.8.0", "requests>=2.25.1", "SQLAlchemy>=1.4.0", "common.config>=9.0.0",
                "common.log>=5.0.0", "common.messaging>=14.0.0"],
    "python-meshnetclient": ["pbr>=5.8.0", "requests<2.30.0,>=2.20.0", "common.config>=9.0.0",
                             "common.log>=5.0.0"],
    "meshnet-lib": ["pbr>=5.8.0", "common.config<9.0.0,>=8.0.0", "common.log>=5.0.0"],
    "common.config": ["pbr>=5.8.0", "PyYAML>=5.1"],
    "common.log": ["pbr>=5.8.0", "common.config>=9.0.0"],
    "common.messaging": ["pbr>=5.8.0", "common.config>=9.0.0", "common.log>=5.0.0", "kombu>=5.0.0"],
}
GLOBAL_REQUIREMENTS = ["pbr!=2.1.0,>=2.0.0", "requests>=2.25.1", "SQLAlchemy>=1.4.0", "PyYAML>=5.1",
                       "common.config>=9.0.0", "common.log>=5.0.0", "common.messaging>=14.0.0", "kombu>=5.0.0",
                       "stestr>=3.2.0", "coverage!=4.4,>=4.0", "fixtures>=3.0.0"]
CONSTRAINTS = ["pbr===6.0.0", "requests===2.31.0", "SQLAlchemy===2.0.29", "PyYAML===6.0.1",
               "common.config===9.2.0", "common.log===5.3.0", "common.messaging===14.1.0", "kombu===5.3.4",
               "stestr===4.1.0", "coverage===7.4.4", "fixtures===4.1.0"]

#: repositories that read their configuration through common.config; the others roll their own
USES_COMMON_CONFIG = {"nimbus", "python-nimbusclient", "strata", "meshnet", "python-meshnetclient", "meshnet-lib",
                      "common.log", "common.messaging"}

#: conventions each repository does NOT keep (file paths removed from its first commit, or a rule switched off)
GAPS = {
    "placard": {"LICENSE", "CONTRIBUTING.rst", "python_requires"},
    "python-strataclient": {"CONTRIBUTING.rst", "python_requires", "flake8"},
    "glacier": {".zuul.yaml", "CONTRIBUTING.rst", "flake8"},
    "python-nimbusclient": {"flake8"},
    "python-meshnetclient": {".zuul.yaml", "docs"},
    "meshnet-lib": {"python_requires"},
}

FLAKE8 = ["", "[flake8]", "max-line-length = 99", "exclude = .venv,.tox,doc"]
CLASSIFIERS = ["classifier =", "    Programming Language :: Python :: 3.10", "    Programming Language :: Python :: 3.12"]
#: lines later commits never remove (see healthdash.demo.content.edit), so the shape above holds at the head
PINNED = frozenset({line for lines in REQUIREMENTS.values() for line in lines} | set(FLAKE8) | set(CLASSIFIERS)
                   | {"python_requires = >=3.10", "[metadata]", "[files]", "[tox]", "[testenv]",
                      "from common_config import cfg", "import configparser"}) - {""}

RETRY = '''

def call_with_retries(func, attempts=5, delay=0.5, backoff=2.0, retry_on=(IOError,)):
    """Call ``func`` until it succeeds, sleeping longer after each failure."""
    wait = delay
    for attempt in range(1, attempts + 1):
        try:
            return func()
        except retry_on as err:
            if attempt == attempts:
                raise
            LOG.warning("attempt %d of %d failed: %s", attempt, attempts, err)
            time.sleep(wait)
            wait = min(wait * backoff, 30.0)
'''
SIZES = '''

def parse_size(text, default_unit="M"):
    """Turn ``10G`` or ``512`` into bytes."""
    units = {"K": 1024, "M": 1024 ** 2, "G": 1024 ** 3, "T": 1024 ** 4}
    text = str(text).strip().upper()
    if not text:
        raise ValueError("empty size")
    unit = text[-1] if text[-1] in units else default_unit
    number = text[:-1] if text[-1] in units else text
    if not number.isdigit():
        raise ValueError("not a size: %s" % text)
    return int(number) * units[unit]
'''
PAGES = '''

def paginate(items, marker=None, limit=None, max_limit=1000):
    """The page of ``items`` after ``marker``, at most ``limit`` long."""
    limit = min(limit or max_limit, max_limit)
    start = 0
    if marker is not None:
        ids = [item["id"] for item in items]
        if marker not in ids:
            raise KeyError("marker %s not found" % marker)
        start = ids.index(marker) + 1
    page = items[start:start + limit]
    return page, (page[-1]["id"] if len(page) == limit else None)
'''
#: code copied between repositories: file name -> (text, repositories holding a copy)
COPIES = {"retry_utils.py": (RETRY, ("nimbus", "strata", "meshnet")),
          "sizes.py": (SIZES, ("python-nimbusclient", "python-strataclient")),
          "pagination.py": (PAGES, ("nimbus", "placard"))}


def _conf_module(repo: Repo) -> list[str]:
    if repo.name in USES_COMMON_CONFIG:
        return ["from common_config import cfg", "", "CONF = cfg.CONF",
                f"CONF.register_opts([cfg.StrOpt('host'), cfg.IntOpt('workers', default=4)], group='{repo.package}')"]
    return ["import configparser", "", "_PARSER = configparser.ConfigParser()", "",
            "", "def load(path):", "    _PARSER.read(path)", "    return _PARSER"]


def adjust_tree(repo: Repo, tree: dict[str, list[str]]) -> None:
    """Requirements, configuration module, copied code and convention gaps of the first commit."""
    gaps = GAPS.get(repo.name, set())
    tree["requirements.txt"] = list(REQUIREMENTS.get(repo.name, tree["requirements.txt"]))
    tree[f"{repo.package}/conf.py"] = ["import logging", "", *_conf_module(repo)]
    for name, (text, holders) in COPIES.items():
        if repo.name in holders:
            tree[f"{repo.package}/{name}"] = ["import time", "", "from common_log import log as logging", "",
                                              "LOG = logging.getLogger(__name__)", *text.splitlines()]
    for path in ("LICENSE", "CONTRIBUTING.rst", ".zuul.yaml"):
        if path in gaps:
            tree.pop(path, None)
    if "docs" in gaps:
        for path in [p for p in tree if p.startswith("doc/")]:
            del tree[path]
    if "python_requires" in gaps:
        tree["setup.cfg"] = [line for line in tree["setup.cfg"] if not line.startswith("python_requires")]
    elif repo.kind != "library":
        at = tree["setup.cfg"].index("python_requires = >=3.10") + 1
        tree["setup.cfg"][at:at] = CLASSIFIERS
    if "flake8" not in gaps:
        tree["tox.ini"] += FLAKE8
    if repo.name == "python-meshnetclient":
        tree[".github/workflows/tests.yml"] = ["on: [push, pull_request]", "jobs:", "  tests:",
                                               "    runs-on: ubuntu-latest"]
    if repo.name == "nimbus":
        tree[MATRIX_FILE] = support_matrix()


# --------------------------------------------------------------------------- feature matrices

MATRIX_FILE = "doc/source/support-matrix.ini"
DRIVERS = [("libvirt-kvm", "Libvirt KVM", 0.92), ("libvirt-qemu", "Libvirt QEMU", 0.85),
           ("hyperv", "Hyper-V", 0.6), ("baremetal", "Bare metal", 0.4), ("container", "Containers", 0.45)]
OPERATIONS = [("attach-volume", "Attach block volume", "optional"), ("detach-volume", "Detach block volume", "optional"),
              ("extend-volume", "Extend attached volume", "optional"), ("attach-interface", "Attach network interface",
                                                                        "optional"),
              ("live-migrate", "Live migrate instance", "optional"), ("evacuate", "Evacuate from a failed host",
                                                                      "optional"),
              ("rebuild", "Rebuild instance", "mandatory"), ("resize", "Resize instance", "optional"),
              ("snapshot", "Snapshot instance", "mandatory"), ("suspend", "Suspend instance", "optional"),
              ("rescue", "Rescue instance", "optional"), ("set-password", "Set admin password", "optional"),
              ("serial-console", "Interactive serial console", "optional"), ("launch", "Launch instance",
                                                                            "mandatory")]


def support_matrix() -> list[str]:
    """nimbus's driver support matrix (current INI layout), with missing, partial and unknown cells."""
    rng = random.Random("healthdash-demo:commonality:matrix")
    lines = ["# Nimbus hypervisor driver support matrix", ""]
    for key, title, _ in DRIVERS:
        lines += [f"[driver.{key}]", f"title={title}", ""]
    for op, title, maturity in OPERATIONS:
        lines += [f"[operation.{op}]", f"title={title}", f"status={maturity}"]
        for key, _, strength in DRIVERS:
            if maturity == "mandatory":
                status = "complete"
            elif key == "container" and op in ("serial-console", "set-password"):
                continue                     # the container driver's authors never listed these
            else:
                draw = rng.random()
                status = ("complete" if draw < strength else "partial" if draw < strength + 0.12
                          else "unknown" if draw > 0.97 else "missing")
            lines.append(f"driver.{key}={status}")
            if status == "partial":
                lines.append(f"driver-notes.{key}=Only with {rng.choice(['shared storage', 'UEFI guests', 'KVM >= 6'])}")
        lines.append("")
    return lines


BACKENDS = [("lvm", 0.9), ("ceph", 0.85), ("nfs", 0.55), ("filer", 0.35)]
BACKEND_FEATURES = ["create volume", "delete volume", "snapshot", "clone", "extend", "multi-attach",
                    "replication", "encryption", "QoS", "backup"]


def backend_matrix() -> str:
    """strata's storage backend matrix as CSV (feature,target,status,notes)."""
    rng = random.Random("healthdash-demo:commonality:backends")
    rows = ["feature,target,status,notes"]
    for feature in BACKEND_FEATURES:
        for backend, strength in BACKENDS:
            draw = rng.random()
            status = "complete" if draw < strength else "partial" if draw < strength + 0.15 else "missing"
            rows.append(f"{feature},{backend},{status},{'thin pools only' if status == 'partial' else ''}")
    return "\n".join(rows) + "\n"


def commonality_part(ctx) -> None:
    """Build part: global requirements, constraints, the [commonality] settings and two feature matrices."""
    folder = ctx.path("requirements")
    (folder / "global-requirements.txt").write_text("\n".join(GLOBAL_REQUIREMENTS) + "\n", "utf-8")
    (folder / "upper-constraints.txt").write_text("\n".join(CONSTRAINTS) + "\n", "utf-8")
    ctx.config["commonality"] = {
        "global_requirements": "requirements/global-requirements.txt",
        "constraints": "requirements/upper-constraints.txt",
        "common_libraries": ["common.config", "common.log", "common.messaging"],
        "config_library": "common.config", "logging_library": "common.log",
    }
    if "nimbus" in ctx.community.repos:
        ctx.add_source("feature_matrix", name="nimbus-drivers", repo="nimbus", file=MATRIX_FILE)
    (ctx.path("matrices") / "strata-backends.csv").write_text(backend_matrix(), "utf-8")
    ctx.add_source("feature_matrix", name="strata-backends", path="matrices/strata-backends.csv")
