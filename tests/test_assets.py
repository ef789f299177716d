"""The top-level assets/ folder: served from a checkout and from an installed wheel alike.

Builds the wheel with ``pip wheel --no-deps`` into a tmp dir, checks it carries
every file of assets/ as data files, installs it with ``--prefix`` into another
tmp dir and starts the app from that installation (in a fresh interpreter whose
``healthdash`` is the installed one, not this checkout), fetching each asset.
"""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from healthdash.assets import assets_dir

ROOT = Path(__file__).resolve().parents[1]
ASSETS = sorted(p.name for p in (ROOT / "assets").iterdir() if p.is_file())


def test_checkout_serves_the_top_level_assets_folder(participation_warehouse):
    from healthdash.dashboard.app import create_app

    assert assets_dir() == ROOT / "assets"
    assert {"healthdash.css", "dark.css", "org-palette.json", "deck.css"} <= set(ASSETS)
    client = create_app(warehouse=participation_warehouse).server.test_client()
    for name in ASSETS:
        response = client.get(f"/assets/{name}")
        assert response.status_code == 200 and response.data == (ROOT / "assets" / name).read_bytes(), name
    page = client.get("/").get_data(as_text=True)
    assert "healthdash.css" in page and "dark.css" in page
    assert "deck.css" not in page  # the deck's stylesheet is for exported decks, not the dashboard


@pytest.mark.slow
def test_installed_wheel_serves_the_same_assets(tmp_path, participation_warehouse):
    wheels = tmp_path / "wheels"
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
                           capture_output=True, text=True)
    assert built.returncode == 0, built.stderr[-2000:]
    wheel = next(wheels.glob("healthdash-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        shipped = {Path(n).name for n in archive.namelist() if "/share/healthdash/assets/" in n}
    assert shipped == set(ASSETS)

    prefix = tmp_path / "prefix"
    # --ignore-installed: never touch this environment's own (editable) healthdash
    installed = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--ignore-installed", "-q",
                                "--prefix", str(prefix), str(wheel)], capture_output=True, text=True)
    assert installed.returncode == 0, installed.stderr[-2000:]
    site = Path(sysconfig.get_path("purelib", vars={"base": str(prefix)}))
    probe = (
        "import json, sys, healthdash\n"
        "from healthdash.assets import assets_dir\n"
        "from healthdash.dashboard.app import create_app\n"
        f"client = create_app(warehouse={str(participation_warehouse)!r}).server.test_client()\n"
        f"names = {ASSETS!r}\n"
        "print(json.dumps({'package': healthdash.__file__, 'assets': str(assets_dir()),\n"
        "  'served': {n: client.get('/assets/' + n).get_data(as_text=True) for n in names}}))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path,
                          env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr[-2000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["package"].startswith(str(prefix))            # the installed copy, not this checkout
    assert found["assets"] == str(prefix / "share" / "healthdash" / "assets")
    for name in ASSETS:
        assert found["served"][name] == (ROOT / "assets" / name).read_text("utf-8"), name
