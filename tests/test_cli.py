"""The command line through click's CliRunner: output, formats, exit codes, error messages."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from autodiff_cli import __version__
from autodiff_cli.render import RENDERERS

from .helpers import REPO, run, strict_json

EXAMPLE = ["y - max(0,w*x+b)", "--at", "y=5,w=2,x=1,b=1", "--wrt", "w"]


def test_readme_example_plain_output() -> None:
    result = run(*EXAMPLE)
    assert result.exit_code == 0
    out = result.stdout
    for line in ["w5    w2 * w3", "w7    max(0, w6)", "Z     w8", "∂w8/∂w7  -1"]:
        assert line in out
    assert "= (-1) · (1 if w6 > 0, 0 if w6 < 0, 1/2 if w6 = 0 by convention) · 1 · w3" in out
    assert out.rstrip().endswith("Gradient: ∂Z/∂w = -1")


def test_readme_example_json_matches_the_spec_field_by_field() -> None:
    doc = strict_json(run(*EXAMPLE, "--format", "json").stdout)
    assert doc["schema"] == "adexplain/1"
    assert doc["expression"] == "y - max(0,w*x+b)"
    assert doc["at"] == {"y": 5, "w": 2, "x": 1, "b": 1}
    assert list(doc["at"]) == ["y", "w", "x", "b"]
    assert doc["nodes"][0] == {"id": "w1", "kind": "input", "name": "y", "value": 5, "span": [0, 1]}
    w5 = doc["nodes"][4]
    assert {k: w5[k] for k in ("id", "kind", "op", "args", "formula", "source", "value")} == {
        "id": "w5",
        "kind": "op",
        "op": "mul",
        "args": ["w2", "w3"],
        "formula": "w2 * w3",
        "source": "w*x",
        "value": 2,
    }
    assert doc["nodes"][6]["args"] == [0, "w6"]
    assert doc["output"] == "w8"
    assert {k: doc["edges"][0][k] for k in ("from", "to", "arg", "partial", "value")} == {
        "from": "w2",
        "to": "w5",
        "arg": 0,
        "partial": "w3",
        "value": 1,
    }
    assert doc["gradient"] == {"w": -1}
    assert doc["wrt"]["w"]["node"] == "w2"
    assert doc["wrt"]["w"]["gradient"] == -1
    assert doc["wrt"]["w"]["path_count"] == 1
    assert doc["wrt"]["w"]["paths"] == [
        {
            "nodes": ["w8", "w7", "w6", "w5", "w2"],
            "args": [1, 1, 0, 0],
            "factors": [-1, 1, 1, 1],
            "product": -1,
        }
    ]
    assert doc["warnings"] == []
    assert isinstance(doc["wrt"]["w"]["path_count"], int)


def test_json_non_finite_values_are_strings() -> None:
    result = run("exp(x) - exp(x)", "--at", "x=1000", "--format", "json")
    doc = strict_json(result.stdout)
    assert doc["nodes"][1]["value"] == "inf"
    assert doc["value"] == "nan"
    assert doc["warnings"][0]["code"] == "overflow"


def test_json_keeps_full_precision_and_plain_rounds() -> None:
    doc = strict_json(run("log(x)", "--at", "x=2", "--format", "json").stdout)
    assert doc["value"] == math.log(2)
    plain = run("log(x)", "--at", "x=2", "--format", "plain").stdout
    assert "0.693147" in plain and "0.6931471805599453" not in plain
    assert "0.69315" in run("log(x)", "--at", "x=2", "--digits", "5").stdout


def test_default_format_is_plain_when_not_a_terminal_and_honours_no_color() -> None:
    piped = run("x*x", "--at", "x=2").stdout
    assert piped.startswith("Expression: x*x")
    assert "\x1b[" not in piped
    assert run("x*x", "--at", "x=2", env={"NO_COLOR": "1"}).stdout == piped


def test_rich_format_without_a_terminal_has_no_escape_codes() -> None:
    out = run(*EXAMPLE, "--format", "rich").stdout
    assert "╭" in out and "\x1b[" not in out


def test_expression_from_standard_input() -> None:
    assert run("-", "--at", "x=3", input="x*x + x\n").stdout == run("x*x + x", "--at", "x=3").stdout


def test_values_may_be_constant_expressions_and_options_may_repeat() -> None:
    doc = strict_json(
        run("sin(x) * y", "--at", "x=pi/2", "--at", "y=pow(2, 3)", "--format", "json").stdout
    )
    assert doc["at"] == {"x": math.pi / 2, "y": 8}
    assert doc["value"] == 8


def test_expression_may_start_with_a_minus_sign() -> None:
    result = run("-x^2", "--at", "x=-3", "--format", "json")
    assert result.exit_code == 0, result.output
    assert strict_json(result.stdout)["value"] == -9
    # an option's value may start with a minus sign too
    result = run("--at", "x=-3", "-x*2", "--format", "json")
    assert strict_json(result.stdout)["value"] == 6


def test_wrt_all_and_lists() -> None:
    doc = strict_json(
        run("x*y + z", "--at", "x=1,y=2,z=3", "--wrt", "z,x", "--format", "json").stdout
    )
    assert list(doc["gradient"]) == ["z", "x"]
    doc = strict_json(
        run("x*y + z", "--at", "x=1,y=2,z=3", "--wrt", "all", "--format", "json").stdout
    )
    assert doc["gradient"] == {"x": 2, "y": 1, "z": 1}


def test_max_paths_bound_says_how_many_were_not_listed() -> None:
    result = run(" + ".join(["x"] * 30), "--at", "x=1", "--max-paths", "4")
    assert "… and 26 more paths not listed" in result.stdout
    assert "∂Z/∂x = 30" in result.stdout


def test_problem_file(tmp_path: Path) -> None:
    sample = REPO / "samples" / "relu_neuron.toml"
    result = run("--file", str(sample), "--format", "json")
    assert result.exit_code == 0
    assert strict_json(result.stdout)["gradient"] == {"w": -1}
    result = run("--file", str(sample), "--wrt", "all", "--format", "json")
    assert list(strict_json(result.stdout)["gradient"]) == ["y", "w", "x", "b"]


def test_problem_file_answer_sections_are_ignored(tmp_path: Path) -> None:
    problem = tmp_path / "answered.toml"
    problem.write_text('expr = "x*x"\nat = { x = "1/2" }\n[values]\nw2 = 0.25\n[gradient]\nx = 1\n')
    result = run("--file", str(problem), "--format", "json")
    assert result.exit_code == 0, result.output
    assert strict_json(result.stdout)["gradient"] == {"x": 1}


def test_version_and_help() -> None:
    assert run("--version").stdout.strip() == f"adexplain, version {__version__}"
    help_text = run("--help").stdout
    assert "Examples:" in help_text
    assert 'adexplain "y - max(0,w*x+b)" --at y=5,w=2,x=1,b=1 --wrt w' in help_text
    assert f"--format [{'|'.join(RENDERERS)}]" in help_text


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["x +", "--at", "x=1"], "ends too early"),
        (["sine(x)", "--at", "x=1"], "did you mean 'sin'"),
        (["x*y", "--at", "x=1"], "no value given for 'y'"),
        (["x", "--at", "x=1,y=2"], "y is given a value but not used"),
        (["x", "--at", "x=1,x=2"], "x is given a value twice"),
        (["x", "--at", "x"], "is not NAME=VALUE"),
        (["x", "--at", "1x=2"], "is not a variable name"),
        (["x", "--at", "x=y"], "'y' is not"),
        (["log(x)", "--at", "x=0"], "log is defined only for arguments > 0"),
        (["x", "--at", "x=1", "--wrt", "q"], "cannot differentiate by 'q'"),
        (["x", "--at", "x=1", "--format", "xml"], "Invalid value for '--format'"),
        (["x", "--at", "x=1", "--wtr", "x"], "Did you mean"),
        ([], "no expression given"),
        (["x", "--file", "samples/kink.toml"], "not both"),
        (["--file", "does/not/exist.toml"], "cannot read does/not/exist.toml"),
    ],
)
def test_bad_input_exits_2_with_one_message_and_no_traceback(
    args: list[str], fragment: str
) -> None:
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert fragment in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr


def test_syntax_error_shows_line_column_and_caret() -> None:
    result = run("y - max(0,w*x+)", "--at", "y=5,w=2,x=1")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "adexplain: error[syntax]: unexpected ')': expected '(', '+', '-', '[', a name or a number",
        "  at line 1, column 15:",
        "    y - max(0,w*x+)",
        "                  ^",
    ]


def test_error_in_an_at_value_points_into_that_value() -> None:
    result = run("x", "--at", "x=2*")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[1:] == [
        "  at line 1, column 3 of the value of x:",
        "    2*",
        "      ^",
    ]


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ('expr = "x"\nat = { x = 1 \n', "not valid TOML"),
        ("expr = 3\n", "'expr' must be a string"),
        ('expr = "x"\nat = [1]\n', "'at' must be a table"),
        ('expr = "x"\nat = { x = true }\n', "the value of x must be a number"),
        ('expr = "x"\nat = { x = 1 }\nwrt = 3\n', "'wrt' must be a list"),
        ('expr = "x"\nat = { x = 1 }\nvalues = 3\n', "[values] must be a table"),
        ('exp = "x"\n', "unknown key 'exp'"),
        ('expr = "x +"\nat = { x = 1 }\n', "ends too early"),
        (b"\xff\xfe", "not UTF-8"),
    ],
)
def test_malformed_problem_files_exit_2_naming_the_file(
    tmp_path: Path, content: str | bytes, fragment: str
) -> None:
    problem = tmp_path / "bad.toml"
    if isinstance(content, bytes):
        problem.write_bytes(content)
    else:
        problem.write_text(content)
    result = run("--file", str(problem))
    assert result.exit_code == 2, result.output
    assert fragment in result.stderr
    assert "bad.toml" in result.stderr
    assert "Traceback" not in result.stderr


def test_toml_syntax_error_gives_the_line() -> None:
    result = run("--file", str(REPO / "tests" / "data" / "broken.toml"))
    assert result.exit_code == 2
    assert "line 3" in result.stderr


def test_a_bug_is_one_message_not_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("simulated bug")

    monkeypatch.setattr("autodiff_cli.cli.explain", broken)
    result = run("x", "--at", "x=1")
    assert result.exit_code == 2
    assert "error[internal]: RuntimeError: simulated bug" in result.stderr
    assert "Traceback" not in result.stderr


def test_max_paths_zero_lists_no_path_but_still_counts() -> None:
    doc = strict_json(run("x*x", "--at", "x=2", "--max-paths", "0", "--format", "json").stdout)
    assert doc["wrt"]["x"]["paths"] == []
    assert doc["wrt"]["x"]["path_count"] == 2
    assert doc["gradient"] == {"x": 4}


def test_an_empty_value_is_refused() -> None:
    result = run("x", "--at", "x=")
    assert result.exit_code == 2
    assert "x is given no value" in result.stderr


def test_a_huge_problem_file_is_refused(tmp_path: Path) -> None:
    problem = tmp_path / "huge.toml"
    problem.write_text('expr = "x"\n' + "# padding\n" * 200_000)
    result = run("--file", str(problem))
    assert result.exit_code == 2
    assert "a problem file is at most" in result.stderr


def test_caret_under_an_error_in_a_very_long_line_stays_readable() -> None:
    text = " + ".join(["x"] * 200) + " + sine(x)"
    result = run(text, "--at", "x=1")
    assert result.exit_code == 2
    source_line, caret_line = result.stderr.splitlines()[-2:]
    assert len(source_line) < 140
    assert source_line[caret_line.index("^") :].startswith("sine")


# --- Found by trying the tool as a newcomer ---------------------------------------------


@pytest.mark.parametrize("text", ["x +\n", "(x\n", "x +\n\n\n"])
def test_a_syntax_error_before_a_trailing_newline_points_at_the_text(text: str) -> None:
    result = run("-", "--at", "x=1", input=text)
    assert result.exit_code == 2
    assert "error[internal]" not in result.stderr
    assert result.stderr.startswith("adexplain: error[syntax]: ")
    assert "at line 1" in result.stderr


def test_overflow_in_a_constant_is_a_warning() -> None:
    doc = strict_json(run("x*exp(1000)", "--at", "x=1", "--format", "json").stdout)
    assert [w["code"] for w in doc["warnings"]] == ["overflow"]
    assert "exp(1000)" in doc["warnings"][0]["message"]


def test_squared_error_at_a_negative_residual_is_not_a_kink() -> None:
    doc = strict_json(run("(y - w*x)^2", "--at", "y=1,w=2,x=1", "--format", "json").stdout)
    assert doc["warnings"] == []
    assert not any(edge["nondifferentiable"] for edge in doc["edges"])
    assert doc["gradient"] == {"y": -2, "w": 2, "x": 4}


def test_a_variable_named_like_a_node_gets_nodes_of_another_letter_said_at_the_top() -> None:
    doc = strict_json(run("w1*w2", "--at", "w2=3,w1=1", "--format", "json").stdout)
    assert [node["id"] for node in doc["nodes"]] == ["u1", "u2", "u3"]
    assert doc["warnings"] == []
    assert doc["notation_note"].startswith("u1…u3, not w1…")
    text = run("w1*w2", "--at", "w2=3,w1=1", "--format", "plain").stdout
    assert text.splitlines()[1] == (
        "Nodes:      u1…u3, not w1…, since your names w1, w2 would read as node ids"
    )
    assert run("w1*w2", "--at", "w2=3,w1=1", "--expect", "u3=3").exit_code == 0


def test_errors_in_a_problem_file_give_the_file_line(tmp_path: Path) -> None:
    problem = tmp_path / "p.toml"
    problem.write_text('# a comment\nexpr = """\na = x*x\nb = a +\n"""\nat = { x = 1 }\n')
    result = run("--file", str(problem))
    assert result.exit_code == 2
    assert f"at line 2, column 8 of expr in {problem} (line 4 of the file)" in result.stderr
    problem.write_text('expr = "log(x)"\nat = { x = "1/0" }\n')
    assert f"the value of x in {problem}" in run("--file", str(problem)).stderr


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["x − 1", "--at", "x=1"], "write '-' instead"),
        (["2 × x", "--at", "x=1"], "write '*' instead"),
        (["SIN(x)", "--at", "x=1"], "did you mean 'sin'"),
        (["x", "--at", "X=1"], "did you mean 'X'"),
        (["x", "--at", "x=1", "--wrt", ""], "no variable to differentiate by"),
        (["x)", "--at", "x=1"], "there is no '(' for it to close"),
        (["2x", "--at", "x=1"], "an operator is missing"),
    ],
)
def test_hints_for_common_slips(args: list[str], fragment: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert fragment in result.stderr


def test_a_huge_sum_gives_bounded_output() -> None:
    """10 000 terms: the JSON grows linearly (sources are clipped), tables are elided."""
    text = "+".join(["x"] * 10_000)
    json_out = run("-", "--at", "x=1", "--format", "json", input=text).stdout
    doc = strict_json(json_out)
    assert doc["gradient"] == {"x": 10_000}
    half = run("-", "--at", "x=1", "--format", "json", input=text[: len(text) // 2]).stdout
    assert len(json_out) < 2.2 * len(half)  # linear, not quadratic
    assert max(len(node.get("source", "")) for node in doc["nodes"]) <= 200
    plain = run("-", "--at", "x=1", "--show", "values,paths", input=text).stdout
    assert "rows not shown" in plain
    assert "more)…" in plain
    assert len(plain) < 400_000


def test_an_unknown_section_is_a_usage_error() -> None:
    result = run("x", "--at", "x=1", "--show", "values,graphs")
    assert result.exit_code == 2
    assert "unknown section 'graphs'" in result.stderr


def test_a_very_long_exact_fraction_prints_rounded() -> None:
    out = run("x^40", "--at", "x=2/3", "--exact", "--show", "values").stdout
    assert "≈9.04377e-8" in out  # (2/3)^40 has 20 + 20 digits


def test_an_infinite_value_in_a_problem_file_is_refused(tmp_path: Path) -> None:
    problem = tmp_path / "inf.toml"
    problem.write_text('expr = "x"\nat = { x = inf }\n')
    result = run("--file", str(problem), "--exact")
    assert result.exit_code == 2
    assert "not a finite number" in result.stderr
