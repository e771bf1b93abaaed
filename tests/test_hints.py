"""Hints that fit what was typed (issue 14, point 4): each mistake a student makes gets the
fix for that mistake, not a neighbour's."""

from __future__ import annotations

import pytest

from .helpers import run


def error(*args: str) -> str:
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("adexplain: error["), result.stderr
    assert "Traceback" not in result.output
    return result.stderr.splitlines()[0]


@pytest.mark.parametrize(
    ("expression", "hint"),
    [
        ("sin x", "write sin(x), not sin x"),
        ("2 * exp x", "write exp(x), not exp x"),
        ("sin^2(x)", "write sin(x)^2 for sin^2(x)"),
        ("cos**2(x) + 1", "write cos(x)^2 for cos^2(x)"),
        ("|x| + 1", "write abs(x) for |x|"),
    ],
)
def test_a_function_written_as_in_print_gets_its_own_hint(expression: str, hint: str) -> None:
    message = error(expression, "--at", "x=1")
    assert message.startswith("adexplain: error[syntax]")
    assert hint in message
    assert "2*x, not 2x" not in message


def test_a_missing_operator_still_gets_the_operator_hint() -> None:
    assert "write 2*x, not 2x" in error("2x", "--at", "x=1")
    assert "write 2*x, not 2x" in error("x^2(x)", "--at", "x=1")  # x is no function


def test_a_decimal_comma_in_at_is_named() -> None:
    message = error("x*2", "--at", "x=1,5")
    assert "error[bad-at]" in message and "a decimal comma? write x=1.5" in message


def test_values_separated_by_a_space_are_told_to_use_commas() -> None:
    assert "separate the values of --at with commas" in error("x*y", "--at", "x=1", "y=2")
    quoted = error("x*y", "--at", "x=1 y=2")
    assert "error[bad-at]" in quoted and "separate NAME=VALUE pairs with commas" in quoted


def test_every_missing_value_is_named_in_one_run() -> None:
    message = error("x*y*z + q + y", "--at", "x=1")
    assert "no value given for 'y', 'z' and 'q': add them, as in --at y=1,z=1,q=1" in message
    # A near miss is still a near miss.
    assert "(did you mean 'y'?)" in error("x*yy + y", "--at", "x=1,y=2")


def test_a_misspelt_section_gets_did_you_mean() -> None:
    message = error("x", "--at", "x=1", "--show", "grahp")
    assert "unknown section 'grahp' (did you mean 'graph'?)" in message


def test_expect_errors_have_their_own_code() -> None:
    for bad in ("w8/w7", "w8/=1", "3=1", "w="):
        message = error("x*y", "--at", "x=1,y=2", "--expect", bad)
        assert message.startswith("adexplain: error[bad-expect]"), (bad, message)
