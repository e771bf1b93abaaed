"""The tool as a user installs it: the console script, ``python -m``, and a real wheel.

These run in subprocesses, so they see what a shell user sees: the entry
point, the exit code, and the grammar found as package data.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from .helpers import REPO

EXAMPLE = ["y - max(0,w*x+b)", "--at", "y=5,w=2,x=1,b=1", "--wrt", "w"]


def console_script() -> str:
    beside_python = Path(sys.executable).with_name("adexplain")
    found = str(beside_python) if beside_python.exists() else shutil.which("adexplain")
    assert found, "the adexplain console script is not installed (pip install -e '.[test]')"
    return found


def test_console_script_runs_the_readme_example(tmp_path: Path) -> None:
    result = subprocess.run(
        [console_script(), *EXAMPLE],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert result.returncode == 0, result.stderr
    assert "Forward pass: node values" in result.stdout
    assert result.stdout.rstrip().endswith("Gradient: ∂Z/∂w = -1")
    assert result.stderr == ""


def test_console_script_reports_bad_input_with_exit_code_2(tmp_path: Path) -> None:
    result = subprocess.run(
        [console_script(), "log(x)", "--at", "x=-1"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("adexplain: error[domain]: w2 = log(w1)")
    assert "Traceback" not in result.stderr


def test_python_dash_m(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "autodiff_cli", *EXAMPLE, "--format", "json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert '"gradient": {"w": -1}' in result.stdout


def test_json_output_imports_neither_rich_nor_lark(tmp_path: Path) -> None:
    """JSON needs no tables drawn, and a valid text needs only the exported parse tables."""
    probe = (
        "import sys\n"
        "from autodiff_cli.cli import main\n"
        "try:\n"
        "    main(sys.argv[1:], standalone_mode=False)\n"
        "finally:\n"
        "    sys.stderr.write(repr(sorted({'rich', 'lark'} & set(sys.modules))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, *EXAMPLE, "--format", "json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == "[]"


def test_non_editable_wheel_runs_from_another_directory(tmp_path: Path) -> None:
    """Build a real wheel, install it into a fresh directory, run it from elsewhere.

    This is what proves the grammar ships inside the package: an editable
    install would find grammar/ in the source tree.
    """
    wheels = tmp_path / "wheels"
    target = tmp_path / "site"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "--wheel-dir",
            str(wheels),
            str(REPO),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stderr
    (wheel,) = wheels.glob("adexplain-*.whl")
    install = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--quiet",
            "--target",
            str(target),
            str(wheel),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert install.returncode == 0, install.stderr
    assert (target / "autodiff_cli" / "grammar" / "expr.lark").is_file()
    assert (target / "autodiff_cli" / "grammar" / "expr.tables.json").is_file()

    env = {**os.environ, "PYTHONPATH": str(target), "NO_COLOR": "1"}
    where = subprocess.run(
        [sys.executable, "-c", "import autodiff_cli; print(autodiff_cli.__file__)"],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=env,
        timeout=60,
    )
    assert Path(where.stdout.strip()).is_relative_to(target), where.stdout
    result = subprocess.run(
        [sys.executable, "-m", "autodiff_cli", *EXAMPLE],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.rstrip().endswith("Gradient: ∂Z/∂w = -1")
    # The shipped tables are the ones in use: parsing does not fall back to building them.
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from autodiff_cli.parser import parse; parse('x*y'); "
            "print('lark' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=env,
        timeout=60,
    )
    assert probe.stdout.strip() == "False", probe.stderr
    # An installed wheel writes the autograder bundle from its own files, each once.
    bundle = elsewhere / "autograder.zip"
    key = str(REPO / "samples" / "kink.toml")
    written = subprocess.run(
        [sys.executable, "-m", "autodiff_cli", "autograder", "--key", key, "--out", str(bundle)],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=env,
        timeout=60,
    )
    assert written.returncode == 0, written.stderr
    names = zipfile.ZipFile(bundle).namelist()
    assert len(names) == len(set(names))
    assert "lib/autodiff_cli/grammar/expr.tables.json" in names
    assert "lib/autodiff_cli/render/assets/page.js" in names
    # The page's script, style and dagre ship with it: the page is whole from a wheel too.
    page = subprocess.run(
        [sys.executable, "-m", "autodiff_cli", *EXAMPLE, "--format", "html"],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=env,
        timeout=60,
    )
    assert page.returncode == 0, page.stderr
    for shipped in ("page.js", "page.css", "dagre.min.js", "dagre.LICENSE.txt"):
        text = (target / "autodiff_cli" / "render" / "assets" / shipped).read_text("utf-8")
        if shipped.endswith(".txt"):  # the licence sits inside a /* comment */
            text = text.replace("*/", "* /")
        assert text in page.stdout, shipped


def test_only_the_process_entry_point_turns_the_cycle_collector_off() -> None:
    """The command as a process runs without the cycle collector (a large graph holds no
    cycles, and rescanning it was half the time); a program calling ``main`` keeps it."""
    probe = (
        "import gc, sys\n"
        "from autodiff_cli.cli import main, run\n"
        "sys.argv = ['adexplain', 'x*x', '--at', 'x=3', '--format', 'json']\n"
        "try:\n"
        "    main(sys.argv[1:], standalone_mode=False)\n"
        "except SystemExit:\n"
        "    pass\n"
        "sys.stderr.write(f'after main: {gc.isenabled()}; ')\n"
        "try:\n"
        "    run()\n"
        "finally:\n"
        "    sys.stderr.write(f'after run: {gc.isenabled()}')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60
    )
    assert result.stderr == "after main: True; after run: False", result.stderr
