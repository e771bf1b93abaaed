"""The blocks view (issue 17): statements as layers, their values and adjoints as vectors and
matrices, and each layer's local rule in matrix form.

The rules are checked two ways: against the forms a course writes (CS231n, d2l: for
h = tanh(W x + b), δ = h̄ ⊙ (1 − h²), W̄ = δ xᵀ, x̄ = Wᵀ δ, b̄ = δ), and by evaluating
them on the block's own numbers, which must give the adjoints the scalar sweep found.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autodiff_cli import explain
from autodiff_cli.blocks import Block, blocks
from autodiff_cli.render.blocks_view import array_lines

from .helpers import run, strict_json

LAYER = "h = tanh(W @ x + b); s = V @ h; loss = cross_entropy(s, 2)"
POINT = {"W": "[[0.5, -1], [1, 2]]", "x": "[1, 2]", "b": "[0, -1]", "V": "[[1, -1], [0.5, 2]]"}


def _by_name(found: Sequence[Block]) -> dict[str, Block]:
    return {block.name: block for block in found}


def _same(rules: Sequence[str]) -> tuple[str, ...]:
    """Rules with their bars as combining marks: ȳ typed here may be the one precomposed
    letter, where the tool writes y and a combining macron."""
    return tuple(unicodedata.normalize("NFD", rule) for rule in rules)


def test_a_tanh_layers_rule_is_the_textbook_one() -> None:
    found = _by_name(blocks(explain(LAYER, POINT)))
    rules = {name: _same(block.rules) for name, block in found.items()}
    assert rules["h"] == _same(["δ = h̄ ⊙ (1 - h^2)", "b̄ = δ", "W̄ = δ xᵀ", "x̄ = Wᵀ δ"])
    assert rules["s"] == _same(["V̄ = s̄ hᵀ", "h̄ = Vᵀ s̄"])
    assert rules["loss"] == _same(["s̄ = loss̄ · (softmax(s) - onehot(2))"])


def test_a_numbered_weights_bar_is_over_its_letter_not_its_digit() -> None:
    """W̄1 as a textbook's W̄₁, not W1̄ (a bar over the digit)."""
    program = "h = tanh(W1 @ x + b1); loss = sum(h)"
    point = {"W1": "[[1, 2], [3, 4]]", "x": "[1, -1]", "b1": "[0, 1]"}
    rules = _same(_by_name(blocks(explain(program, point)))["h"].rules)
    assert rules == _same(["δ = h̄ ⊙ (1 - h^2)", "b̄1 = δ", "W̄1 = δ xᵀ", "x̄ = W1ᵀ δ"])


def test_an_unnamed_vector_output_is_one_block_named_as_a_whole() -> None:
    """Its labels are its first element's (∂Z[1]/∂x), but the block is the whole vector:
    Z and Z̄, never Z[1]̄ (which reads as the bar of one element)."""
    found = blocks(explain("tanh(W @ x)", {"W": "[[1, 2], [3, 4]]", "x": "[1, -1]"}))
    output = found[0]
    assert output.name == "Z"
    assert _same(output.rules)[0] == _same(["δ = Z̄ ⊙ (1 - Z^2)"])[0]
    assert not any("[" in rule for block in found for rule in block.rules)


@pytest.mark.parametrize(
    ("program", "at", "name", "rules"),
    [
        (
            "y = sum(v); loss = (y - t)^2",
            {"v": "[1, 2]", "t": 3},
            "loss",
            ("δ = loss̄ · (2 * (y - t))", "ȳ = δ", "t̄ = -δ"),
        ),
        ("h = sigmoid(W @ x); sum(h)", {"W": "[[1]]", "x": "[1]"}, "h", None),
        (
            "y = x @ W; sum(y)",
            {"W": "[[1, 2], [3, 4]]", "x": "[1, 1]"},
            "y",
            ("x̄ = W ȳ", "W̄ = x ȳᵀ"),
        ),
        (
            "y = w @ x + c; y",
            {"w": "[1, 2]", "x": "[3, 4]", "c": 1},
            "y",
            ("c̄ = ȳ", "w̄ = ȳ · x", "x̄ = ȳ · w"),
        ),
        ("h = relu(W @ x + c); sum(h)", {"W": "[[1, 2]]", "x": "[1, 2]", "c": 1}, "h", None),
        ("m = mean(x); m", {"x": "[1, 2, 3]"}, "m", ("x̄ = m̄ / 3 · ones(3)",)),
        ("y = 2 * (x @ x)", {"x": "[1, 2]"}, "y", ("δ = ȳ · 2", "x̄ += δ · x", "x̄ += δ · x")),
    ],
)
def test_rules_in_matrix_form(
    program: str, at: dict[str, object], name: str, rules: tuple[str, ...] | None
) -> None:
    block = _by_name(blocks(explain(program, at)))[name]  # type: ignore[arg-type]
    if rules is not None:
        assert _same(block.rules) == _same(rules)
    else:  # a one-row layer: the rule's first line is the activation's own derivative
        derivative = {
            "sigmoid": "δ = h̄ ⊙ (h * (1 - h))",
            "relu": "δ = h̄ ⊙ (1 if (W @ x + c) > 0, 0 if (W @ x + c) < 0, "
            "0 if (W @ x + c) = 0 by convention)",
        }
        (activation,) = [name for name in derivative if f"{name}(" in program]
        assert _same(block.rules[:1]) == _same([derivative[activation]])
        assert "W̄ = δ xᵀ" in block.rules


def _matrix(block: Block, which: str) -> list[list[float]]:
    flat = [float(v) for v in (block.values if which == "value" else block.adjoints)]
    rows, columns = block.shape if len(block.shape) == 2 else (len(flat), 1)
    return [flat[r * columns : (r + 1) * columns] for r in range(rows)]


def _vector(block: Block, which: str) -> list[float]:
    return [float(v) for v in (block.values if which == "value" else block.adjoints)]


@given(st.integers(1, 4), st.integers(1, 4), st.data())
def test_the_rules_evaluated_on_the_blocks_give_the_scalar_sweeps_adjoints(
    m: int, n: int, data: st.DataObject
) -> None:
    values = st.integers(-3, 3).map(lambda k: k / 2)
    w = data.draw(st.lists(st.lists(values, min_size=n, max_size=n), min_size=m, max_size=m))
    x = data.draw(st.lists(values, min_size=n, max_size=n))
    b = data.draw(st.lists(values, min_size=m, max_size=m))
    v = data.draw(st.lists(values, min_size=m, max_size=m))
    result = explain(
        "h = tanh(W @ x + b); y = v @ h; loss = (y - 1)^2", {"W": w, "x": x, "b": b, "v": v}
    )  # type: ignore[dict-item]
    found = _by_name(blocks(result))
    h, h_bar = _vector(found["h"], "value"), _vector(found["h"], "adjoint")
    delta = [g * (1 - value**2) for g, value in zip(h_bar, h, strict=True)]
    close = lambda a, b: math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)  # noqa: E731
    # W̄ = δ xᵀ, b̄ = δ, x̄ = Wᵀ δ, as the rule says.
    w_bar = _matrix(found["W"], "adjoint")
    assert all(close(w_bar[i][j], delta[i] * x[j]) for i in range(m) for j in range(n))
    assert all(
        close(got, want) for got, want in zip(_vector(found["b"], "adjoint"), delta, strict=True)
    )
    x_bar = _vector(found["x"], "adjoint")
    assert all(close(x_bar[j], sum(w[i][j] * delta[i] for i in range(m))) for j in range(n))
    # ... and the block's numbers are the adjoint table's, regrouped.
    names = {node.name: node.index for node in result.graph.nodes if node.name}
    assert all(
        close(w_bar[i][j], result.adjoints[names[f"W[{i + 1},{j + 1}]"]])
        for i in range(m)
        for j in range(n)
    )
    # h̄ = ȳ v, with ȳ = 2 (y - 1).
    y = float(found["y"].values[0])
    assert all(close(got, 2 * (y - 1) * vi) for got, vi in zip(h_bar, v, strict=True))


def test_cross_entropys_block_rule_matches_its_numbers() -> None:
    found = _by_name(blocks(explain(LAYER, POINT)))
    s = _vector(found["s"], "value")
    exps = [math.exp(value) for value in s]
    softmax = [e / sum(exps) for e in exps]
    expected = [p - (i == 1) for i, p in enumerate(softmax)]
    assert _vector(found["s"], "adjoint") == pytest.approx(expected, rel=1e-12)
    # V̄ = s̄ hᵀ
    h, s_bar = _vector(found["h"], "value"), _vector(found["s"], "adjoint")
    v_bar = _matrix(found["V"], "adjoint")
    assert v_bar == [
        [pytest.approx(s_bar[i] * h[j], rel=1e-12) for j in range(2)] for i in range(2)
    ]


def test_a_matrix_is_printed_row_by_row_and_a_large_one_by_its_corners() -> None:
    assert array_lines((1, 2, 3, 40), (2, 2), 6) == ["[[1,  2],", " [3, 40]]"]
    assert array_lines((1, 2), (2,), 6) == ["[1, 2]"]
    lines = array_lines(tuple(range(100)), (10, 10), 6)
    assert lines[0] == "[[ 0,  1,  2,  3, …,  6,  7,  8,  9],"
    assert lines[4] == " [ ⋮,  ⋮,  ⋮,  ⋮, ⋱,  ⋮,  ⋮,  ⋮,  ⋮],"
    assert lines[-1] == " [90, 91, 92, 93, …, 96, 97, 98, 99]]"


def test_blocks_in_json_hold_matrices_as_rows() -> None:
    data = strict_json(run("--file", "samples/two_layer_network.toml", "--format", "json").stdout)
    by_name = {block["name"]: block for block in data["blocks"]}
    assert by_name["W"]["shape"] == [2, 2]
    assert by_name["W"]["value"] == [[0.5, -1], [1, 2]]
    assert by_name["W"]["adjoint"][0][1] == data["gradient"]["W[1,2]"]
    assert by_name["h"]["rules"][0] == "δ = h̄ ⊙ (1 - h^2)"
    assert by_name["loss"]["nodes"] == data["output"]


def test_a_program_without_vectors_has_no_blocks() -> None:
    result = explain("a = x*x; a + a", {"x": 3})
    assert blocks(result) == ()
    assert "blocks" not in strict_json(
        run("a = x*x; a + a", "--at", "x=3", "--format", "json").stdout
    )
    assert "Backprop by blocks" not in run("a = x*x; a + a", "--at", "x=3", "--show", "all").stdout


def test_the_block_view_of_a_64_wide_layer_stays_readable() -> None:
    width = 64
    matrix = "[" + ",".join("[" + ",".join(["0.1"] * width) + "]" for _ in range(width)) + "]"
    vector = "[" + ",".join(["0.5"] * width) + "]"
    out = run(
        "h = tanh(W @ x + b); loss = sum(h)",
        "--at",
        f"W={matrix},x={vector},b={vector}",
        "--show",
        "blocks",
        "--wrt",
        "b",
        "--format",
        "plain",
    ).stdout
    section = out[out.index("Backprop by blocks") : out.index("Gradient:")]
    assert max(len(line) for line in section.splitlines()) < 160
    assert _same(["W̄ = δ xᵀ"])[0] in unicodedata.normalize("NFD", section)


@pytest.mark.parametrize(
    ("program", "at", "rule"),
    [
        ("z = logsumexp(s); z", {"s": "[1, 2]"}, "s̄ = z̄ · softmax(s)"),
        ("p = softmax(s); p[1]", {"s": "[1, 2]"}, "s̄ = p ⊙ (p̄ - dot(p̄, p))"),
        (
            "y = sum(transpose(W) @ x); y",
            {"W": "[[1, 2], [3, 4]]", "x": "[1, 1]"},
            "W̄ = δ₂ᵀ",
        ),
        ("y = x[2]; y", {"x": "[1, 2]"}, "x̄ = ȳ · onehot(2)"),
        ("y = sum([a * x[1], b]); y", {"a": 1, "b": 2, "x": "[1]"}, "b̄ = δ₁[2]"),
    ],
)
def test_each_vector_operation_has_its_rule(program: str, at: dict[str, object], rule: str) -> None:
    found = blocks(explain(program, at))  # type: ignore[arg-type]
    rules = [r for block in found for r in block.rules]
    assert unicodedata.normalize("NFD", rule) in [unicodedata.normalize("NFD", r) for r in rules], (
        rules
    )


def test_a_program_that_makes_its_own_vector_from_scalar_inputs_has_blocks() -> None:
    """Blocks were kept only when an input was a vector: ``[a, b]`` written in the program
    is a vector too, and its statement a block of its shape."""
    found = _by_name(blocks(explain("h = tanh([a, b] * 2); sum(h)", {"a": 1, "b": 2})))
    assert found["h"].shape == (2,)
    # h = tanh(2v) with v = [a, b]: δ = ∂loss/∂v = h̄ ⊙ (1 - h²) ⊙ 2, and ā, b̄ its elements.
    assert _same(found["h"].rules) == _same(["δ = (h̄ ⊙ (1 - h^2)) ⊙ 2", "ā = δ[1]", "b̄ = δ[2]"])
