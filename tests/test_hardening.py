"""Hostile batches, growth, the error contract and messages (issue 15).

Each test stands for a class of input: nesting of every kind a TOML file has, every
kind of file that is not a regular one, every place a huge literal can be written.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autodiff_cli.render import RENDERERS

from .helpers import run, strict_json, time_limit

GOOD = (
    'expr = "x*x"\nat = { x = 1 }\n[values]\nw2 = 1\n[partials]\n"w2/w1" = 2\n[gradient]\nx = 2\n'
)

# One file of each kind of deep nesting tomllib would recurse or dawdle on.
DEEP = {
    "arrays": 'expr = "x*x"\nat = { x = 1 }\nv = ' + "[" * 1000 + "]" * 1000 + "\n",
    "inline-tables": 'expr = "x*x"\nat = { x = ' + "{a=" * 400 + "1" + "}" * 400 + " }\n",
    "in-an-answer": 'expr = "x*x"\nat = { x = 1 }\n[values]\nw1 = ' + "[" * 1000 + "]" * 1000,
    "mixed": 'expr = "x*x"\nat = { x = 1 }\nv = ' + "[{a=" * 300 + "1" + "}]" * 300 + "\n",
    "dotted-header": 'expr = "x*x"\nat = { x = 1 }\n[' + ".".join(["a"] * 100_000) + "]\n",
    "dotted-key": 'expr = "x*x"\nat = { x = 1 }\n' + ".".join(["a"] * 100_000) + " = 1\n",
}


@pytest.mark.parametrize("kind", DEEP)
def test_deep_nesting_is_refused_and_the_rest_of_the_batch_graded(
    tmp_path: Path, kind: str
) -> None:
    (tmp_path / "a-deep.toml").write_text(DEEP[kind])
    (tmp_path / "b-good.toml").write_text(GOOD)
    with time_limit(20):
        result = run("check", str(tmp_path), "--format", "json")
    assert result.exit_code == 2, result.output
    report = strict_json(result.stdout)
    assert "internal" not in result.output
    by_file = {Path(s["file"]).name: s for s in report["submissions"]}
    assert by_file["a-deep.toml"]["error"]["code"] == "toml"
    assert "deep; a problem file needs" in by_file["a-deep.toml"]["error"]["message"]
    assert by_file["b-good.toml"]["score"] == 3
    with time_limit(20):
        alone = run("--file", str(tmp_path / "a-deep.toml"))
    assert alone.exit_code == 2
    assert "error[toml]" in alone.stderr and "internal" not in alone.stderr


@pytest.mark.parametrize(
    "text",
    [
        'expr = "x*x"\nat = { x = 1 }\ntitle = "' + "[" * 100 + '"\n',  # inside strings
        "expr = '''x*x'''\nat = { x = 1 }\ndescription = '''" + "{[." * 100 + "'''\n",
        'expr = """x*x"""\nat = { x = 1 }\ndescription = """\\"""' + "[" * 100 + '"""\n',
        'expr = "x*x"  # ' + "[" * 100 + "\nat = { x = 1.5 }\n",  # and comments
        'expr = "x*x"\nat = { x = 1 }\n[gradient]\n"' + "." * 100 + '" = 1\n',
    ],
)
def test_brackets_inside_strings_and_comments_do_not_count(text: str) -> None:
    from autodiff_cli.problem import parse_toml

    assert parse_toml(text, "f.toml")["expr"] == "x*x"


def _installed() -> str:
    script = shutil.which("adexplain", path=str(Path(sys.executable).parent))
    assert script is not None, "the adexplain script is not installed beside this Python"
    return script


def _limited_memory() -> None:
    # A guard for the run itself: a tool that read /dev/zero whole fails here at 1 GB
    # rather than taking the machine's memory.
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "dev-urandom", "big"])
def test_only_regular_files_are_read_and_only_up_to_the_limit(tmp_path: Path, kind: str) -> None:
    hostile = tmp_path / "a-hostile.toml"
    if kind == "fifo":
        os.mkfifo(hostile)  # no writer ever comes: opening it must not wait for one
    elif kind == "big":
        hostile.write_text(GOOD + "# " + "x" * 2_000_000 + "\n")
    else:
        hostile.symlink_to("/dev/" + kind.removeprefix("dev-"))
    (tmp_path / "b-good.toml").write_text(GOOD)
    for args in (["--file", str(hostile)], ["check", str(tmp_path)]):
        result = subprocess.run(
            [_installed(), *args],
            capture_output=True,
            text=True,
            timeout=30,
            preexec_fn=_limited_memory,
        )
        assert result.returncode == 2, result.stderr
        assert "error[file]" in result.stdout + result.stderr, result.stderr
        assert "internal" not in result.stdout + result.stderr
    assert "b-good.toml): 3 of 3 points" in result.stdout  # the batch went on


def test_every_other_file_is_graded_beside_hostile_ones(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo.toml")
    (tmp_path / "zero.toml").symlink_to("/dev/zero")
    (tmp_path / "good.toml").write_text(GOOD)
    result = subprocess.run(
        [_installed(), "check", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=30,
        preexec_fn=_limited_memory,
    )
    assert result.returncode == 2, result.stderr
    assert "good (" in result.stdout and "3 of 3 points" in result.stdout
    assert result.stdout.count("is not a regular file") == 2


@pytest.mark.parametrize("digits", [400, 5000])
@pytest.mark.parametrize("sign", ["", "-"])
def test_huge_integers_in_a_file_are_clear_errors_or_right_values(
    tmp_path: Path, digits: int, sign: str
) -> None:
    number = sign + "9" * digits
    point = tmp_path / "point.toml"
    point.write_text(f'expr = "x*x"\nat = {{ x = {number} }}\n')
    answer = tmp_path / "answer.toml"
    answer.write_text(f'expr = "x*x"\nat = {{ x = 1 }}\n[gradient]\nx = {number}\n')
    for path in (point, answer):
        for exact in ([], ["--exact"]):
            result = run("check", str(path), *exact)
            assert "internal" not in result.output, result.output
            assert result.exit_code in (1, 2), result.output
        explained = run("--file", str(path))
        assert "internal" not in explained.output
        # Past 4 300 digits no integer is read at all; a 400-digit answer is read as inf.
        readable = path is answer and digits < 4300
        assert explained.exit_code == (0 if readable else 2), explained.output
    message = run("--file", str(point)).stderr
    if digits == 400:
        assert "error[bad-at]" in message and "not a finite number" in message
    else:
        assert "error[toml]" in message and "more than 4 300 digits" in message


# --- Growth: work bounded by the size of the result ------------------------------------

HUGE_EXPONENTS = [
    "1e-999999999",
    "123.456e-999999999",
    "0.000001E-999999999",
    "0e999999999",  # zero, whatever the exponent
    "1e-" + "9" * 5000,  # an exponent past Python's int-string limit
]


@pytest.mark.parametrize("literal", HUGE_EXPONENTS, ids=lambda text: text[:20])
@pytest.mark.parametrize("place", ["expression", "at", "practice-answer"])
def test_a_huge_exponent_is_settled_without_building_its_power(literal: str, place: str) -> None:
    args = {
        "expression": [f"{literal}*x + x", "--at", "x=1", "--exact"],
        "at": ["x*x", "--at", f"x={literal}", "--exact"],
        "practice-answer": ["quiz", "--practice"],
    }[place]
    stdin = f"{literal}\n" * 20 if place == "practice-answer" else ""
    # A subprocess, so that the guard works: 10^999999999 is built inside one C call,
    # where no alarm can interrupt it.
    result = subprocess.run(
        [_installed(), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_limited_memory,
    )
    assert "Traceback" not in result.stderr and "internal" not in result.stderr, result.stderr
    assert result.returncode in (0, 2), result.stderr  # 2 if a value below range is refused
    if place == "expression":
        assert result.returncode == 0 and "∂Z/∂x = 1" in result.stdout


def test_an_exact_literal_is_the_fraction_it_always_was_inside_a_floats_range() -> None:
    from fractions import Fraction

    from autodiff_cli.arithmetic import EXACT

    for text in ["1.5e300", "2.5e-308", "123.5e-2", "-1e5", "1.7e308", ".5e1", "0.001e-300"]:
        assert EXACT.number(text) == Fraction(text), text
    for text in ["1e-308", "1.9e308", "1e-400", "1e999999999", "1e-999999999"]:
        assert EXACT.number(text) == float(text), text  # past the range: the float
    assert EXACT.number("0e999999999") == 0


@pytest.mark.parametrize("format_name", sorted(RENDERERS))
def test_output_grows_linearly_with_a_wide_sum(format_name: str) -> None:
    # One long cell (the adjoint of x sums a term per use) must not widen every row.
    def size(terms: int) -> int:
        result = run(
            "+".join(["sin(x)"] * terms), "--at", "x=1", "--format", format_name, "--show", "all"
        )
        assert result.exit_code == 0, result.output
        return len(result.stdout)

    assert size(200) < 2.6 * size(100)


def test_a_wide_cell_sticks_out_of_its_own_row_only() -> None:
    from autodiff_cli.render.formats.plain import MAX_PADDED_WIDTH

    result = run("+".join(["sin(x)"] * 300), "--at", "x=1", "--format", "plain", "--show", "all")
    long_lines = [line for line in result.stdout.splitlines() if len(line) > 4 * MAX_PADDED_WIDTH]
    assert 0 < len(long_lines) < 10, len(long_lines)  # the sum itself, not every row


# --- Memory: a bound instead of swap ----------------------------------------------------


def _huge_sum(tmp_path: Path) -> Path:
    # The longest expression the README allows: 4 000 000 characters, 2 000 000 terms.
    source = tmp_path / "sum.txt"
    source.write_text("+".join(["x"] * 2_000_000))
    return source


@pytest.mark.parametrize("format_name", ["plain", "json"])
def test_running_out_of_the_memory_bound_is_one_clear_error(
    tmp_path: Path, format_name: str
) -> None:
    def little_memory() -> None:  # a stricter limit than the tool's own, which it keeps
        resource.setrlimit(resource.RLIMIT_AS, (500 << 20, 500 << 20))

    with _huge_sum(tmp_path).open() as source:
        result = subprocess.run(
            [_installed(), "-", "--at", "x=1", "--format", format_name],
            stdin=source,
            capture_output=True,
            text=True,
            timeout=300,
            preexec_fn=little_memory,
        )
    assert result.returncode == 2, result.stderr[-2000:]
    assert result.stderr.startswith("adexplain: error[too-large]: "), result.stderr[-2000:]
    assert "Exception ignored" not in result.stderr and "Traceback" not in result.stderr
    if format_name == "json":
        assert strict_json(result.stdout)["error"]["code"] == "too-large"


def test_the_command_bounds_its_own_memory() -> None:
    probe = (
        "import resource; from autodiff_cli.cli import run, MAX_MEMORY; "
        "from autodiff_cli import cli; cli.main = lambda **kw: None; run(); "
        "print(resource.getrlimit(resource.RLIMIT_AS)[0], MAX_MEMORY)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60
    )
    limit, most = map(int, result.stdout.split())
    assert 0 < limit <= most


# --- The contract: errors under --format json, and on standard error ---------------------


def _raiser(failure: BaseException):  # type: ignore[no-untyped-def]
    def raise_it(*args: object, **kwargs: object) -> None:
        raise failure

    return raise_it


LATE_ERRORS = {
    # name: (arguments, what to break, the error's code)
    "bug": (["x*x", "--at", "x=1"], RuntimeError("simulated bug"), "internal"),
    "memory": (["x*x", "--at", "x=1"], MemoryError(), "too-large"),
    "show": (["x*x", "--at", "x=1", "--show", "bogus"], None, "usage"),
    "svg": (["x*x", "--at", "x=1", "--save-svg", "/dev/full"], None, "file"),
    "html": (["x*x", "--at", "x=1", "--save-html", "{tmp}/missing/page.html"], None, "file"),
    "check-bug": (["check", "samples/homework/alice.toml"], RuntimeError("bug"), "internal"),
    "check-tolerance": (["check", "x.toml", "--exact", "--abs-tol", "1"], None, "usage"),
}


@pytest.mark.parametrize("name", LATE_ERRORS)
def test_an_error_after_the_format_is_read_is_a_json_object(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from .helpers import REPO

    monkeypatch.chdir(REPO)
    args, failure, code = LATE_ERRORS[name]
    args = [arg.replace("{tmp}", str(tmp_path)) for arg in args]
    if failure is not None:
        target = "check_file" if args[0] == "check" else "_run"
        module = "autodiff_cli.homework" if target == "check_file" else "autodiff_cli.cli"
        monkeypatch.setattr(f"{module}.{target}", _raiser(failure))
    result = run(*args, "--format", "json")
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"adexplain: error[{code}]: "), result.stderr
    document = strict_json(result.stdout)
    assert document["schema"] == "adexplain/1"
    assert document["error"]["code"] == code


def test_a_file_check_cannot_read_is_also_on_standard_error(tmp_path: Path) -> None:
    result = run("check", str(tmp_path / "missing.toml"))
    assert result.exit_code == 2
    assert result.stderr.startswith("adexplain: error[file]: cannot read"), result.stderr
    (tmp_path / "broken.toml").write_text("expr = \n")
    (tmp_path / "good.toml").write_text(GOOD)
    batch = run("check", str(tmp_path), "--format", "json")
    assert batch.exit_code == 2
    assert batch.stderr.count("adexplain: error[") == 1 and "broken.toml" in batch.stderr
    strict_json(batch.stdout)  # standard output is still only the report


@pytest.mark.parametrize(
    ("expression", "point", "expected", "holds"),
    [
        ("sqrt(x)", "x=0", "x=inf", True),
        ("-sqrt(x)", "x=0", "x=-inf", True),
        ("sqrt(x)", "x=0", "x=+inf", True),
        ("sin(x*y)", "x=1e300,y=1e300", "x=nan,y=NaN", True),
        ("x*x", "x=1", "x=inf", False),
        ("x*x", "x=1", "x=nan", False),
        ("sqrt(x)", "x=0", "x=-inf", False),
    ],
)
def test_expect_takes_infinite_and_nan_values(
    expression: str, point: str, expected: str, holds: bool
) -> None:
    result = run(expression, "--at", point, "--expect", expected)
    assert result.exit_code == (0 if holds else 1), result.output
    if not holds:
        assert "adexplain: check failed: expected" in result.stderr


@pytest.mark.parametrize("option", ["x", "x=", "x = ", "=2", "x=1,y"])
def test_expect_without_a_value_is_a_bad_expect_error(option: str) -> None:
    result = run("x*x", "--at", "x=1", "--expect", option)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("adexplain: error[bad-expect]: "), result.stderr
    assert "--expect" in result.stderr


@pytest.mark.parametrize("key", ["title", "description", "student"])
@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("3", "an integer"),
        ("1.5", "a float"),
        ("true", "true"),
        ('["a"]', "a list"),
        ("{ a = 1 }", "a table"),
        ("2024-01-01", "a date"),
    ],
)
def test_text_keys_of_the_wrong_type_are_refused(
    tmp_path: Path, key: str, value: str, kind: str
) -> None:
    problem = tmp_path / "p.toml"
    problem.write_text(f'expr = "x*x"\nat = {{ x = 1 }}\n{key} = {value}\n')
    result = run("--file", str(problem))
    assert result.exit_code == 2
    assert f"'{key}' must be a string, not {kind}" in result.stderr
    assert str(problem) in result.stderr


# --- Messages ----------------------------------------------------------------------------

ONE_ULP = 2.0**-52


def _bounded_domains() -> list[tuple[str, float]]:
    """Every one-argument function and a point just outside its domain, next to a boundary
    that 6 digits would round onto."""
    from autodiff_cli.ops import FUNCTIONS

    cases = []
    for name, op in sorted(FUNCTIONS.items()):
        if op.arity != 1:
            continue
        for boundary in (-1.0, 0.0, 1.0):
            for nudge in (-ONE_ULP, ONE_ULP, -1e-300, 1e-300):
                point = boundary + nudge * max(1.0, abs(boundary))
                if op.undefined([point]) is not None:
                    cases.append((name, point))
    return cases


@pytest.mark.parametrize(("function", "point"), _bounded_domains())
@pytest.mark.parametrize("through", ["input", "node"])
def test_a_domain_error_prints_a_value_that_is_outside_the_domain(
    function: str, point: float, through: str
) -> None:
    import re

    from autodiff_cli.ops import FUNCTIONS

    expression = f"{function}(x)" if through == "input" else f"{function}(x*y)"
    at = f"x={point!r}" if through == "input" else f"x={point!r},y=1"
    result = run(expression, "--at", at)
    assert result.exit_code == 2 and "error[domain]" in result.stderr, result.output
    printed = re.search(r"= ([^ ,()]+)\)$", result.stderr.splitlines()[0])
    assert printed is not None, result.stderr
    # Read back as printed, the value must still be outside: the sentence shows why.
    assert FUNCTIONS[function].undefined([float(printed.group(1))]) is not None, result.stderr


def test_a_domain_error_keeps_six_digits_when_they_show_why() -> None:
    result = run("sqrt(x - 0.1 - 0.2 + 0.3)", "--at", "x=0")
    assert "= -5.55112e-17)" in result.stderr


LONG = "a" * 100_000


@pytest.mark.parametrize(
    "args",
    [
        [f"x + {LONG}", "--at", "x=1"],  # an unknown name
        [f"x + {LONG}(x)", "--at", "x=1"],  # an unknown function
        ["x", "--at", f"x={LONG}"],  # a name where a constant must be
        ["x", "--at", f"x=1,{LONG}"],  # not NAME=VALUE
        ["x", "--at", f"x=1,{LONG}=2"],  # given but not used
        [f"x + {LONG}²", "--at", "x=1"],  # a pasted character
    ],
)
def test_a_long_name_is_clipped_in_messages(args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert len(result.stderr) < 1000, result.stderr[:300]
    assert "…" in result.stderr


DECOMPOSED = "e\u0301"  # 'é' as 'e' and a combining acute
COMPOSED = "\u00e9"


@pytest.mark.parametrize(
    ("expression", "at"),
    [
        (f"{DECOMPOSED}*x", f"{COMPOSED}=1,x=2"),
        (f"x + 2*ab{DECOMPOSED}c", "x=2"),
        (f"a = x*x; b{DECOMPOSED} = a + 1; b{DECOMPOSED}", "x=2"),
    ],
)
def test_a_decomposed_name_gets_a_hint_with_the_caret_under_it(expression: str, at: str) -> None:
    result = run(expression, "--at", at)
    assert result.exit_code == 2
    first, where, shown, caret = result.stderr.splitlines()[:4]
    assert "decomposed Unicode" in first and "NFC" in first
    word_start = expression.index(DECOMPOSED)
    while word_start > 0 and expression[word_start - 1].isalnum():
        word_start -= 1
    assert f"column {word_start + 1}" in where
    # The caret starts under the word (a combining mark takes no column) and covers it.
    assert caret.index("^") == shown.index(expression[word_start])
    assert caret.strip() and set(caret.strip()) == {"^"}


def test_names_in_at_are_read_composed() -> None:
    result = run(f"{COMPOSED}*x", "--at", f"{DECOMPOSED}=1,x=2", "--format", "json")
    assert result.exit_code == 0, result.output
    assert strict_json(result.stdout)["gradient"] == {COMPOSED: 2, "x": 1}


def test_a_newline_in_a_file_name_or_a_student_name_stays_on_its_line(tmp_path: Path) -> None:
    (tmp_path / "bad\nname.toml").write_text(GOOD)
    (tmp_path / "broken\nfile.toml").write_text('expr = "y"\n')
    (tmp_path / "s.toml").write_text('student = "eve\\nmallory"\n' + GOOD.replace("x = 2", "x = 3"))
    result = run("check", str(tmp_path))
    assert "bad\\x0aname" in result.stdout and "broken\\x0afile" in result.stdout
    assert "eve\\x0amallory" in result.stdout
    for line in result.stdout.splitlines() + result.stderr.splitlines():
        assert not line.startswith(("name", "file", "mallory")), line


def test_exact_constant_operands_carry_their_exact_text() -> None:
    result = run("x/3 + x*(1/3) + x*0.1", "--at", "x=1", "--exact", "--format", "json")
    nodes = {n["id"]: n for n in strict_json(result.stdout)["nodes"]}
    by_formula = {n["formula"]: n for n in nodes.values() if n["kind"] == "op"}
    assert by_formula["w1 * (1/3)"]["args_exact"] == [None, "1/3"]
    assert by_formula["w1 * 0.1"]["args_exact"] == [None, "1/10"]
    assert "args_exact" not in by_formula["w2 + w3"]
    floats = run("x*(1/3)", "--at", "x=1", "--format", "json")
    assert all("args_exact" not in n for n in strict_json(floats.stdout)["nodes"])
