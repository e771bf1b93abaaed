"""Numbering, constants, spans and the passes, on the spec's cases."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from autodiff_cli import AdexplainError, explain
from autodiff_cli.arithmetic import EXACT
from autodiff_cli.errors import Span
from autodiff_cli.graph import Constant, Numbering, build
from autodiff_cli.ops import OPS
from autodiff_cli.parser import parse

SPEC_EXAMPLE = "y - max(0,w*x+b)"
SPEC_POINT = {"y": 5, "w": 2, "x": 1, "b": 1}


def test_spec_example_node_table() -> None:
    result = explain(SPEC_EXAMPLE, SPEC_POINT, wrt=["w"])
    table = [(node.id, node.formula, result.values[node.index]) for node in result.graph.nodes]
    assert table == [
        ("w1", "y", 5),
        ("w2", "w", 2),
        ("w3", "x", 1),
        ("w4", "b", 1),
        ("w5", "w2 * w3", 2),
        ("w6", "w5 + w4", 3),
        ("w7", "max(0, w6)", 3),
        ("w8", "w1 - w7", 2),
    ]
    assert result.graph.output == 7
    assert result.output_value == 2


def test_spec_example_edges() -> None:
    result = explain(SPEC_EXAMPLE, SPEC_POINT)
    edges = [(f"w{e.target + 1}/w{e.source + 1}", e.formula, e.value) for e in result.edges]
    assert edges == [
        ("w5/w2", "w3", 1),
        ("w5/w3", "w2", 2),
        ("w6/w5", "1", 1),
        ("w6/w4", "1", 1),
        ("w7/w6", "(1 if w6 > 0, 0 if w6 < 0, 1/2 if w6 = 0 by convention)", 1),
        ("w8/w1", "1", 1),
        ("w8/w7", "-1", -1),
    ]


def test_spec_example_chain_rule_for_w_is_minus_one() -> None:
    (chain,) = explain(SPEC_EXAMPLE, SPEC_POINT, wrt=["w"]).chains
    assert chain.gradient == -1
    assert chain.path_count == 1
    (path,) = chain.paths
    assert [f"w{n + 1}" for n in path.nodes] == ["w8", "w7", "w6", "w5", "w2"]
    assert path.factors == (-1, 1, 1, 1)
    assert path.product == -1


def test_inputs_are_numbered_in_the_order_of_the_point_not_of_the_text() -> None:
    result = explain("a + b", [("b", 1), ("a", 2)])
    assert [node.name for node in result.graph.inputs] == ["b", "a"]
    assert result.graph.nodes[2].formula == "w2 + w1"


def test_a_variable_is_one_node_but_each_operation_occurrence_is_its_own() -> None:
    result = explain("sin(x) + sin(x)", {"x": 1})
    assert [node.formula for node in result.graph.nodes] == ["x", "sin(w1)", "sin(w1)", "w2 + w3"]


def test_x_times_x_plus_x_has_three_paths() -> None:
    (chain,) = explain("x*x + x", {"x": 3}).chains
    assert chain.path_count == 3
    assert [p.product for p in chain.paths] == [3, 3, 1]
    assert chain.gradient == 7
    assert [p.positions for p in chain.paths] == [(0, 0), (0, 1), (1,)]


def test_constants_fold_into_the_node_that_uses_them() -> None:
    result = explain("x * (2*pi) + -3 + x^(1/2)", {"x": 4})
    formulas = [node.formula for node in result.graph.nodes]
    assert formulas == ["x", "w1 * (2*pi)", "w2 + (-3)", "w1^(1/2)", "w3 + w4"]
    constant = result.graph.nodes[1].args[1]
    assert isinstance(constant, Constant)
    assert constant.value == pytest.approx(2 * math.pi)
    # d/dx of x^(1/2) printed with the exponent lowered by one
    assert [e.formula for e in result.edges if e.target == 3] == ["(1/2) * w1^(-0.5)"]


def test_a_user_value_for_e_or_pi_overrides_the_constant() -> None:
    result = explain("e * x", {"e": 2, "x": 3})
    assert result.output_value == 6
    assert result.gradient["e"] == 3


def test_spans_say_which_part_of_the_expression_each_node_is() -> None:
    result = explain("y - max(0,w*x+b)", SPEC_POINT)
    sources = [result.graph.source_of(node) for node in result.graph.nodes[4:]]
    assert sources == ["w*x", "w*x+b", "max(0,w*x+b)", "y - max(0,w*x+b)"]


def test_path_listing_is_bounded_and_counting_is_exact() -> None:
    text = " + ".join(["x"] * 50)
    (chain,) = explain(text, {"x": 1}, max_paths=5).chains
    assert chain.path_count == 50
    assert len(chain.paths) == 5
    assert chain.unlisted == 45
    assert chain.gradient == 50


def test_deep_nesting_builds_without_recursion() -> None:
    depth = 5000
    text = "sin(" * depth + "x" + ")" * depth
    result = explain(text, {"x": 0.5}, max_paths=1)
    assert len(result.graph.nodes) == depth + 1
    expected = 0.5
    derivative = 1.0
    for _ in range(depth):
        derivative *= math.cos(expected)
        expected = math.sin(expected)
    assert result.output_value == pytest.approx(expected)
    assert result.gradient["x"] == pytest.approx(derivative)


@pytest.mark.parametrize(
    ("text", "at", "code", "fragment"),
    [
        ("sine(x)", {"x": 1}, "unknown-function", "did you mean 'sin'"),
        ("max(x)", {"x": 1}, "arity", "max takes 2 arguments, but was given 1"),
        ("x + yy", {"x": 1, "y": 2}, "unknown-name", "did you mean 'y'"),
        ("x + sin", {"x": 1}, "unknown-name", "sin is a function"),
        ("x", {"x": 1, "y": 2}, "unused-input", "y is given a value but not used"),
        ("2 + 3", {}, "no-variables", "no variables"),
        ("log(x - 2)", {"x": 1}, "domain", "(here w2 = x - 2 = -1)"),
        ("x / (x - 1)", {"x": 1}, "domain", "division by zero"),
        ("sqrt(x - 5)", {"x": 1}, "domain", "w2 = x - 5 = -4"),
        ("x + log(-1)", {"x": 1}, "domain", "log(-1) is undefined"),
        ("x + 1e999", {"x": 1}, "number-too-large", "1e999"),
        ("x", {"x": "y + 1"}, "unknown-name", "'y' is not"),
        ("x", {"x": "1/0"}, "domain", "division by zero"),
        ("x", {"x": "exp(1000)"}, "bad-at", "not a finite number"),
        ("x", {"x": True}, "bad-at", "must be a number"),
    ],
)
def test_errors_name_what_is_wrong(text: str, at: dict, code: str, fragment: str) -> None:
    with pytest.raises(AdexplainError) as caught:
        explain(text, at)
    assert caught.value.code == code
    assert fragment in caught.value.message


def test_unknown_wrt_suggests_a_variable() -> None:
    with pytest.raises(AdexplainError, match="did you mean 'w'"):
        explain(SPEC_EXAMPLE, SPEC_POINT, wrt=["ww"])


def test_kink_is_a_warning_with_the_convention_and_marks_the_edge() -> None:
    result = explain("y - max(0,w*x+b)", {"y": 5, "w": 1, "x": 1, "b": -1})
    (warning,) = result.diagnostics
    assert warning.code == "nondifferentiable"
    assert result.graph.nodes[warning.node].op == "max"
    assert "1/2" in warning.message and "PyTorch" in warning.message
    marked = [e for e in result.edges if e.nondifferentiable]
    assert [(e.target, e.value) for e in marked] == [(warning.node, 0.5)]


def test_overflow_is_a_warning_and_inf() -> None:
    result = explain("exp(x)", {"x": 1000})
    assert result.output_value == math.inf
    assert [d.code for d in result.diagnostics] == ["overflow"]


def test_formatting_of_special_numbers() -> None:
    from autodiff_cli.numbers import format_number, json_number

    assert [format_number(v) for v in (math.nan, math.inf, -math.inf, -0.0, 2.0, 1e-7)] == [
        "nan",
        "inf",
        "-inf",
        "0",
        "2",
        "1e-7",
    ]
    assert format_number(1234567.0) == "1.23457e6"
    assert [json_number(v) for v in (math.nan, 2.0, 0.5, 2.0**60)] == ["nan", 2, 0.5, 2.0**60]


def test_input_index_finds_every_variable_of_a_wide_graph() -> None:
    names = [f"x{i}" for i in range(4000)]
    text = " + ".join(names)
    graph = build(parse(text), text, names)
    assert [graph.input_index(name) for name in names] == list(range(4000))
    assert graph.input_index("y") is None
    assert graph.input_index(graph.nodes[-1].id) is None  # a node's id is not a variable


def test_numbering_puts_inputs_first_and_each_operation_after() -> None:
    numbering = Numbering("x * 2 + y", ["y", "x"], "v")
    assert [(node.id, node.formula) for node in numbering.nodes] == [("v₋₁", "y"), ("v₀", "x")]
    assert numbering.input(1, Span(0, 1)) == 1
    product = numbering.operation(OPS["mul"], (1, Constant(2.0, "2")), Span(0, 5))
    assert numbering.input(0, Span(8, 9)) == 0
    total = numbering.operation(OPS["add"], (product, 0), Span(0, 9))
    assert [(node.id, node.formula) for node in numbering.nodes[2:]] == [
        ("v₁", "v₀ * 2"),
        ("v₂", "v₁ + v₋₁"),
    ]
    graph = numbering.finish(total, [])
    assert [graph.source_of(node) for node in graph.nodes] == ["y", "x", "x * 2", "x * 2 + y"]
    assert (graph.input_count, graph.output, graph.diagnostics) == (2, 3, ())


def test_an_input_keeps_the_span_of_its_first_use() -> None:
    numbering = Numbering("x + x", ["x"], "w")
    numbering.input(0, Span(0, 1))
    numbering.input(0, Span(4, 5))
    graph = numbering.finish(numbering.operation(OPS["add"], (0, 0), Span(0, 5)), [])
    assert graph.inputs[0].span == Span(0, 1)


def test_a_named_statement_names_its_node_and_spans_the_whole_statement() -> None:
    text = "a = x*x\na + x"
    graph = build(parse(text), text, ["x"])
    assert [(node.name, graph.source_of(node)) for node in graph.nodes] == [
        ("x", "x"),
        ("a", "a = x*x"),
        (None, "a + x"),
    ]


def test_the_graphs_warnings_come_in_order_overflow_unused_confusing() -> None:
    text = "a = v₀ * 2\nb = y + exp(1000)\nv₀ * b"
    graph = build(parse(text), text, ["v₀", "y"], "v")
    assert [(d.code, d.node) for d in graph.diagnostics] == [
        ("overflow", 3),
        ("unused-name", 2),
        ("confusing-name", 0),
    ]
    assert graph.diagnostics[0].message == (
        "v₂: the constant exp(1000) overflows a float, so it is inf"
    )
    assert graph.diagnostics[1].message == (
        "a (v₁) is computed but never used, so no path from Z reaches it"
    )


def test_variables_named_like_node_ids_get_ids_of_another_letter() -> None:
    # w1, w11, w21 as lecture notes name weights: "w11" would be the variable or node 11.
    text = "h1 = w11*x1 + w21*x2\nZ2 = w1 * h1"
    graph = build(parse(text), text, ["w1", "w11", "w21", "x1", "x2"])
    assert [node.id for node in graph.nodes[:3]] == ["u1", "u2", "u3"]
    assert not {node.id for node in graph.nodes} & {node.name for node in graph.nodes}
    assert not [d for d in graph.diagnostics if d.code == "confusing-name"]
    taken = build(parse("u1 * w1"), "u1 * w1", ["u1", "w1"])
    assert taken.id(0) == "n1"


def test_with_exact_a_folded_constant_stays_a_fraction_inside_its_node() -> None:
    text = "x * (1/3)"
    (_, node) = build(parse(text), text, ["x"], arithmetic=EXACT).nodes
    assert node.args == (0, Constant(Fraction(1, 3), "(1/3)"))  # as written, parentheses too
    assert node.formula == "w1 * (1/3)"
