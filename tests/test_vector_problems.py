"""Vector problems in problem files, `check` and `quiz --layer` (issue 17)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from autodiff_cli import quiz
from autodiff_cli.problem import parse_toml

from .helpers import run

LAYER_PROBLEM = """\
expr = "h = relu(W @ x + b); y = sum(h)"
at = { W = [[1, 2], [3, -4]], x = [1, 1], b = [0, 2] }
wrt = ["W"]
"""


def test_check_grades_a_matrix_answered_whole_or_by_element(tmp_path: Path) -> None:
    # h = relu([3, 1]) = [3, 1]: every weight's gradient is x[j] = 1.
    whole = tmp_path / "whole.toml"
    whole.write_text(LAYER_PROBLEM + "[gradient]\nW = [[1, 1], [1, 2]]\n")
    result = run("check", str(whole))
    assert result.exit_code == 1
    assert "✓ ∂y/∂W[1,1] = 1 is right" in result.stdout
    assert "✗ ∂y/∂W[2,2]" in result.stdout
    elements = tmp_path / "elements.toml"
    elements.write_text(LAYER_PROBLEM + '[gradient]\n"W[2,2]" = 1\n')
    assert "✓ ∂y/∂W[2,2] = 1 is right" in run("check", str(elements)).stdout


def test_a_ragged_matrix_answer_is_reported_not_graded(tmp_path: Path) -> None:
    ragged = tmp_path / "ragged.toml"
    ragged.write_text(LAYER_PROBLEM + "[gradient]\nW = [[1, 1], [1]]\n")
    result = run("check", str(ragged))
    assert "rows of W have different lengths" in result.stdout


def test_quiz_layer_makes_pleasant_dense_layers() -> None:
    problems = quiz.generate(5, 6, quiz.Options(layer=True))
    for problem in problems:
        assert problem.expr == quiz.LAYER
        ex = problem.explanation
        numbers = [*ex.values, *(edge.value for edge in ex.edges), *ex.adjoints]
        assert all(isinstance(v, Fraction) and abs(v) <= 200 for v in numbers)
        assert not any(d.code == "nondifferentiable" for d in ex.diagnostics)
        assert dict(problem.at)["W"] and len(dict(problem.at)["W"]) == 2  # type: ignore[arg-type]
    # The same seed, the same problems.
    again = quiz.generate(5, 6, quiz.Options(layer=True))
    assert [p.at for p in again] == [p.at for p in problems]


def test_quiz_layer_with_a_kink_puts_a_relu_at_0() -> None:
    (problem,) = quiz.generate(2, 1, quiz.Options(layer=True, kink=True))
    assert any(d.code == "nondifferentiable" for d in problem.explanation.diagnostics)


def test_a_layer_problem_round_trips_through_its_key_and_check(tmp_path: Path) -> None:
    result = run("quiz", "--layer", "--seed", "4", "--count", "2", "--out", str(tmp_path / "q"))
    assert result.exit_code == 0, result.output
    blank = (tmp_path / "q" / "problem-01.toml").read_text()
    data = parse_toml(blank, "problem-01.toml")
    assert isinstance(data["at"]["W"], list) and len(data["at"]["W"][0]) == 2
    assert "--layer" in data["generated"]
    key = tmp_path / "q" / "problem-01.key.toml"
    graded = run("check", "--key", str(tmp_path / "q" / "problem-01.toml"), str(key))
    assert graded.exit_code == 0, graded.output
    first_line = graded.stdout.splitlines()[0]
    points = first_line.split(": ")[-1].split(" of ")
    assert points[0] == points[1].split()[0], first_line  # every point
    # A student who slips on one hidden unit is told the right step.
    lines = key.read_text().splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith('"w12"'))
    lines[first] = '"w12" = 99'
    slipped = tmp_path / "slipped.toml"
    slipped.write_text("\n".join(lines) + "\n")
    report = run("check", "--key", str(tmp_path / "q" / "problem-01.toml"), str(slipped)).stdout
    assert "First slip: w12 = w1 * w5" in report
