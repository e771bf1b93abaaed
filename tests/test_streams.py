"""Standard streams and signals, with real processes of the installed ``adexplain`` script.

Closed, full and narrow streams are properties of a process, not of click's CliRunner,
so every test here starts the script itself. Timeouts only guard against a hang.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = ["y - max(0,w*x+b)", "--at", "y=5,w=2,x=1,b=1", "--wrt", "w"]


def _script() -> str:
    script = shutil.which("adexplain", path=str(Path(sys.executable).parent))
    assert script is not None, "the adexplain script is not installed beside this Python"
    return script


def _start(
    args: list[str],
    *,
    stdin: int | None = subprocess.DEVNULL,
    stdout: int = subprocess.PIPE,
    env: Mapping[str, str] | None = None,
    close: tuple[int, ...] = (),
    encoding: str = "utf-8",
) -> subprocess.CompletedProcess[str]:
    """Run the script; ``close`` names standard descriptors it starts without."""

    def close_them() -> None:
        for descriptor in close:
            os.close(descriptor)

    return subprocess.run(
        [_script(), *args],
        stdin=stdin,
        stdout=stdout,
        stderr=subprocess.PIPE,
        encoding=encoding,
        timeout=60,
        cwd=REPO,
        env={**os.environ, **(env or {})},
        preexec_fn=close_them,
    )


def _one_clear_error(result: subprocess.CompletedProcess[str], code: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr
    assert "error[internal]" not in result.stderr, result.stderr
    assert result.stderr.startswith(f"adexplain: error[{code}]: "), result.stderr


@pytest.mark.parametrize(
    "args",
    [EXAMPLE, [*EXAMPLE, "--format", "json"], ["check", "samples/homework/"], ["quiz"]],
)
def test_closed_standard_output_is_one_clear_error(args: list[str]) -> None:
    result = _start(args, close=(1,))
    _one_clear_error(result, "io")
    assert "standard output is closed" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        EXAMPLE,
        [*EXAMPLE, "--format", "json", "--show", "all"],
        ["check", "samples/homework/", "--format", "json"],
        ["quiz", "--count", "3"],
        # An error whose JSON object cannot be written still says so on standard error.
        ["x +", "--at", "x=1", "--format", "json"],
        # Click's own pages, printed before any command runs.
        ["--help"],
        ["--version"],
        ["check", "--help"],
    ],
)
def test_full_standard_output_is_one_clear_error(args: list[str]) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    with open("/dev/full", "w") as full:
        result = _start(args, stdout=full.fileno())
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr
    assert "error[internal]" not in result.stderr
    assert "adexplain: error[" in result.stderr


def test_closed_standard_input_is_one_clear_error() -> None:
    result = _start(["-", "--at", "x=3"], stdin=None, close=(0,))
    _one_clear_error(result, "io")
    assert "standard input is closed" in result.stderr


def test_closed_standard_input_ends_a_practice_session() -> None:
    result = _start(["quiz", "--practice"], stdin=None, close=(0,))
    assert result.returncode == 0, result.stderr
    assert "Score:" in result.stdout


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
@pytest.mark.parametrize("extra", [[], ["--show", "all"], ["--format", "json"]])
def test_a_narrow_encoding_gets_every_character_escaped(encoding: str, extra: list[str]) -> None:
    result = _start(
        ["ln(θ) + θ*x2 - sin(x2)", "--at", "θ=2,x2=5", *extra],
        env={"PYTHONIOENCODING": encoding},
        encoding=encoding,
    )
    assert result.returncode == 0, result.stderr
    assert "\\u2202" in result.stdout or extra == ["--format", "json"]
    if extra == ["--format", "json"]:
        assert json.loads(result.stdout)["at"] == {"θ": 2, "x2": 5}
    # An error message with a caret under a name it cannot encode, too.
    failed = _start(["θ + y", "--at", "θ=1"], env={"PYTHONIOENCODING": encoding}, encoding=encoding)
    _one_clear_error(failed, "unknown-name")


def _reading_from_a_pipe(pid: int) -> bool:
    try:
        return "pipe" in Path(f"/proc/{pid}/wchan").read_text()
    except OSError:
        pytest.skip("no /proc/PID/wchan to see that the process is waiting for input")


@pytest.mark.parametrize("args", [["-", "--at", "x=1"], ["quiz", "--practice"]])
def test_ctrl_c_exits_130_without_a_traceback(args: list[str]) -> None:
    # Standard input is a pipe that stays open: the tool waits on it until interrupted.
    process = subprocess.Popen(
        [_script(), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for _ in range(600):  # a guard against a hang, not a measurement
            if _reading_from_a_pipe(process.pid):
                break
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    finally:
        process.kill()
        process.wait()
    assert process.returncode == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert err.strip() == "adexplain: error[interrupted]: interrupted"
