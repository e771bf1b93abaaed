"""The grammar: precedence, associativity, numbers, names, spans and syntax errors."""

from __future__ import annotations

import pytest

from autodiff_cli.errors import AdexplainError, Span
from autodiff_cli.parser import parse, parse_expression
from autodiff_cli.syntax import Call, Expr, Name, Number, Operator


def shape(expr: Expr) -> object:
    """A compact nested-tuple form of a tree, to compare structure."""
    if isinstance(expr, Number):
        return expr.value
    if isinstance(expr, Name):
        return expr.name
    if isinstance(expr, Operator):
        return (expr.op, *map(shape, expr.args))
    assert isinstance(expr, Call)
    return (expr.function, *map(shape, expr.args))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("-x^2", ("neg", ("pow", "x", 2.0))),
        ("2^3^2", ("pow", 2.0, ("pow", 3.0, 2.0))),
        ("2**3**2", ("pow", 2.0, ("pow", 3.0, 2.0))),
        ("a - b - c", ("sub", ("sub", "a", "b"), "c")),
        ("a / b / c", ("div", ("div", "a", "b"), "c")),
        ("a + b * c", ("add", "a", ("mul", "b", "c"))),
        ("(a + b) * c", ("mul", ("add", "a", "b"), "c")),
        ("2^-1", ("pow", 2.0, ("neg", 1.0))),
        ("-2^2", ("neg", ("pow", 2.0, 2.0))),
        ("+x", "x"),
        ("- -x", ("neg", ("neg", "x"))),
        ("max(0, w*x + b)", ("max", 0.0, ("add", ("mul", "w", "x"), "b"))),
        ("pow(a, b)", ("pow", "a", "b")),
        ("θ * x_1", ("mul", "θ", "x_1")),
        ("f()", ("f",)),
    ],
)
def test_precedence_and_associativity(text: str, expected: object) -> None:
    assert shape(parse_expression(text)) == expected


@pytest.mark.parametrize(
    ("text", "value"), [("3", 3.0), ("2.5", 2.5), (".5", 0.5), ("1e-3", 0.001), ("1.", 1.0)]
)
def test_numbers(text: str, value: float) -> None:
    tree = parse_expression(text)
    assert isinstance(tree, Number)
    assert tree.value == value
    assert tree.text == text


def test_spans_cover_the_source_text_including_parentheses() -> None:
    text = "y - max(0,w*x+b) / (x - 1)"
    tree = parse_expression(text)
    assert isinstance(tree, Operator)
    _, quotient = tree.args
    assert isinstance(quotient, Operator)
    assert text[quotient.span.start : quotient.span.end] == "max(0,w*x+b) / (x - 1)"
    call, group = quotient.args
    assert text[call.span.start : call.span.end] == "max(0,w*x+b)"
    assert text[group.span.start : group.span.end] == "(x - 1)"


def test_deep_nesting_does_not_recurse() -> None:
    depth = 20_000
    tree = parse_expression("(" * depth + "x" + ")" * depth)
    assert isinstance(tree, Name)
    assert tree.span == Span(0, 2 * depth + 1)


@pytest.mark.parametrize(
    ("text", "message", "column"),
    [
        ("x +", "ends too early", 4),
        ("(x", "expected ')'", 3),
        ("x $ y", "unexpected character '$'", 3),
        ("max(0,,x)", "unexpected ','", 7),
        ("x y", "unexpected 'y'", 3),
        ("x\n+ * y", "unexpected '*'", 3),
    ],
)
def test_syntax_errors_point_at_the_problem(text: str, message: str, column: int) -> None:
    with pytest.raises(AdexplainError) as caught:
        parse(text)
    err = caught.value
    assert err.code == "syntax"
    assert message in err.message
    location = err.location()
    assert location is not None
    assert location[1] == column
    rendered = err.render()
    assert "^" in rendered
    assert "Traceback" not in rendered


def test_syntax_error_on_a_later_line_reports_that_line() -> None:
    with pytest.raises(AdexplainError) as caught:
        parse("x +\n  * y")
    assert caught.value.location() == (2, 3)
    assert caught.value.render().splitlines()[-2:] == ["      * y", "      ^"]


def test_empty_expression() -> None:
    with pytest.raises(AdexplainError, match="empty"):
        parse("   ")


def test_a_program_is_statements_separated_by_semicolons_or_newlines() -> None:
    program = parse("a = x*x; b = a *\n  a  # continued after an operator\n\n(b\n + 1)")
    assert [(s.name, shape(s.expr)) for s in program] == [
        ("a", ("mul", "x", "x")),
        ("b", ("mul", "a", "a")),
        (None, ("add", "b", 1.0)),
    ]
    first = program[0]
    assert first.name_span == Span(0, 1)
    assert first.span == Span(0, 7)


def test_newlines_inside_parentheses_are_layout_and_keep_positions() -> None:
    text = "max(0,\n    w*x + b)"
    (statement,) = parse(text)
    assert statement.span == Span(0, len(text))


@pytest.mark.parametrize("text", ["a = 1; a = 2", "a = x; b"])
def test_programs_parse_even_when_they_will_be_refused_later(text: str) -> None:
    assert len(parse(text)) == 2


def test_a_value_must_be_one_expression() -> None:
    with pytest.raises(AdexplainError, match="single expression"):
        parse_expression("a = 1; a")


def test_missing_operator_is_named() -> None:
    with pytest.raises(AdexplainError, match="operator is missing"):
        parse("2x")
