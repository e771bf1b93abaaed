"""Scoping on its own: what a name means, and the words for what it does not."""

from __future__ import annotations

import pytest

from autodiff_cli import AdexplainError
from autodiff_cli.errors import Span
from autodiff_cli.fold import Constant
from autodiff_cli.ops import OPS
from autodiff_cli.parser import parse, parse_expression
from autodiff_cli.scope import Scope, not_a_constant, operation
from autodiff_cli.syntax import Call, Name, Operator

PROGRAM = "a = x * x\nb = a + 1\nc = 2 * pi\nd = x"


def _name(text: str) -> Name:
    return Name(text, Span(0, len(text)))


def _scope(program: str = PROGRAM, inputs: tuple[str, ...] = ("x", "y")) -> Scope:
    return Scope(program, inputs, parse(program))


def test_inputs_are_numbered_in_the_order_given() -> None:
    assert _scope(inputs=("y", "x")).inputs == {"y": 0, "x": 1}


def test_a_statement_means_what_it_defined_once_it_is_defined() -> None:
    scope = _scope()
    assert scope.intermediate(_name("q")) is None  # no statement has it: not the scope's
    scope.define("a", 2)
    assert scope.intermediate(_name("a")) == 2


def test_a_statement_further_down_is_used_before_it_is_defined() -> None:
    with pytest.raises(AdexplainError) as caught:
        _scope().intermediate(_name("b"))
    assert caught.value.code == "used-before-defined"
    assert caught.value.message == "b is used before it is defined (on line 2)"


@pytest.mark.parametrize(
    ("program", "message"),
    [
        ("x = 1\nx + y", "x is an input with a value from --at; give this intermediate another"),
        ("a = x\nb = y\na = y\na", "a is defined twice (first on line 1)"),
    ],
)
def test_a_name_is_declared_once_and_never_over_an_input(program: str, message: str) -> None:
    with pytest.raises(AdexplainError) as caught:
        _scope(program)
    assert caught.value.code == "redefined"
    assert caught.value.message.startswith(message)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("xx", "no value given for 'xx' (did you mean 'x'?): add one, as in --at xx=1"),
        ("B", "no value given for 'B' (did you mean 'b'?): add one, as in --at B=1"),
        ("Pi", "no value given for 'Pi' (did you mean 'pi'?): add one, as in --at Pi=1"),
        ("zeta", "no value given for 'zeta': add one, as in --at zeta=1"),
        ("x²", "'x²' is not a name adexplain knows: write 'x^2'"),
        ("sin", "sin is a function: write sin(...)"),
    ],
)
def test_an_unknown_name_is_explained_with_the_names_in_scope(name: str, message: str) -> None:
    error = _scope().unknown(_name(name))
    assert (error.code, error.message) == ("unknown-name", message)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("y", "a value must be a constant such as 2, -1/3 or pi/2; 'y' is not"),
        ("E", "a value must be a constant such as 2, -1/3 or pi/2; 'E' is not (did you mean 'e'?)"),
        ("π", "'π' is not a name adexplain knows: write 'pi'"),
    ],
)
def test_in_a_value_only_constants_are_names(name: str, message: str) -> None:
    error = not_a_constant(_name(name), name)
    assert (error.code, error.message) == ("unknown-name", message)


@pytest.mark.parametrize(
    ("used", "message"),
    [
        ({0}, "y is given a value but not used in the expression"),
        (set(), "x, y are given a value but not used in the expression"),
    ],
)
def test_every_input_must_be_used(used: set[int], message: str) -> None:
    _scope().check_inputs_used({0, 1})
    with pytest.raises(AdexplainError) as caught:
        _scope().check_inputs_used(used)
    assert (caught.value.code, caught.value.message) == ("unused-input", message)


def test_unused_intermediates_are_the_named_nodes_no_statement_uses() -> None:
    scope = _scope()
    scope.define("a", 2)
    scope.intermediate(_name("a"))  # b uses a
    scope.define("b", 3)
    scope.define("c", Constant(6.28, "2 * pi"))  # a constant is no node: nothing to say
    scope.define("d", 0)
    assert list(scope.unused_intermediates(output=0)) == [("b", 3)]
    assert list(scope.unused_intermediates(output=3)) == [("d", 0)]


def test_operators_and_functions_mean_table_entries() -> None:
    difference, call = parse_expression("x - y"), parse_expression("ln(x)")
    assert isinstance(difference, Operator) and isinstance(call, Call)
    assert operation(difference, "x - y") is OPS["sub"]
    assert operation(call, "ln(x)") is OPS["log"]  # ln is another name of log


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        ("sine(x)", "unknown-function", "unknown function 'sine' (did you mean 'sin'?)"),
        ("max(x)", "arity", "max takes 2 arguments, but was given 1"),
        ("exp(x, y)", "arity", "exp takes 1 argument, but was given 2"),
    ],
)
def test_a_function_must_exist_and_take_its_arguments(text: str, code: str, message: str) -> None:
    call = parse_expression(text)
    assert isinstance(call, Call)
    with pytest.raises(AdexplainError) as caught:
        operation(call, text)
    assert (caught.value.code, caught.value.message) == (code, message)
