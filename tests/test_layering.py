"""The flow stays one way: collectors know no healthdash or Dash; warehouse and metrics know no Dash."""

import subprocess
import sys

import pytest

CHECKS = [
    ("collectors, collectors.base", ("healthdash", "dash")),
    ("healthdash.warehouse, healthdash.metrics, healthdash.collect", ("dash",)),
    ("healthdash.export, healthdash.labels, healthdash.assets, healthdash.takeaways, healthdash.deck", ("dash",)),
]


@pytest.mark.parametrize("modules, forbidden", CHECKS)
def test_layer_does_not_import(modules, forbidden):
    code = (
        "import importlib, pkgutil, sys\n"
        f"for name in {modules!r}.split(', '):\n"
        "    importlib.import_module(name)\n"
        "import collectors\n"
        "if 'healthdash' not in " + repr(forbidden) + ":\n"
        "    for info in pkgutil.iter_modules(collectors.__path__):\n"
        "        importlib.import_module('collectors.' + info.name)\n"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {forbidden!r})\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"{modules} imported {out.stdout.strip()}"
