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

GOOD = 'expr = "x*x"\nat = { x = 1 }\n[gradient]\nx = 2\n'

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
    assert by_file["b-good.toml"]["score"] == 1
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
    assert "b-good.toml): 1 of 1 points" in result.stdout  # the batch went on


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
    assert "good (" in result.stdout and "1 of 1 points" in result.stdout
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
