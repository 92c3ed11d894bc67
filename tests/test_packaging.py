"""The installed package is self-sufficient, and the code type-checks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from .conftest import ROOT


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(ROOT)],
                   check=True, capture_output=True)
    (whl,) = out.glob("perfrules-*.whl")
    return whl


def test_wheel_carries_grammar_schemas_rulesets(wheel: Path) -> None:
    import zipfile

    names = zipfile.ZipFile(wheel).namelist()
    assert "perfrules/_data/grammar/perfrules.lark" in names
    assert "perfrules/_data/schemas/form.schema.json" in names
    assert any(n.startswith("perfrules/_data/rulesets/hubei/huangshi/2022/") and n.endswith(".rules") for n in names)
    assert "perfrules/py.typed" in names


def test_installed_wheel_scores_from_outside_the_repo(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    # The dependencies (lark, pyyaml, jsonschema) come from the running environment, offline; the
    # wheel's own perfrules sits in the new venv's site-packages, which comes first on sys.path.
    import site
    import sysconfig

    purelib = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    deps = {sysconfig.get_paths()["purelib"], *site.getsitepackages()}
    Path(purelib, "zz_test_deps.pth").write_text("\n".join(sorted(deps)) + "\n", encoding="utf-8")
    subprocess.run([str(py), "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel)], check=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    cli = env_dir / "bin" / "perfrules"
    examples = subprocess.run([str(cli), "examples"], cwd=elsewhere, env=env, capture_output=True, text=True, check=True)
    first = next(line for line in examples.stdout.splitlines() if line.endswith("02-kaifaqu-peitao.yaml"))
    assert "/site-packages/perfrules/_data/rulesets/" in first
    done = subprocess.run([str(cli), "score", first, "--format", "json"], cwd=elsewhere, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["total"] == "91.64"
    where = subprocess.run([str(py), "-c", "import perfrules; print(perfrules.__file__)"], cwd=elsewhere, env=env,
                           capture_output=True, text=True, check=True)
    assert str(ROOT) not in where.stdout
    # the bundled rulesets' test files ship too, and pass at full rubric coverage from anywhere
    tests = subprocess.run([str(cli), "test", "--bundled", "--fail-under", "100"], cwd=elsewhere, env=env,
                           capture_output=True, text=True)
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert tests.stdout.strip().splitlines()[-1].endswith(" passed, 0 failed")


def test_mypy_strict() -> None:
    from mypy import api

    out, err, status = api.run(["--config-file", str(ROOT / "pyproject.toml"), str(ROOT / "perfrules")])
    assert status == 0, out + err


def test_ruff_clean() -> None:
    """ruff with the rules pinned in pyproject.toml ([tool.ruff.lint]) over the code, tests and benchmarks."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "perfrules", "tests", "benchmarks"],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_wheel_carries_the_workbench(wheel: Path) -> None:
    import zipfile

    names = set(zipfile.ZipFile(wheel).namelist())
    for asset in ["index.html", "api.html", "api.js", "workbench.js", "workbench.css", "editor.js",
                  "editor.LICENSES.txt"]:
        assert f"perfrules/serve/static/{asset}" in names, asset
