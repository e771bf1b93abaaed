"""The grammar: precedence, associativity, numbers, names, spans and syntax errors."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lark.exceptions import LarkError

from autodiff_cli import lalr, parser
from autodiff_cli.errors import AdexplainError, Span
from autodiff_cli.lalr import load_tables
from autodiff_cli.parser import parse, parse_expression
from autodiff_cli.syntax import Call, Expr, Name, Number, Operator

from .helpers import REPO
from .strategies import expressions, programs, to_text


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


# The exported tables and the lean driver (autodiff_cli/lalr.py).

TABLES = REPO / "grammar" / "expr.tables.json"


def test_the_exported_tables_are_those_of_the_grammar(update_golden: bool) -> None:
    """grammar/expr.tables.json is derived data: after a grammar change, regenerate it with
    ``pytest tests/test_parser.py --update-golden`` and review the diff."""
    if update_golden:
        TABLES.write_text(parser.export(), "utf-8")
    assert TABLES.read_text("utf-8") == parser.export()


def test_an_export_of_another_grammar_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    grammar = parser._grammar_text()
    exported = TABLES.read_text("utf-8")
    assert load_tables(exported, grammar) is not None
    assert load_tables(exported, grammar + "\n// changed\n") is None
    # Without a usable export the tables come from Lark, and parse the same.
    monkeypatch.setattr(parser, "TABLES_FILE", "missing.tables.json")
    parser._tables.cache_clear()
    try:
        assert shape(parse_expression("-x^2 + max(a, b)")) == (
            "add",
            ("neg", ("pow", "x", 2.0)),
            ("max", "a", "b"),
        )
    finally:
        monkeypatch.undo()
        parser._tables.cache_clear()


PIECES = ["x", "y2", "θ", "1", "2.5", ".5", "1e-3", "+", "-", "*", "/", "^", "**", "(", ")",
          ",", "=", ";", "\n", " ", "sin", "max", "#c\n", "a", "b"]  # fmt: skip


valid_texts = st.one_of(expressions.map(to_text), programs().map(lambda program: program[0]))


@given(st.one_of(st.lists(st.sampled_from(PIECES), max_size=30).map("".join), valid_texts))
def test_the_lean_driver_agrees_with_lark(text: str) -> None:
    """Same tables, two drivers: the same trees, and the same texts refused."""
    try:
        mine = parser.run(
            parser._tables(), parser._without_layout(lalr.tokens(parser._tables(), text))
        )
    except lalr.Stuck:
        mine = None
    try:
        theirs = parser._lark().parse(parser._as_the_driver_reads_it(text))
    except LarkError:
        theirs = None
    assert mine == theirs


def test_a_syntax_error_is_diagnosed_by_lark_with_the_same_layout() -> None:
    """A newline after an operator is layout for both drivers, so the error is on line 2."""
    with pytest.raises(AdexplainError) as caught:
        parse("a = x +\n  y\nb = a *\n\n  )")
    assert caught.value.location() == (5, 3)


def test_a_comment_ends_at_its_newline_even_when_the_newline_is_layout() -> None:
    """After an operator the newline that ends a comment is layout, and the comment still
    ends there: the next line is read, by the driver and by Lark's diagnosis alike."""
    assert shape(parse_expression("x +\n# the second term\n y")) == ("add", "x", "y")
    with pytest.raises(AdexplainError) as caught:
        parse("(x # a comment\n 2)")
    assert "an operator is missing" in caught.value.message
    assert caught.value.location() == (2, 2)


def test_a_pasted_superscript_after_a_number_gets_the_hint() -> None:
    with pytest.raises(AdexplainError) as caught:
        parse("2 ²")
    assert "write '^2' instead" in caught.value.message


def test_tables_need_a_builder_method_for_every_named_rule() -> None:
    data = load_tables(TABLES.read_text("utf-8"), parser._grammar_text())
    assert data is not None
    with pytest.raises(ValueError, match="no method for the rule"):
        lalr.Tables(data, object())
