"""What the test modules share: where things are, one way to run the tool, and checks of
its output by the programs that read it (JSON, Graphviz, pdflatex).

Test modules import from here, never from one another.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from autodiff_cli.cli import main

REPO = Path(__file__).resolve().parent.parent
SAMPLES = sorted((REPO / "samples").glob("*.toml"))
GOLDEN = REPO / "tests" / "golden"


def run(*args: str, input: str | None = None, env: Mapping[str, str] | None = None) -> Result:
    """The ``adexplain`` command with these arguments, through click's CliRunner."""
    return CliRunner().invoke(main, list(args), input=input, env=env)


def output(*args: str) -> str:
    """Standard output of a run that must succeed."""
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result.stdout


def strict_json(text: str) -> Any:
    """JSON as RFC 8259 has it: NaN and Infinity, which Python's json accepts, are refused."""

    def refuse(constant: str) -> None:
        raise AssertionError(f"non-standard JSON constant {constant}")

    return json.loads(text, parse_constant=refuse)


def compare_with_golden(
    args: list[str],
    name: str,
    update: bool,
    exit_code: int = 0,
    normalise: Callable[[str], str] | None = None,
) -> None:
    """Run the command without colour; its output (through ``normalise``, if given) must
    equal tests/golden/NAME."""
    result = run(*args, env={"NO_COLOR": "1"})
    assert result.exit_code == exit_code, result.output
    produced = result.stdout if normalise is None else normalise(result.stdout)
    golden = GOLDEN / name
    if update:
        golden.write_text(produced, encoding="utf-8")
    assert golden.exists(), f"no golden file {golden.name}; run pytest --update-golden"
    assert produced == golden.read_text(encoding="utf-8")


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """Fail, rather than hang, when one example runs too long (Unix alarm)."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def tool(name: str) -> str:
    """The path of an external program; skipped where it is missing, except in CI."""
    found = shutil.which(name)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is not installed; .ci/run installs it")
        pytest.skip(f"{name} is not installed")
    return found


def compile_latex(document: Path, source: str) -> str:
    """Write the document and compile it with the real pdflatex; fail with its log, and
    return the log (its warnings: an overfull box is text off the page)."""
    pdflatex = tool("pdflatex")
    document.write_text(source)
    result = subprocess.run(
        [pdflatex, "-halt-on-error", "-interaction=nonstopmode", document.name],
        cwd=document.parent,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-2000:]
    assert document.with_suffix(".pdf").stat().st_size > 1000
    return document.with_suffix(".log").read_text(encoding="latin-1")
