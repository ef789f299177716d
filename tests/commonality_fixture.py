"""A small community for the Commonality and Consistency tests, in real git repositories.

Three repositories (``alpha``, ``beta`` in team Core, ``gamma`` in team Edge)
hold manifests in every supported format (one malformed), conventions kept
unevenly, one function copied from alpha into beta under other names, and a
support matrix inside alpha; a second matrix in the old INI layout and a
malformed CSV one are plain files.  The expected figures are worked out by
hand in tests/test_commonality.py.
"""

from __future__ import annotations

from pathlib import Path

from gitrepo import make_repo

COPIED = '''def merge_settings(defaults, overrides, strict=False):
    result = dict(defaults)
    for key, value in overrides.items():
        if strict and key not in result:
            raise KeyError("unknown setting %s" % key)
        if isinstance(value, dict):
            result[key] = merge_settings(result.get(key, {}), value, strict=strict)
        else:
            result[key] = value
    return result
'''
# the same function, renamed and reformatted, with a comment: still the same normalised lines
RENAMED = '''def combine(base, extra, check=False):
    # copied from alpha
    out = dict(base)
    for name, item in extra.items():
        if check and name not in out:
            raise KeyError('no such option %s' % name)
        if isinstance(item, dict):
            out[name] = combine(out.get(name, {}), item, check=check)
        else:
            out[name] = item
    return out
'''

MATRIX_INI = """# drivers of the alpha service
[driver.fast]
title=Fast driver

[driver.slow]
title=Slow driver

[operation.a]
title=Operation A
status=mandatory
driver.fast=complete
driver.slow=partial
driver-notes.slow=only on Tuesdays

[operation.b]
title=Operation B
status=optional
driver.fast=complete
driver.slow=missing

[operation.c]
title=Operation C
status=optional
driver.fast=partial
"""

LEGACY_INI = """[targets]
driver-impl-xen=Xen
driver-impl-kvm=KVM

[operation.boot]
title=Boot
status=mandatory
driver-impl-xen=complete
driver-impl-kvm=unknown
driver-notes-kvm=untested
"""

BAD_CSV = "feature,target,status\nboot,x,complete\nstop,x,maybe\n"


def build(root: Path) -> Path:
    """Create the repositories, matrices and healthdash.toml under ``root``; return the toml path."""
    make_repo(root, name="alpha", commits=[{"date": "2024-05-01T10:00:00Z", "files": {
        "README.rst": "Alpha\n", "LICENSE": "Apache-2.0\n", ".zuul.yaml": "- project: {}\n",
        "tox.ini": "[tox]\nenvlist = py3\n\n[flake8]\nmax-line-length = 99\n",
        "setup.cfg": "[metadata]\nname = alpha\n\n[options]\npython_requires = >=3.9\n",
        "requirements.txt": ("# Alpha runtime needs\npbr>=2.0.0  # Apache-2.0\n"
                             "requests!=2.26.0,>=2.25.1 \\\n    --hash=sha256:abcd\ncommon.config>=9.0.0\n"
                             "-r extra-requirements.txt\n"),
        "extra-requirements.txt": "six>=1.16.0 ; python_version>='3.8'\n",
        "test-requirements.txt": "pytest>=7\n",
        "alpha/__init__.py": "",
        "alpha/settings.py": '"""Settings."""\nimport common_config\n\n' + COPIED,
        "alpha/tests/__init__.py": "",
        "doc/source/index.rst": "Alpha\n=====\n",
        "doc/source/support-matrix.ini": MATRIX_INI,
        "releasenotes/notes/first-0123.yaml": "features:\n  - first\n",
    }}])
    make_repo(root, name="beta", commits=[{"date": "2024-05-02T10:00:00Z", "files": {
        "README.md": "# Beta\n", "LICENSE": "MIT\n", "CONTRIBUTING.md": "Send patches\n",
        "SECURITY.md": "Mail security@beta.example\n", "CHANGELOG.md": "## 1.0\n",
        ".github/workflows/ci.yml": "on: push\n",
        "pyproject.toml": ('[project]\nname = "beta"\nrequires-python = ">=3.10"\n'
                           'dependencies = ["requests<2.0", "common.log>=5.0"]\n\n'
                           '[project.optional-dependencies]\ntest = ["pytest>=8"]\n\n'
                           '[tool.ruff]\nline-length = 99\n'),
        "beta/util.py": RENAMED + "\n\ndef other():\n    return 1\n",
        "beta/tests/test_util.py": '"""Tests."""\n',
    }}])
    make_repo(root, name="gamma", commits=[{"date": "2024-05-03T10:00:00Z", "files": {
        "setup.cfg": "[metadata]\nname = gamma\n\n[options]\ninstall_requires =\n    pbr>=2.0.0\n    requests>=2.0\n",
        "test-requirements.txt": "pytest\nfoo==>1\n",
        "gamma.py": "import logging\nLOG = logging.getLogger(__name__)\n",
    }}])
    (root / "matrices").mkdir()
    (root / "matrices" / "legacy.ini").write_text(LEGACY_INI)
    (root / "matrices" / "bad.csv").write_text(BAD_CSV)
    (root / "global-requirements.txt").write_text("pbr!=2.1.0,>=2.0.0\nrequests>=2.25.1\n")
    (root / "upper-constraints.txt").write_text(
        "pbr===6.0.0\nrequests===2.31.0\nsix===1.16.0\npytest===8.0.0\n")
    config = root / "healthdash.toml"
    config.write_text(f"""warehouse = "w.duckdb"
[[teams]]
name = "Core"
projects = [{{ name = "alpha", repos = ["alpha"] }}, {{ name = "beta", repos = ["beta"] }}]
[[teams]]
name = "Edge"
projects = [{{ name = "gamma", repos = ["gamma"] }}]
[repos.alpha]
path = "alpha"
url = "https://github.com/example/alpha"
[repos.beta]
path = "beta"
[repos.gamma]
path = "gamma"

[commonality]
global_requirements = "global-requirements.txt"
constraints = "upper-constraints.txt"
common_libraries = ["common.config", "common.log"]
config_library = "common.config"
logging_library = "common.log"

[[sources]]
kind = "feature_matrix"
name = "drivers"
repo = "alpha"
file = "doc/source/support-matrix.ini"

[[sources]]
kind = "feature_matrix"
name = "legacy"
path = "matrices/legacy.ini"

[[sources]]
kind = "feature_matrix"
name = "broken"
path = "matrices/bad.csv"
""")
    return config
