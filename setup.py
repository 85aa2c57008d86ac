"""Build hook for the web UI's front-end libraries (everything else is in pyproject.toml).

Leaflet and Leaflet.markercluster come from the npm registry, pinned by ``frontend/package-lock.json``:
``build_py`` (run by ``pip install``, editable or not, and by wheel/sdist builds) runs ``npm ci`` in
``frontend/`` and copies their built files and licences into ``harmledger/present/static/vendor/``,
which the wheel carries. The repository keeps none of them. Without npm the build goes on and the
overview page falls back to its server-drawn SVG map.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

ROOT = Path(__file__).resolve().parent
FRONTEND = ROOT / "frontend"
VENDOR = ROOT / "harmledger" / "present" / "static" / "vendor"
FILES = {  # node_modules path -> vendor path
    "leaflet/dist/leaflet.js": "leaflet/leaflet.js",
    "leaflet/dist/leaflet.css": "leaflet/leaflet.css",
    "leaflet/dist/images": "leaflet/images",
    "leaflet/LICENSE": "leaflet/LICENSE",
    "leaflet.markercluster/dist/leaflet.markercluster.js": "markercluster/leaflet.markercluster.js",
    "leaflet.markercluster/dist/MarkerCluster.css": "markercluster/MarkerCluster.css",
    "leaflet.markercluster/dist/MarkerCluster.Default.css": "markercluster/MarkerCluster.Default.css",
    "leaflet.markercluster/MIT-LICENCE.txt": "markercluster/MIT-LICENCE.txt",
}


def build_frontend() -> None:
    if all((VENDOR / dst).exists() for dst in FILES.values()):
        return
    npm = shutil.which("npm")
    if npm is None or not (FRONTEND / "package-lock.json").exists():
        print("harmledger: npm not found: the web UI's map libraries are not built (the overview page "
              "falls back to its SVG map)", file=sys.stderr)
        return
    try:
        subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--omit=dev", "--loglevel=error"], cwd=FRONTEND,
                       check=True)
    except (subprocess.CalledProcessError, OSError) as e:
        print(f"harmledger: npm ci failed ({e}): the web UI's map libraries are not built (the overview page "
              "falls back to its SVG map)", file=sys.stderr)
        return
    for src, dst in FILES.items():
        s, d = FRONTEND / "node_modules" / src, VENDOR / dst
        d.parent.mkdir(parents=True, exist_ok=True)
        if s.is_dir():
            shutil.copytree(s, d, dirs_exist_ok=True)
        elif s.exists():
            shutil.copy2(s, d)


class BuildPy(build_py):
    def run(self) -> None:
        build_frontend()
        super().run()


class Sdist(sdist):
    def run(self) -> None:
        build_frontend()
        super().run()


setup(cmdclass={"build_py": BuildPy, "sdist": Sdist})
