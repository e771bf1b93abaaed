"""Hostile input: a table of bad inputs that reaches every error site, and fuzzing.

Whatever arrives, adexplain answers with a result (exit 0) or one clear error
(exit 2, ``adexplain: error[code]: ...`` on standard error), quickly; never a
traceback, another exit code, or a hang.

The corpus is checked for completeness: every place in the package that
raises an AdexplainError must be reached by some entry (a line tracer records
which were), so a new error site without a corpus entry fails this file.
"""

from __future__ import annotations

import ast
import json
import re
import string
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
import pytest
from click.testing import Result
from hypothesis import assume, given
from hypothesis import strategies as st

from autodiff_cli.errors import AdexplainError
from autodiff_cli.ops import FUNCTIONS
from autodiff_cli.parser import _grammar_path
from autodiff_cli.render import RENDERERS

from .helpers import REPO, run, strict_json, time_limit
from .strategies import expressions, programs, to_text

PACKAGE = REPO / "autodiff_cli"

# (arguments, standard input, problem-file content, expected code, fragment of the message)
# "{file}" in the arguments is replaced by a file holding the problem-file content.
Entry = tuple[list[str], str | None, str | bytes | None, str, str]

CORPUS: list[Entry] = [
    # --- syntax ---------------------------------------------------------------------------
    (["", "--at", "x=1"], None, None, "syntax", "the expression is empty"),
    (["   \n\t ", "--at", "x=1"], None, None, "syntax", "the expression is empty"),
    (["x +", "--at", "x=1"], None, None, "syntax", "ends too early"),
    (["-"], "(((x", None, "syntax", "expected ')'"),
    (["x $ y", "--at", "x=1,y=2"], None, None, "syntax", "unexpected character '$'"),
    (["x\x00", "--at", "x=1"], None, None, "syntax", "unexpected character '\\x00'"),
    (["x − 1", "--at", "x=1"], None, None, "syntax", "write '-' instead"),
    (["x)", "--at", "x=1"], None, None, "syntax", "no '(' for it to close"),
    (["2x", "--at", "x=1"], None, None, "syntax", "an operator is missing"),
    (["x ** * 2", "--at", "x=1"], None, None, "syntax", "unexpected '*'"),
    (["3*x²", "--at", "x=1"], None, None, "unknown-name", "write 'x^2'"),
    (
        ["x + 0." + "0" * 5000 + "1", "--at", "x=1", "--exact"],
        None,
        None,
        "number-too-long",
        "has too many digits for --exact",
    ),
    (["max(x,,x)", "--at", "x=1"], None, None, "syntax", "unexpected ','"),
    (["x = = 1", "--at", "x=1"], None, None, "syntax", "unexpected '='"),
    (["x", "--at", "x=a=1;a"], None, None, "syntax", "must be a single expression"),
    (["x", "--at", "x=1;2"], None, None, "syntax", "must be a single expression"),
    (["'; DROP TABLE students; --", "--at", "x=1"], None, None, "syntax", "unexpected character"),
    (["__import__('os').system('true')", "--at", "x=1"], None, None, "syntax", "unexpected"),
    # --- names and functions --------------------------------------------------------------
    (["sine(x)", "--at", "x=1"], None, None, "unknown-function", "did you mean 'sin'"),
    (["eval(x)", "--at", "x=1"], None, None, "unknown-function", "unknown function 'eval'"),
    (["max(x)", "--at", "x=1"], None, None, "arity", "max takes 2 arguments, but was given 1"),
    (["sin(x, x)", "--at", "x=1"], None, None, "arity", "sin takes 1 argument"),
    (["exp()", "--at", "x=1"], None, None, "arity", "exp takes 1 argument, but was given 0"),
    (["x*y", "--at", "x=1"], None, None, "unknown-name", "no value given for 'y'"),
    (["x + sin", "--at", "x=1"], None, None, "unknown-name", "sin is a function"),
    (["x", "--at", "x=y"], None, None, "unknown-name", "'y' is not"),
    (["x + 1e999", "--at", "x=1"], None, None, "number-too-large", "too large for a float"),
    (["2 + 3"], None, None, "no-variables", "nothing to differentiate"),
    (["pi * e"], None, None, "no-variables", "nothing to differentiate"),
    (["x", "--at", "x=1,y=2"], None, None, "unused-input", "y is given a value but not used"),
    # --- programs -------------------------------------------------------------------------
    (["x = 2; x", "--at", "x=1"], None, None, "redefined", "x is an input"),
    (["a = x; a = x; a", "--at", "x=1"], None, None, "redefined", "a is defined twice"),
    (["b = a; a = x; b", "--at", "x=1"], None, None, "used-before-defined", "used before"),
    (["x; x", "--at", "x=1"], None, None, "unnamed-statement", "only the last statement"),
    # --- domains --------------------------------------------------------------------------
    (["log(x)", "--at", "x=0"], None, None, "domain", "log is defined only for arguments > 0"),
    (["1/(x-1)", "--at", "x=1"], None, None, "domain", "division by zero"),
    (["sqrt(x)", "--at", "x=-4"], None, None, "domain", "sqrt is defined only"),
    (["x^(1/3)", "--at", "x=-8"], None, None, "domain", "non-integer power"),
    (["x^-1", "--at", "x=0"], None, None, "domain", "negative power"),
    (["asin(x)", "--at", "x=2"], None, None, "domain", "in [-1, 1]"),
    (["x + log(-1)", "--at", "x=1"], None, None, "domain", "log(-1) is undefined"),
    # --- the point ------------------------------------------------------------------------
    (["x", "--at", "x"], None, None, "bad-at", "is not NAME=VALUE"),
    (["x", "--at", "1x=2"], None, None, "bad-at", "is not a variable name"),
    (["x", "--at", "x=1,x=2"], None, None, "bad-at", "given a value twice"),
    (["x", "--at", "x="], None, None, "bad-at", "x is given no value"),
    (["x", "--at", "x=1e400"], None, None, "number-too-large", "1e400 is too large"),
    (["x", "--at", "x=1e-400"], None, None, "bad-at", "too small for a float"),
    (["x", "--at", "x=exp(1000)"], None, None, "bad-at", "not a finite number"),
    (["{file}"], None, 'expr = "x"\nat = { x = inf }\n', "bad-at", "not a finite number"),
    # --- what to differentiate by ---------------------------------------------------------
    (["x", "--at", "x=1", "--wrt", "q"], None, None, "unknown-wrt", "cannot differentiate by"),
    (["x", "--at", "x=1", "--wrt", ","], None, None, "unknown-wrt", "no variable to"),
    # --- usage ----------------------------------------------------------------------------
    ([], None, None, "usage", "no expression given"),
    (["x", "--file", "samples/kink.toml"], None, None, "usage", "not both"),
    (["x", "--at", "x=1", "--format", "xml"], None, None, "usage", "Invalid value"),
    (["x", "--at", "x=1", "--wtr", "x"], None, None, "usage", "No such option"),
    (["x", "--at", "x=1", "--digits", "0"], None, None, "usage", "Invalid value for '--digits'"),
    (["x", "--at", "x=1", "--show", "graphs"], None, None, "usage", "unknown section"),
    (["x", "y", "--at", "x=1"], None, None, "usage", "unexpected extra argument"),
    (["-"], "x" * 4_000_001, None, "too-long", "more than 4,000,000 characters"),
    (["x", "--at", "x=1", "--expect", "q=1"], None, None, "bad-expect", "not a variable"),
    (["x", "--at", "x=1", "--expect", "x"], None, None, "bad-expect", "is not NAME=VALUE"),
    (["x", "--at", "x=1", "--expect", "x="], None, None, "bad-expect", "give the value expected"),
    (["x*y", "--at", "x=1 y=2"], None, None, "bad-at", "separate NAME=VALUE pairs with commas"),
    (["x", "--at", "x=1", "--expect", "x/=1"], None, None, "bad-expect", "an edge such as"),
    (["3,5*x", "--at", "x=1"], None, None, "syntax", "a decimal comma? write 3.5"),
    (["x", "--at", "x=1", "--expect", "x=abc"], None, None, "bad-expect", "'abc' is not"),
    (["x", "--at", "x=1", "--expect", "x=1/0"], None, None, "bad-expect", "division by zero"),
    (["x", "--at", "x=1", "--expect", "x=1+"], None, None, "bad-expect", "ends too early"),
    (["x", "--at", "x=1", "--expect", "x=sin(1,2)"], None, None, "bad-expect", "argument"),
    (["check", "samples/homework", "--exact", "--digits", "2"], None, None, "usage", "choose one"),
    (["quiz", "--out", "samples"], None, None, "usage", "already holds files"),
    (["autograder", "--key", "grammar/expr.lark", "--out", "a.zip"], None, None, "toml", "--key: "),
    (
        ["autograder", "--key", "samples/kink.toml", "--out", "/no/such/dir/a.zip"],
        None,
        None,
        "file",
        "cannot write /no/such/dir/a.zip",
    ),
    # --- an assignment's weights ----------------------------------------------------------
    (
        ["check", "--key", "{file}", "samples/homework/alice.toml"],
        None,
        'expr = "x*x"\nat = { x = 1 }\n[weights]\nw9 = 2\n',
        "problem",
        "--key: ",
    ),
    (["{file}"], None, 'expr = "x"\nat = { x = 1 }\nweights = 3\n', "problem", "a table"),
    (["{file}"], None, 'expr = "x"\nat = { x = 1 }\n[weights]\nx = -1\n', "problem", ">= 0"),
    (["check", "grammar"], None, None, "usage", "holds no .toml files"),
    (["check"], None, None, "usage", "Missing argument"),
    (["quiz", "--functions", "gamma"], None, None, "usage", "quiz problems can use"),
    (["quiz", "--ops", "1", "--program"], None, None, "usage", "need at least 4"),
    (["quiz", "--ops", "1", "--division", "--functions", "exp"], None, None, "usage", "is too few"),
    (["quiz", "--out", "/proc/version/x"], None, None, "file", "cannot write to"),
    (["x", "--at", "x=1", "--save-svg", "/no/such/dir/x.svg"], None, None, "file", "cannot write"),
    # --- vectors and matrices -------------------------------------------------------------
    (["sum(x)", "--at", "x=[[1,2],[3]]"], None, None, "bad-at", "rows of x have different"),
    (["sum(x)", "--at", "x=[]"], None, None, "bad-at", "empty array"),
    (["sum(x)", "--at", "x=[[[1]]]"], None, None, "bad-at", "3 deep"),
    (["sum(x)", "--at", "x=[1,2"], None, None, "bad-at", "not closed"),
    (["sum(x + y)", "--at", "x=[1,2],y=[1,2,3]"], None, None, "shape", "vector of 3 (3,)"),
    (["sum(W @ x)", "--at", "W=[[1,2]],x=[1,2,3]"], None, None, "shape", "(2 ≠ 3)"),
    (
        ["sum(x @ y)", "--at", "x=[" + "[0]," * 500 + "[0]],y=[[" + "1," * 499 + "1]]"],
        None,
        None,
        "too-large",
        "more than 250,000 elements",
    ),
    (
        [
            "sum(" + "W @ " * 40 + "W)",
            "--at",
            "W=[" + ",".join(["[" + ",".join(["1"] * 30) + "]"] * 30) + "]",
        ],
        None,
        None,
        "too-large",
        "more than 300,000 nodes",
    ),
    (["x[1.5]", "--at", "x=[1,2]"], None, None, "shape", "a whole number"),
    (["x[3]", "--at", "x=[1,2]"], None, None, "shape", "indices run from 1 to 2"),
    (["dot(x)", "--at", "x=[1,2]"], None, None, "arity", "dot takes 2 arguments"),
    (["x + sum(log([0, 1]))", "--at", "x=1"], None, None, "domain", "log([0, 1]) is undefined"),
    (["[x, 2]", "--at", "x=1"], None, None, "no-variables", "element Z[2] of the output"),
    (["sum(x)", "--at", "x=[1,2]", "--at", "x[1]=3"], None, None, "bad-at", "x[1] is given"),
    (
        ["y = 2*x", "--at", "x=[1,2]", "--seed", "y=[1,0],x=[1,1]"],
        None,
        None,
        "bad-seed",
        "not both",
    ),
    (["y = 2*x", "--at", "x=[1,2]", "--seed", "q=[1,0]"], None, None, "bad-seed", "not an input"),
    (["y = 2*x", "--at", "x=[1,2]", "--seed", "y=[1,0,3]"], None, None, "bad-seed", "has 3"),
    (["sum(x)", "--at", "x=[1,2]", "--expect", "x=2"], None, None, "bad-expect", "a vector of 2"),
    (["x", "--at", "x=1+[2]"], None, None, "bad-at", "an array written alone"),
    (["p[y]", "--at", "p=[1,2],y=2"], None, None, "shape", "written in the expression"),
    (["x^T", "--at", "x=[1,2]"], None, None, "unknown-name", "transpose(x)"),
    (["sum(x)", "--at", "x=[1,2]", "--expect", "x[3]=1"], None, None, "bad-expect", "no element"),
    # --- problem files --------------------------------------------------------------------
    (["--file", "no/such/file.toml"], None, None, "file", "cannot read"),
    (["--file", "{file}"], None, b"x" * 1_000_001, "file", "a problem file is at most"),
    (["--file", "{file}"], None, b'expr = "\xff"\n', "file", "not UTF-8"),
    (["--file", "{file}"], None, b"\x00\x01\x02binary", "toml", "not valid TOML"),
    (["--file", "{file}"], None, 'expr = "x"\nat = { x = 1 \n', "toml", "not valid TOML"),
    (["--file", "{file}"], None, 'exp = "x"\n', "problem", "unknown key 'exp'"),
    (["--file", "{file}"], None, "at = { x = 1 }\n", "problem", "'expr' is missing"),
    (["--file", "{file}"], None, "expr = 3\n", "problem", "'expr' must be a string"),
    (["--file", "{file}"], None, 'expr = "x"\nstudent = 1\n', "problem", "'student' must be"),
    (["--file", "{file}"], None, 'expr = "x"\nat = [1]\n', "problem", "'at' must be a table"),
    (["--file", "{file}"], None, 'expr = "x"\nat = { x = [true] }\n', "bad-at", "must be a number"),
    (["--file", "{file}"], None, 'expr = "x"\nat = { x = [[1], 2] }\n', "bad-at", "mixes numbers"),
    (["--file", "{file}"], None, 'expr = "x"\nat = { x = 1 }\nwrt = 3\n', "problem", "'wrt'"),
    (["--file", "{file}"], None, 'expr = "x"\nat = { x = 1 }\nvalues = 3\n', "problem", "[values]"),
    (["--file", "{file}"], None, 'expr = "x +"\nat = { x = 1 }\n', "syntax", "column 4 of expr in"),
    (["--file", "{file}"], None, 'expr = "/etc/passwd"\n', "syntax", "unexpected"),
    (["{file}"], None, 'expr = "x*x"\nat = {x = 1}\n[values]\nw9 = 1\n', "unknown-answer", "'w9'"),
    (
        ["{file}"],
        None,
        'expr = "x*x"\nat = {x = 1}\n[partials]\n"w1/w2" = 1\n',
        "unknown-answer",
        "edge",
    ),
    (
        ["{file}"],
        None,
        'expr = "x*x"\nat = {x = 1}\n[gradient]\ny = 2\n',
        "unknown-answer",
        "variable",
    ),
    (
        ["{file}"],
        None,
        'expr = "x*x"\nat = {x = 1}\n[values]\nw2 = "1/0"\n',
        "domain",
        "[values] in",
    ),
    (
        ["{file}"],
        None,
        'expr = "x*x"\nat = {x = 1}\n[values]\nw2 = true\n',
        "bad-answer",
        "must be a number",
    ),
    (["--file", "/dev/null"], None, None, "file", "is not a regular file"),
    (["{file}"], None, 'expr = "x"\nat = {x = 1}\nv = ' + "[" * 99, "toml", "nest more than"),
    (["{file}"], None, 'expr = "x"\nat = {x = 1' + "0" * 4400 + "}", "toml", "4 300 digits"),
]


def materialize(entry: Entry, directory: Path) -> tuple[list[str], str | None]:
    args, stdin, content, _, _ = entry
    if content is not None:
        problem = directory / "problem.toml"
        if isinstance(content, bytes):
            problem.write_bytes(content)
        else:
            problem.write_text(content, encoding="utf-8")
        args = [str(problem) if arg == "{file}" else arg for arg in args]
        if "--file" not in args and args[0] != "check":
            args = ["--file", *args]
    return args, stdin


def assert_one_clear_error(
    result: Result, code: str | None = None, allow_internal: bool = False
) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 2, (result.exit_code, result.output)
    first, *_ = result.stderr.splitlines() or [""]
    assert first.startswith("adexplain: error["), result.stderr
    assert "Traceback" not in result.stderr
    assert allow_internal or "error[internal]" not in result.stderr
    if code is not None:
        assert first.startswith(f"adexplain: error[{code}]: "), first


def test_the_corpus_is_large_enough() -> None:
    assert len(CORPUS) >= 60


@pytest.mark.parametrize("entry", CORPUS, ids=lambda e: f"{e[3]}:{e[4][:30]}")
def test_corpus(entry: Entry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    args, stdin = materialize(entry, tmp_path)
    result = run(*args, input=stdin)
    assert_one_clear_error(result, entry[3])
    assert entry[4] in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("entry", CORPUS, ids=lambda e: f"{e[3]}:{e[4][:30]}")
def test_json_errors_are_strict_json_objects(
    entry: Entry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    args, stdin = materialize(entry, tmp_path)
    if "--format" not in args:  # an entry about --format itself keeps its own
        args = [*args, "--format", "json"]
    result = run(*args, input=stdin)
    assert_one_clear_error(result)
    if result.stderr.splitlines()[0].endswith(CLICK_USAGE_HINT) and not result.stdout:
        # Click refused the options before --format was read: no object can be promised.
        assert result.stdout == ""
        assert entry[3] == "usage" or "--format" in result.stderr
        return
    document = strict_json(result.stdout)
    assert document["error"]["code"] == entry[3]
    assert document["schema"] == "adexplain/1"


CLICK_USAGE_HINT = "(see adexplain --help)"


# --- Every error site is reached --------------------------------------------------------


def error_sites() -> set[tuple[str, int]]:
    """(file, line) of every AdexplainError(...) constructed in the package."""
    sites = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "AdexplainError"
                and any(keyword.arg == "code" for keyword in node.keywords)
            ):
                sites.add((str(path), node.lineno))
    return sites


@contextmanager
def executed_lines() -> Iterator[set[tuple[str, int]]]:
    seen: set[tuple[str, int]] = set()
    package = str(PACKAGE)

    def tracer(frame, event, arg):  # type: ignore[no-untyped-def]
        if not frame.f_code.co_filename.startswith(package):
            return None
        if event == "line":
            seen.add((frame.f_code.co_filename, frame.f_lineno))
        return tracer

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        yield seen
    finally:
        sys.settrace(previous)


def _python_surface_errors() -> None:
    """The errors only Python reaches: a node or a section that is not there, and magic lines (in a
    notebook) that cannot be split into words or are not the command line's options."""
    from autodiff_cli import explain
    from autodiff_cli.notebook import magic

    with pytest.raises(AdexplainError, match="no node 'w9'"):
        explain("x*x", at={"x": 1}).node("w9")
    with pytest.raises(AdexplainError, match="unknown section 'blok'"):
        explain("x*x", at={"x": 1}).show("blok")
    for line in ('"x*x --at x=1', "x --at x=1 --bogus"):
        assert magic(line) is None


def test_every_error_site_is_reached_by_the_corpus(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    with executed_lines() as seen:
        for entry in CORPUS:
            args, stdin = materialize(entry, tmp_path)
            run(*args, input=stdin)
        # Two sites no input can reach: a bug of ours, and Ctrl-C (exit 130, as shells
        # expect; tests/test_streams.py sends a real SIGINT).
        failures = ((RuntimeError("simulated bug"), 2), (click.Abort(), 130), (MemoryError(), 2))
        for failure, exit_code in failures:
            with monkeypatch.context() as patch:
                patch.setattr("autodiff_cli.cli._run", _raiser(failure))
                result = run("x", "--at", "x=1")
                assert result.exit_code == exit_code, result.output
                assert result.stderr.startswith("adexplain: error[")
        _streams_that_fail(monkeypatch)
        # The quiz gives up after a number of tries; with none allowed, it gives up at once.
        with monkeypatch.context() as patch:
            patch.setattr("autodiff_cli.quiz.ATTEMPTS", 0)
            assert_one_clear_error(run("quiz"), "usage")
        _python_surface_errors()
    missed = sorted(site for site in error_sites() if site not in seen)
    assert not missed, f"error sites no corpus entry reaches: {missed}"


class _BrokenStream:
    """A standard stream that fails as a full disk or a bad byte does (and has no fileno,
    so nothing is ever pointed at the test process's own descriptors)."""

    def __init__(self, failure: BaseException) -> None:
        self.failure = failure

    def read(self, size: int = -1) -> str:
        raise self.failure

    write = read

    def flush(self) -> None:
        raise self.failure


def _streams_that_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    """The stream errors, in this process (tests/test_streams.py has the real processes)."""
    from autodiff_cli import cli

    full = OSError(28, "No space left on device")
    undecodable = UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte")
    for stdin in (None, _BrokenStream(undecodable), _BrokenStream(OSError(5, "I/O error"))):
        with monkeypatch.context() as patch:
            patch.setattr(sys, "stdin", stdin)
            with pytest.raises(AdexplainError, match="standard input"):
                cli._read_standard_input()
    with monkeypatch.context() as patch:
        patch.setattr(sys, "stdout", None)
        with pytest.raises(SystemExit) as stopped:
            cli._prepare_streams()
        assert stopped.value.code == 2  # not match="2": an IntEnum prints its name on 3.10
    with monkeypatch.context() as patch:
        patch.setattr(sys, "stdout", _BrokenStream(full))
        with pytest.raises(SystemExit) as stopped:
            cli._write(["text"])
        assert stopped.value.code == 2
    with monkeypatch.context() as patch:
        patch.setattr(cli, "main", _raiser(KeyboardInterrupt()))
        patch.setattr(cli.gc, "disable", lambda: None)  # run() would turn it off for good
        # ... and bound the test process's address space to 4 GiB for good, which the
        # browsers later tests start (Chromium reserves far more) would inherit.
        patch.setattr(cli, "_bound_memory", lambda: None)
        with pytest.raises(SystemExit, match="130"):
            cli.run()


def _raiser(failure: BaseException):  # type: ignore[no-untyped-def]
    def raise_it(*args: object, **kwargs: object) -> None:
        raise failure

    return raise_it


# --- Fuzzing ------------------------------------------------------------------------------


def check_outcome(args: list[str], stdin: str | None = None, seconds: int = 20) -> Result:
    # The limits are generous: coverage tracing makes the code several times slower.
    with time_limit(seconds):
        result = run(*args, input=stdin)
    if result.exit_code == 0:
        assert result.stdout
        assert result.stderr == ""
    else:
        assert_one_clear_error(result)
    return result


TOKENS = [
    "x",
    "y",
    "θ",
    "1",
    "2.5",
    ".5",
    "1e-3",
    "1e308",
    "pi",
    "e",
    "+",
    "-",
    "*",
    "/",
    "^",
    "**",
    "(",
    ")",
    ",",
    ";",
    "\n",
    "=",
    "a",
    " ",
    "#",
    "−",
    "×",
    "0",
    "-0",
    "9^9^9",
    *sorted(FUNCTIONS),  # every name a user may call
]
VALID = [
    "y - max(0,w*x+b)",
    "x*x + x",
    "a = x*y; b = sin(a) / (x + 2); b*b - a",
    "ln(x) + x*y - sin(y)",
    "sigmoid(x*y + 1) ^ 2",
    "max(x, y) + abs(x - y) + relu(y)",
]
NAMES = ["x", "y", "w", "b"]
AT = ["--at", "y=5,w=2,x=1,b=1"]

texts = st.text(max_size=120)
token_soup = st.lists(st.sampled_from(TOKENS), max_size=40).map("".join)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    text = list(draw(st.sampled_from(VALID)))
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["delete", "insert", "duplicate"]))
        if action == "delete" and text:
            del text[min(position, len(text) - 1)]
        elif action == "insert":
            text.insert(position, draw(st.sampled_from(TOKENS)))
        else:
            text[position:position] = text[position : position + draw(st.integers(1, 6))]
    return "".join(text)


@given(st.one_of(texts, token_soup, mutated()))
def test_fuzz_expressions(expression: str) -> None:
    check_outcome(["-", *AT], stdin=expression)


@given(mutated())
def test_fuzz_expressions_as_json(expression: str) -> None:
    result = check_outcome(["-", *AT, "--format", "json", "--show", "all"], stdin=expression)
    document = strict_json(result.stdout)
    assert ("error" in document) == (result.exit_code == 2)


at_strings = st.one_of(
    st.text(max_size=60),
    st.lists(
        st.tuples(
            st.sampled_from([*NAMES, "", "1x", "x y", "pi"]),
            st.sampled_from(["=", "", "=="]),
            st.one_of(st.text(max_size=10), token_soup),
        ).map("".join),
        max_size=6,
    ).map(",".join),
)


@given(at_strings)
def test_fuzz_at_values(at: str) -> None:
    check_outcome(["y - max(0,w*x+b)", "--at", at])


toml_values = st.one_of(
    st.integers(-10, 10),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(alphabet=string.printable, max_size=20),
    st.booleans(),
)


def toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return {"inf": "inf", "-inf": "-inf", "nan": "nan"}.get(str(value), repr(value))
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a valid TOML basic string
    return str(value)


@st.composite
def problem_files(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        return draw(st.text(max_size=200))
    lines = []
    if draw(st.booleans()):
        lines.append(f"expr = {json.dumps(draw(st.one_of(st.sampled_from(VALID), mutated())))}")
    pairs = draw(st.lists(st.tuples(st.sampled_from(NAMES), toml_values), max_size=5))
    unique = dict(pairs)
    lines.append("at = { " + ", ".join(f"{k} = {toml_value(v)}" for k, v in unique.items()) + " }")
    if draw(st.booleans()):
        lines.append(f"wrt = {json.dumps(draw(st.lists(st.sampled_from(NAMES), max_size=3)))}")
    if draw(st.booleans()):
        lines.append(draw(st.sampled_from(["[values]", "[partials]", "[gradient]", "[other]"])))
        lines.append(f"w1 = {toml_value(draw(toml_values))}")
    return "\n".join(lines) + "\n"


@given(problem_files())
def test_fuzz_problem_files(content: str) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as directory:
        problem = Path(directory) / "fuzzed.toml"
        problem.write_text(content, encoding="utf-8", errors="surrogatepass")
        check_outcome(["--file", str(problem)])


# --- Limits -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "expression",
    [
        "(" * 100_000 + "x" + ")" * 100_000,
        "-" * 100_000 + "x",
        "sin(" * 20_000 + "x" + ")" * 20_000,
        "x" + "^x" * 50_000,
    ],
    ids=["parentheses-100k", "minus-100k", "sin-20k", "power-tower-50k"],
)
def test_deep_nesting_works_without_recursion(expression: str) -> None:
    result = check_outcome(
        ["-", "--at", "x=0.5", "--format", "json"], stdin=expression, seconds=180
    )
    assert result.exit_code == 0


def test_huge_powers_overflow_to_inf_with_a_warning() -> None:
    document = json.loads(check_outcome(["x*9^9^9^9", "--at", "x=1", "--format", "json"]).stdout)
    assert document["value"] == "inf"
    assert document["warnings"][0]["code"] == "overflow"


# --- Security -----------------------------------------------------------------------------

FORBIDDEN_CALLS = {"eval", "exec", "compile", "__import__", "breakpoint", "input"}
FORBIDDEN_MODULES = {"pickle", "marshal", "shelve", "subprocess", "os.system", "ctypes"}
RUNS_GRAPHVIZ = PACKAGE / "render" / "graphviz.py"
"""The one module that starts a program: Graphviz's dot, found on PATH, given an argument
list (never a shell) and the DOT text on its standard input."""


def test_no_eval_exec_pickle_or_shell_in_the_package() -> None:
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in FORBIDDEN_CALLS, f"{path}:{node.lineno}"
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                dotted = f"{node.value.id}.{node.attr}"
                assert dotted not in {"os.system", "os.popen", "os.exec", "os.spawn"}, dotted
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [alias.name for alias in node.names]
                module = getattr(node, "module", None) or ""
                allowed = {"subprocess"} if path == RUNS_GRAPHVIZ else set()
                for name in [module, *names]:
                    forbidden = name in FORBIDDEN_MODULES - allowed
                    assert not forbidden, f"{path}:{node.lineno} imports {name}"
    # Where dot is run: an argument list of the program and one -T option, no shell.
    calls = [
        node
        for node in ast.walk(ast.parse(RUNS_GRAPHVIZ.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call) and ast.unparse(node.func).startswith("subprocess.")
    ]
    assert [ast.unparse(call.func) for call in calls] == ["subprocess.run"]
    assert isinstance(calls[0].args[0], ast.List)
    assert "shell" not in {keyword.arg for keyword in calls[0].keywords}


AUDIT_PROBE = """
import json, sys
opened = []
def audit(event, args):
    if event == "open" and isinstance(args[0], str):
        opened.append([args[0], args[1] or "r"])
sys.addaudithook(audit)
from autodiff_cli.cli import main
try:
    main(sys.argv[1:])
finally:
    sys.stderr.write("\\nOPENED " + json.dumps(opened))
"""


def test_a_problem_file_cannot_make_the_tool_touch_other_files(tmp_path: Path) -> None:
    import subprocess

    problem = tmp_path / "sneaky.toml"
    problem.write_text(
        'title = "../../etc/passwd"\n'
        'description = "/etc/shadow ~/.ssh/id_rsa $(rm -rf /)"\n'
        'expr = "x * passwd"\n'
        'at = { x = 1, passwd = "2" }\n'
    )
    result = subprocess.run(
        [sys.executable, "-c", AUDIT_PROBE, "--file", str(problem), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    opened = json.loads(result.stderr.rsplit("OPENED ", 1)[1])
    grammar = _grammar_path().parent
    assert opened, "the audit hook saw nothing: the probe is broken"
    for path, mode in opened:
        assert "w" not in mode and "a" not in mode and "+" not in mode, (path, mode)
        is_code = path.endswith((".py", ".pyc", ".so", ".pth")) or "/__pycache__/" in path
        is_grammar = Path(path).parent == grammar  # the grammar and its exported tables
        assert is_code or is_grammar or path == str(problem) or Path(path).is_dir(), path


# Values past a float's range: found by a review, each one an internal error before.
BEYOND_FLOATS = [
    # (expression, point, extra options, what the gradient section must say)
    ("x + 2^60 * x", "x=1e300", ["--exact"], "∂Z/∂x = 1152921504606846977"),
    ("x*2^1100", "x=1", ["--exact"], "∂Z/∂x = inf"),  # 2^1100 is past a float: inf
    ("x*2^1000", "x=1", ["--exact"], "∂Z/∂x = ≈1.07151e301"),  # inside it: exact
    ("x*(3/2)^10000", "x=1", ["--exact"], "∂Z/∂x = inf"),  # too many bits to fold exactly
    ("sin(x*2^1030)", "x=1", ["--exact"], "∂Z/∂x = nan"),
    ("exp(x*2^1100)", "x=1", ["--exact"], "∂Z/∂x = inf"),
    ("sin(x*y)", "x=1e300,y=1e300", [], "∂Z/∂x = nan, ∂Z/∂y = nan"),
    ("sin(x*y)", "x=1e300,y=1e300", ["--exact"], "∂Z/∂x = nan, ∂Z/∂y = nan"),
    ("cos(x*y) + tanh(x*y) + sigmoid(x*y)", "x=1e300,y=1e300", ["--exact"], "∂Z/∂x = nan"),
]


@pytest.mark.parametrize(("expression", "point", "options", "gradient"), BEYOND_FLOATS)
def test_values_past_a_float_give_inf_or_nan_not_a_crash(
    expression: str, point: str, options: list[str], gradient: str
) -> None:
    args = [expression, "--at", point, *options, "--show", "all"]
    shown = run(*args, "--format", "plain")
    assert shown.exit_code == 0, shown.output
    assert f"Gradient: {gradient}" in shown.output
    as_json = run(*args, "--format", "json")
    assert as_json.exit_code == 0, as_json.output
    json.loads(as_json.stdout)  # strict: inf and nan as strings


def test_a_long_span_is_underlined_within_one_screen_line() -> None:
    result = run("x + 1" + "0" * 5000, "--at", "x=1")
    assert result.exit_code == 2
    assert "number-too-large" in result.stderr
    assert max(len(line) for line in result.stderr.splitlines()) < 200


# Extreme values everywhere: each format, exact or not, must give a result or one clear error.
EXTREMES = [
    "1e300",
    "-1e300",
    "1e-300",
    "5e-324",
    "0",
    "-0",
    "1.7e308",
    "2^1100",
    "-2^1100",
    "2^-1100",
    "3",
]


@given(
    st.one_of(expressions.map(to_text), programs().map(lambda program: program[0])),
    st.fixed_dictionaries({name: st.sampled_from(EXTREMES) for name in ("x", "y", "z")}),
    st.sampled_from(sorted(RENDERERS)),
    st.booleans(),
)
def test_fuzz_extreme_values_in_every_format(
    expression: str, point: dict[str, str], format_name: str, exact: bool
) -> None:
    used = [name for name in point if re.search(rf"\b{name}\b", expression)]
    assume(used)
    at = ",".join(f"{name}={point[name]}" for name in used)
    args = [expression, "--at", at, "--format", format_name, "--show", "all"]
    check_outcome([*args, "--exact"] if exact else args)


def test_checking_answers_past_a_float_s_range(tmp_path: Path) -> None:
    """A student's inf and 1e309 meet exact values in the checker's sums: no crash."""
    submission = tmp_path / "extreme.toml"
    submission.write_text(
        'expr = """a = x*y\nb = a*a\nb + x"""\n'
        'at = { x = "2^1000", y = 5e-324 }\n'
        '[values]\nw3 = "inf"\n[partials]\n"w3/w1" = 1e309\n[gradient]\nx = 5e-324\n'
    )
    result = run("check", str(submission), "--exact")
    assert result.exit_code == 1, result.output
    assert "with w1 = ≈1.07151e301 and w2 = 4.94066e-324" in result.stdout
    # An answer written as an expression may overflow, as the true value does.
    overflowing = tmp_path / "overflowing.toml"
    overflowing.write_text(
        'expr = "x*y"\nat = { x = 1e300, y = 1e300 }\n[values]\nw3 = "1e300*1e300"\n'
    )
    result = run("check", str(overflowing))
    assert result.exit_code == 1, result.output  # only w3 is answered
    assert "w3 = 1e300*1e300 is right" in result.stdout  # echoed as written; it reads as inf


def test_exact_values_stay_inside_a_float_s_range() -> None:
    """Past it, an exact value would be wrong wherever it met a float (sin(w1) * 2^1100), so
    it is refused in --at, as without --exact, and a result past it becomes a float."""
    refused = run("x^3", "--at", "x=2^1100", "--exact")
    assert refused.exit_code == 2
    assert "the value of x is not a finite number" in refused.stderr
    result = run("sin(x)*y", "--at", "x=10^-300,y=2^1000", "--exact", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["at_exact"] == {"x": f"1/{10**300}", "y": str(2**1000)}
    assert document["value"] == pytest.approx(2**1000 / 10**300)  # not inf: no fraction
    result = run("x*2^1100", "--at", "x=1", "--exact", "--format", "json")
    assert "the constant 2^1100 overflows a float" in result.stdout


@pytest.mark.parametrize(
    ("expression", "path_sum"),
    [
        ("x*2^1100 - x*2^1100", "path sum nan"),  # inf + (-inf): math.fsum raises
        ("x*1e308 + x*1e308", "path sum inf"),  # an overflowing sum: math.fsum raises
    ],
)
def test_the_path_sum_follows_ieee_754_where_fsum_raises(expression: str, path_sum: str) -> None:
    result = run(expression, "--at", "x=1", "--show", "check", "--format", "plain")
    assert result.exit_code == 0, result.output
    assert path_sum in result.stdout


def test_a_point_below_a_float_s_range_is_refused_as_one_past_it_is() -> None:
    from autodiff_cli import AdexplainError
    from autodiff_cli.point import evaluate_value

    for text in ("1e-400", "-2.5e-999"):
        with pytest.raises(AdexplainError) as caught:
            evaluate_value("x", text)
        assert caught.value.code == "bad-at"
        assert "too small for a float" in caught.value.message
    assert evaluate_value("x", "0.000") == 0
    assert evaluate_value("x", "5e-324") == 5e-324


def test_plain_decimals_read_without_the_parser_as_the_parser_reads_them() -> None:
    from autodiff_cli import point
    from autodiff_cli.arithmetic import EXACT, FLOAT

    for text in ("3", "-0.25", ".5", "1e-3", "2.5E+2", "-7.", "1e308"):
        for arithmetic in (FLOAT, EXACT):
            fast = point._plain_decimal(text, arithmetic)
            slow = point.fold_constant(point.parse_expression(text), text, arithmetic=arithmetic)
            assert fast == slow and type(fast) is type(slow), (text, arithmetic)
    assert point._plain_decimal("1/3", FLOAT) is None
    assert point._plain_decimal("1e-999999999", FLOAT) is None  # the parser's road


def test_a_point_that_folds_below_a_float_s_range_is_refused_too() -> None:
    from autodiff_cli import AdexplainError
    from autodiff_cli.point import evaluate_value

    for text in ("1e-1000", "(1e-400)", "2*1e-400"):
        with pytest.raises(AdexplainError) as caught:
            evaluate_value("x", text)
        assert "too small for a float" in caught.value.message, text
