"""A student's slips with vectors (review of issue 17): an array where a number was
expected, a seed of the wrong length, transpose and slicing syntax, indices from 0."""

from __future__ import annotations

import pytest

from .helpers import run

AT = "W=[[1,2],[3,4]],x=[1,-1]"


def test_expect_takes_a_vectors_gradient_whole() -> None:
    # d/dx sum(x*x) = 2x, at x = [1, 2]: [2, 4], worked by hand.
    assert run("sum(x * x)", "--at", "x=[1,2]", "--expect", "x=[2,4]").exit_code == 0
    wrong = run("sum(x * x)", "--at", "x=[1,2]", "--expect", "x=[2,5]")
    assert wrong.exit_code == 1
    assert "x[2] = 5, but it is 4" in wrong.output


def test_expect_a_number_for_a_vector_says_it_is_a_vector() -> None:
    result = run("sum(x * x)", "--at", "x=[1,2]", "--expect", "x=2")
    assert result.exit_code == 2
    assert "x is a vector of 2" in result.output
    assert "x[1]=" in result.output
    assert "--wrt" not in result.output


@pytest.mark.parametrize(
    ("option", "value", "said"),
    [
        ("--at", "x=1+[2]", "error[bad-at]: an array in a value"),
        ("--at", "x=1@2", "error[bad-at]: 1@2 in a value"),
        ("--at", "x=2[1]", "error[bad-at]: 2[1] in a value"),
        ("--expect", "x[1]=[2]", "error[bad-expect]: an array in a value"),
        ("--expect", "x=[1+[2],3]", "error[bad-expect]: unexpected '['"),
        ("--seed", "x=[1+[2],0]", "unexpected '['"),
    ],
)
def test_an_array_in_a_scalar_place_is_bad_input_not_a_bug(
    option: str, value: str, said: str
) -> None:
    args = ["sum(x * x)", "--at", "x=[1,2]", option, value]
    if option == "--at":
        args = ["sum(x * x)", option, value]
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert "internal" not in result.output
    assert said in result.output


@pytest.mark.parametrize(
    ("seed", "message"),
    [
        ("Z=[1,0,3]", "Z is a vector of 2; the seed has 3"),
        ("x=[1,0,3]", "x is a vector of 2; the seed has 3"),
        ("W=[[1,2]]", "W is a 2×2 matrix; the seed is a 1×2 matrix"),
    ],
)
def test_a_seed_of_the_wrong_length_says_so(seed: str, message: str) -> None:
    result = run("tanh(W @ x)", "--at", AT, "--seed", seed)
    assert result.exit_code == 2
    assert message in result.output
    assert "not both" not in result.output


@pytest.mark.parametrize("seed", [(), ("--seed", "y=[1,-1]")])
def test_the_sweep_seeds_name_the_seeded_element_in_every_format(seed: tuple[str, ...]) -> None:
    args = ["y = tanh(W @ x)", "--at", AT, *seed]
    for fmt in ("plain", "markdown", "latex"):
        result = run(*args, "--format", fmt)
        assert result.exit_code == 0, result.output
        text = result.output.replace("\\[", "[").replace("\\]", "]")  # markdown's escapes
        rows = [line for line in text.splitlines() if " 1 on " in line]
        assert len(rows) == 6 + 2  # a forward sweep per input, a reverse one per output
        assert not [row for row in rows if "?" in row or "ẋ" in row or "ȳ" in row]
        assert any("tangent 1 on W[1,1]" in row for row in rows)
        assert any("cotangent 1 on y[2]" in row for row in rows)


@pytest.mark.parametrize(
    ("expression", "at"),
    [("cross_entropy(s, y)", "s=[-2.85,0.86,0.28],y=3"), ("p[y]", "p=[1,2],y=2")],
)
def test_a_variable_index_says_it_must_be_written_not_that_it_is_not_whole(
    expression: str, at: str
) -> None:
    result = run(expression, "--at", at)
    assert result.exit_code == 2
    assert "a number written in the expression" in result.output
    assert "not 'y'" in result.output
    assert "whole number" not in result.output


@pytest.mark.parametrize(
    ("expression", "hint"),
    [
        ("2 * x.T @ x", "write transpose(x) for x.T"),
        ("W.T @ x", "write transpose(W) for W.T"),
        ("x' * x", "write transpose(x) for x'"),
        ("x^T @ x", "write a transpose as transpose(x)"),
        ("W[:,1] @ x", "a column is transpose(W)[1]"),
        ("W[1,:] @ x", "a row of W is W[1]"),
    ],
)
def test_numpy_and_matlab_array_syntax_gets_a_hint(expression: str, hint: str) -> None:
    result = run(expression, "--at", AT)
    assert result.exit_code == 2
    assert hint in result.output
    assert "no value given" not in result.output


def test_the_column_the_slicing_hint_offers_is_the_column() -> None:
    # transpose(W)[1] @ x is W's first column [1, 3] dotted with x: its gradient by x.
    result = run("transpose(W)[1] @ x", "--at", AT, "--wrt", "x")
    assert result.exit_code == 0
    assert "∂Z/∂x = [1, 3]" in result.output


@pytest.mark.parametrize(
    ("option", "value", "meant"),
    [
        ("--wrt", "x[0]", "x[1]"),
        ("--seed", "x[0]=1", "x[1]"),
        ("--expect", "x[0]=2", "x[1]"),
        ("--wrt", "W[0,1]", "W[1,2]"),  # Python's W[0, 1]: row 1, column 2
    ],
)
def test_an_index_counted_from_zero_points_to_the_element_meant(
    option: str, value: str, meant: str
) -> None:
    result = run("y = W @ x", "--at", AT, option, value)
    assert result.exit_code == 2
    assert f"indices start at 1: did you mean {meant!r}?" in result.output


def test_ragged_rows_are_listed_in_the_order_written() -> None:
    result = run("sum(W @ x)", "--at", "W=[[1,2,3],[4,5]],x=[1,2,3]")
    assert result.exit_code == 2
    assert "different lengths (3, 2)" in result.output
    many = "[" + ",".join(["[1]"] * 20 + ["[1,2]"]) + "]"
    assert "(1, 1, 1, 1, 1, 1, 1, 1, …)" in run("sum(W)", "--at", f"W={many}").output


def test_blocks_for_a_program_without_vectors_say_what_they_are_for() -> None:
    shown = run("x*y", "--at", "x=1,y=2", "--show", "blocks").output
    assert "Blocks are for programs with vectors" in shown
    assert "Blocks are for" not in run("x*y", "--at", "x=1,y=2", "--show", "all").output


def test_the_blocks_headings_use_no_generic_x() -> None:
    shown = run("--file", "samples/two_layer_network.toml", "--show", "blocks").output
    assert "each with its gradient, as W̄ = ∂loss/∂W" in shown
    assert "a block's adjoint, as h̄ = ∂loss/∂h" in shown
    assert "∂loss/∂x" not in shown


@pytest.mark.parametrize("expect", ["x=[2,4,5]", "x[3]=1", "x[1,1]=2"])
def test_an_expectation_past_a_vectors_end_names_its_shape(expect: str) -> None:
    result = run("sum(x * x)", "--at", "x=[1,2]", "--expect", expect)
    assert result.exit_code == 2
    assert "x is a vector of 2, which has no element" in result.output
