"""Vectors and matrices (issue 17): values, element names, the vector operations and their
shape checks, published worked examples, and the oracle (SymPy, finite differences).

The graph stays scalar, so everything here is checked on the scalar graph the vector
operations are lowered to: its nodes and edges, and the same passes as ever.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence

import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from autodiff_cli import AdexplainError, explain
from autodiff_cli.explain import Explanation
from autodiff_cli.fold import Constant
from autodiff_cli.ops import OPS, Operand
from autodiff_cli.tensor import element_name, grouped, parse_element_name, split_array

from .helpers import run, strict_json
from .strategies import sympy_of

# --- Values and element names --------------------------------------------------------


def test_an_array_in_at_is_one_input_per_element_named_from_1() -> None:
    result = explain("sum(W) + sum(x)", {"W": "[[1, 2], [3, 4]]", "x": "[5, pi/2]"})
    names = [node.name for node in result.graph.inputs]
    assert names == ["W[1,1]", "W[1,2]", "W[2,1]", "W[2,2]", "x[1]", "x[2]"]
    assert result.point["W[2,1]"] == 3
    assert result.point["x[2]"] == pytest.approx(math.pi / 2)  # elements are constant expressions


def test_element_names_read_back() -> None:
    assert element_name("W", (0, 1)) == "W[1,2]"
    assert parse_element_name("W[1,2]") == ("W", (0, 1))
    assert parse_element_name("W") is None
    assert grouped(["x[1]", "x[2]", "W[1,1]", "W[1,2]", "y"]) == {"x": (2,), "W": (1, 2)}
    # Not a whole array in row-major order: not a vector (a name may merely look like one).
    assert grouped(["x[2]", "x[1]"]) == {}


def test_split_array_keeps_commas_inside_parentheses() -> None:
    assert split_array("[[pow(2,3), 1], [2, 3]]") == [["pow(2,3)", "1"], ["2", "3"]]


def test_at_option_reads_arrays_beside_scalars() -> None:
    data = strict_json(
        run("w @ x + b", "--at", "w=[1,2],x=[3,4]", "--at", "b=0.5", "--format", "json").stdout
    )
    assert data["at"] == {"w[1]": 1, "w[2]": 2, "x[1]": 3, "x[2]": 4, "b": 0.5}
    assert data["value"] == 11.5
    assert data["gradient"] == {"w[1]": 3, "w[2]": 4, "x[1]": 1, "x[2]": 2, "b": 1}


def test_wrt_a_matrix_is_every_element_and_wrt_an_element_is_one() -> None:
    at = "W=[[1,2],[3,4]],x=[1,1]"
    whole = strict_json(run("sum(W @ x)", "--at", at, "--wrt", "W", "--format", "json").stdout)
    assert list(whole["gradient"]) == ["W[1,1]", "W[1,2]", "W[2,1]", "W[2,2]"]
    one = strict_json(run("sum(W @ x)", "--at", at, "--wrt", "W[1,2],x", "--format", "json").stdout)
    assert one["gradient"] == {"W[1,2]": 1, "x[1]": 4, "x[2]": 6}


def test_toml_arrays_in_a_problem_file(tmp_path: pytest.TempPathFactory) -> None:
    problem = tmp_path / "layer.toml"  # type: ignore[operator]
    problem.write_text('expr = "sum(W @ x)"\nat = { W = [[1, 2], [3, 4]], x = [1, "1/2"] }\n')
    data = strict_json(run("--file", str(problem), "--format", "json").stdout)
    assert data["value"] == 1 + 1 + 3 + 2
    assert data["gradient"]["x[2]"] == 6


def test_a_vector_name_cannot_be_an_intermediate_too() -> None:
    with pytest.raises(AdexplainError) as caught:
        explain("x = 2; x + y", {"x": "[1, 2]", "y": 1})
    assert caught.value.code == "redefined"


# --- Operations and the scalar graph they make --------------------------------------


def _ops(result: Explanation) -> list[str]:
    return [node.op or "" for node in result.graph.nodes if node.kind == "op"]


def test_a_sum_of_n_terms_is_one_node_with_n_edges_of_partial_1() -> None:
    result = explain("sum(x)", {"x": "[1, 2, 3, 4, 5, 6, 7, 8]"})
    assert _ops(result) == ["sum"]
    assert [(edge.source, edge.value) for edge in result.edges] == [(i, 1) for i in range(8)]
    assert result.graph.nodes[-1].formula == "w1 + w2 + w3 + w4 + w5 + w6 + w7 + w8"
    # Every path from Z to an element is one edge long.
    assert all(len(chain.paths[0].nodes) == 2 for chain in result.chains)


def test_a_layer_is_products_then_one_sum_per_row() -> None:
    result = explain(
        "h = tanh(W @ x + b); sum(h)", {"W": "[[1,2,3],[4,5,6]]", "x": "[1,0,-1]", "b": "[0, 1]"}
    )
    ops = _ops(result)
    row = ["mul", "mul", "mul", "sum"]
    assert ops == [*row, *row, "add", "add", "tanh", "tanh", "sum"]
    names = [node.name for node in result.graph.nodes if node.op == "tanh"]
    assert names == ["h[1]", "h[2]"]  # a named statement names its elements
    # Paths from Z to a weight: Z → tanh → add → sum → mul → W[i,j], five nodes.
    chain = next(chain for chain in result.chains if chain.variable == "W[2,3]")
    assert [len(path.nodes) for path in chain.paths] == [6]


@pytest.mark.parametrize(
    ("expression", "at", "value"),
    [
        ("x @ y", {"x": "[1, 2]", "y": "[3, 4]"}, 11),  # vector · vector
        ("sum(W @ x)", {"W": "[[1, 2], [3, 4]]", "x": "[1, 1]"}, 10),  # matrix · vector
        ("sum(x @ W)", {"W": "[[1, 2], [3, 4]]", "x": "[1, 1]"}, 10),  # vector · matrix
        ("(A @ B)[2, 1]", {"A": "[[1, 2], [3, 4]]", "B": "[[5, 6], [7, 8]]"}, 3 * 5 + 4 * 7),
        ("dot(x, y)", {"x": "[1, 2, 3]", "y": "[4, 5, 6]"}, 32),
        ("mean(x)", {"x": "[1, 2, 3, 6]"}, 3),
        ("logsumexp(x)", {"x": "[0, 0]"}, math.log(2)),
        ("softmax(x)[1]", {"x": "[0, 0, 0, 0]"}, 0.25),
        ("W[2][1]", {"W": "[[1, 2], [3, 4]]"}, 3),  # a row, then its element
        ("sum(transpose(W)[1])", {"W": "[[1, 2], [3, 4]]"}, 4),
        ("sum(W * x)", {"W": "[[1, 2], [3, 4]]", "x": "[10, 100]"}, 10 + 200 + 30 + 400),  # rows
        ("sum(max(0, x))", {"x": "[-1, 2, -3, 4]"}, 6),  # a scalar function elementwise
        ("dot(x, [1, 2, 3])", {"x": "[1, 1, 1]"}, 6),  # an array written in the expression
        ("sum([x, 2*x])", {"x": 3}, 9),
        ("cross_entropy(s, 2)", {"s": "[0, 0]"}, math.log(2)),
    ],
)
def test_vector_operations(expression: str, at: Mapping[str, object], value: float) -> None:
    result = explain(expression, at)  # type: ignore[arg-type]
    assert result.output_value == pytest.approx(value)


@pytest.mark.parametrize(
    ("expression", "at", "fragment", "under"),
    [
        ("sum(x + y)", "x=[1,2],y=[1,2,3]", "a vector of 2 (2,) and a vector of 3 (3,)", "x + y"),
        ("sum(W @ x)", "W=[[1,2],[3,4]],x=[1,2,3]", "a 2×2 matrix (2, 2) and a vector", "W @ x"),
        ("dot(x, y)", "x=[1,2],y=[1,2,3]", "a vector of 2 (2,) and a vector of 3", "dot(x, y)"),
        ("x @ y", "x=1,y=[1,2]", "has a scalar () and a vector of 2 (2,)", "x @ y"),
        ("softmax(W)[1,1]", "W=[[1,2],[3,4]]", "a 2×2 matrix (2, 2)", "softmax(W)"),
        ("x[1, 1]", "x=[1,2]", "at most 1 index", "x[1, 1]"),
        ("sum([x, y])", "x=[1,2],y=3", "must have one shape", "[x, y]"),
    ],
)
def test_a_shape_mismatch_names_both_shapes_with_a_caret(
    expression: str, at: str, fragment: str, under: str
) -> None:
    result = run(expression, "--at", at)
    assert result.exit_code == 2
    first, *rest = result.stderr.splitlines()
    assert first.startswith("adexplain: error[shape]: "), first
    assert fragment in first
    caret = " " * (4 + expression.index(under)) + "^" * len(under)
    assert rest[-1] == caret, result.stderr


def test_constant_elements_fold_and_keep_their_values() -> None:
    result = explain("dot(x, [1, 2] * 3)", {"x": "[1, 1]"})
    formulas = [node.formula for node in result.graph.nodes if node.kind == "op"]
    assert formulas == ["w1 * 3", "w2 * 6", "w3 + w4"]


# --- Published examples ----------------------------------------------------------------


def test_d2l_gradient_of_2_xT_x() -> None:
    """Dive into Deep Learning, §2.5.1 "A Simple Function": y = 2·xᵀx at x = [0, 1, 2, 3]
    has x.grad = [0, 4, 8, 12] (= 4x)."""
    result = explain("y = 2 * (x @ x)", {"x": "[0, 1, 2, 3]"})
    assert result.output_value == 28
    assert list(result.gradient.values()) == [0, 4, 8, 12]
    same = explain("2 * dot(x, x)", {"x": "[0, 1, 2, 3]"})
    assert list(same.gradient.values()) == [0, 4, 8, 12]


def test_pytorch_blitz_mean_of_3_x_plus_2_squared() -> None:
    """PyTorch "Deep Learning with PyTorch: A 60 Minute Blitz", Autograd: x = ones(2, 2),
    y = x + 2, z = y * y * 3, out = z.mean() is 27, and every element of x.grad is 4.5."""
    result = explain("y = x + 2; z = y * y * 3; out = mean(z)", {"x": "[[1, 1], [1, 1]]"})
    assert result.output_value == 27
    assert dict(result.gradient) == {"x[1,1]": 4.5, "x[1,2]": 4.5, "x[2,1]": 4.5, "x[2,2]": 4.5}
    written_once = explain("mean(3*(x+2)^2)", {"x": "[[1, 1], [1, 1]]"})
    assert list(written_once.gradient.values()) == [4.5] * 4


@pytest.mark.parametrize("loss", ["-log(softmax(s)[3])", "cross_entropy(s, 3)"])
def test_cs231n_softmax_loss(loss: str) -> None:
    """CS231n, "Linear classification", the softmax classifier: scores [-2.85, 0.86, 0.28]
    with the third class correct give the cross-entropy loss 1.04 (1.04019 to six figures)."""
    result = explain(loss, {"s": "[-2.85, 0.86, 0.28]"})
    assert round(result.output_value, 5) == 1.04019
    # Its gradient is softmax(s) minus the one-hot label (CS231n, assignment 1's softmax).
    exps = [math.exp(v) for v in (-2.85, 0.86, 0.28)]
    expected = [e / sum(exps) - (i == 2) for i, e in enumerate(exps)]
    assert list(result.gradient.values()) == pytest.approx(expected, rel=1e-12)


def test_pytorch_autograd_tutorial_q_equals_3a3_minus_b2() -> None:
    """PyTorch "A Gentle Introduction to torch.autograd": a = [2, 3], b = [6, 4],
    Q = 3a³ - b², Q.backward(gradient=ones) gives a.grad = 9a² = [36, 81] and
    b.grad = -2b = [-12, -8]. Backward with ones is the gradient of sum(Q)."""
    result = explain("Q = 3*a^3 - b^2; sum(Q)", {"a": "[2, 3]", "b": "[6, 4]"})
    assert dict(result.gradient) == {"a[1]": 36, "a[2]": 81, "b[1]": -12, "b[2]": -8}


def test_cs231n_sigmoid_neuron() -> None:
    """CS231n, "Backpropagation, Intuitions", a 2-D neuron: w = [2, -3, -3], x = [-1, -2],
    f = σ(w0·x0 + w1·x1 + w2); ddot = (1 - f)·f, dx = [w0·ddot, w1·ddot] = [0.391, -0.590],
    dw = [x0·ddot, x1·ddot, ddot] = [-0.197, -0.393, 0.197]."""
    result = explain("sigmoid(dot(w, x) + b)", {"w": "[2, -3]", "b": -3, "x": "[-1, -2]"})
    gradient = result.gradient
    rounded = {name: round(value, 3) for name, value in gradient.items()}
    assert rounded == {"w[1]": -0.197, "w[2]": -0.393, "b": 0.197, "x[1]": 0.393, "x[2]": -0.59}


# --- The oracle: SymPy on the lowered graph, finite differences -------------------------

NETWORKS = [
    (
        "h = tanh(W @ x + b); y = v @ h + c; (y - t)^2",
        {"W": (3, 2), "x": (2,), "b": (3,), "v": (3,), "c": (), "t": ()},
    ),
    ("h = sigmoid(W @ x); s = V @ h; cross_entropy(s, 2)", {"W": (3, 2), "x": (2,), "V": (3, 3)}),
    ("p = softmax(W @ x); -log(p[1]) + mean(W^2)", {"W": (2, 3), "x": (3,)}),
    ("h = relu(W @ x + b); mean((h - t)^2)", {"W": (2, 2), "x": (2,), "b": (2,), "t": (2,)}),
    ("logsumexp(x * y) - dot(x, y) / 3", {"x": (4,), "y": (4,)}),
]


def _point(shapes: Mapping[str, tuple[int, ...]], rng: random.Random) -> dict[str, object]:
    def values(shape: tuple[int, ...]) -> object:
        if not shape:
            return round(rng.uniform(-1, 1), 3)
        return [values(shape[1:]) for _ in range(shape[0])]

    return {name: values(shape) for name, shape in shapes.items()}


def _sympy_graph(result: Explanation) -> tuple[list[sympy.Expr], dict[str, sympy.Symbol]]:
    """Every node as SymPy builds it from the ops' own SymPy definitions (at any arity)."""
    symbols = {
        node.name or "": sympy.Symbol(f"in{node.index}", real=True) for node in result.graph.inputs
    }
    built: list[sympy.Expr] = []
    for node in result.graph.nodes:
        if node.kind == "input":
            built.append(symbols[node.name or ""])
            continue
        args = [
            sympy.Float(arg.value, 30) if isinstance(arg, Constant) else built[arg]
            for arg in node.args
        ]
        built.append(sympy_of(OPS[node.op or ""], args))
    return built, symbols


@pytest.mark.parametrize(("program", "shapes"), NETWORKS, ids=[n[0][:30] for n in NETWORKS])
def test_networks_agree_with_sympy_and_finite_differences(
    program: str, shapes: Mapping[str, tuple[int, ...]]
) -> None:
    point = _point(shapes, random.Random(program))
    result = explain(program, point)  # type: ignore[arg-type]
    built, symbols = _sympy_graph(result)
    output = built[result.graph.output]
    at = {symbols[name]: value for name, value in result.point.items()}
    assert float(output.evalf(30, subs=at)) == pytest.approx(result.output_value, rel=1e-12)
    for name, ours in result.gradient.items():
        truth = float(sympy.diff(output, symbols[name]).evalf(30, subs=at))
        assert ours == pytest.approx(truth, rel=1e-9, abs=1e-12), name
        assert ours == pytest.approx(_finite_difference(program, result.point, name), abs=1e-6)


def _finite_difference(program: str, point: Mapping[str, float], name: str) -> float:
    step = 1e-6

    def at(shift: float) -> float:
        moved = {key: value + (shift if key == name else 0) for key, value in point.items()}
        return float(_scalar_program(program, moved))

    return (at(step) - at(-step)) / (2 * step)


def _scalar_program(program: str, point: Mapping[str, float]) -> float:
    """The program at a point given element by element (``x[1]``, ``x[2]``…), which the
    API accepts as --at would make it."""
    return float(explain(program, point).output_value)


sizes = st.integers(1, 5)
numbers = st.integers(-5, 5)


@given(st.data(), sizes, sizes)
def test_a_linear_layers_gradient_is_the_outer_product(data: st.DataObject, m: int, n: int) -> None:
    """For L = u · (W x): ∂L/∂W = u xᵀ, ∂L/∂x = Wᵀ u, ∂L/∂u = W x (exact in integers)."""
    w = data.draw(st.lists(st.lists(numbers, min_size=n, max_size=n), min_size=m, max_size=m))
    x = data.draw(st.lists(numbers, min_size=n, max_size=n))
    u = data.draw(st.lists(numbers, min_size=m, max_size=m))
    result = explain("u @ (W @ x)", {"W": w, "x": x, "u": u})  # type: ignore[dict-item]
    gradient = result.gradient
    for i in range(m):
        assert gradient[f"u[{i + 1}]"] == sum(w[i][k] * x[k] for k in range(n))
        for j in range(n):
            assert gradient[f"W[{i + 1},{j + 1}]"] == u[i] * x[j]
    for j in range(n):
        assert gradient[f"x[{j + 1}]"] == sum(w[i][j] * u[i] for i in range(m))
    # One sum node per row with n edges, one for the output with m (a sum of one is no node).
    sums = [node for node in result.graph.nodes if node.op == "sum"]
    assert len(sums) == (m if n > 1 else 0) + (1 if m > 1 else 0)


@given(st.lists(st.floats(-20, 20), min_size=1, max_size=8), st.data())
def test_cross_entropys_gradient_is_softmax_minus_one_hot(
    scores: Sequence[float], data: st.DataObject
) -> None:
    label = data.draw(st.integers(1, len(scores)))
    result = explain(f"cross_entropy(s, {label})", {"s": list(scores)})
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    expected = [e / sum(exps) - (i + 1 == label) for i, e in enumerate(exps)]
    assert list(result.gradient.values()) == pytest.approx(expected, abs=1e-12)
    assert result.output_value == pytest.approx(top + math.log(sum(exps)) - scores[label - 1])


# --- The benchmark's networks ------------------------------------------------------------


def _bench() -> object:
    import importlib.util

    from .helpers import REPO

    spec = importlib.util.spec_from_file_location("bench_run", REPO / "bench" / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_vector_network_is_the_scalar_network_with_short_paths() -> None:
    """bench/run.py's vector network (issue 17) and the same network written with scalars
    (issue 16) have the same loss and gradient; the vector one has 9-edge paths and the
    node count the benchmark reports."""
    bench: object = _bench()
    vector = bench.vector_network(6)  # type: ignore[attr-defined]
    scalar_case = bench.network(6, 6)  # type: ignore[attr-defined]
    point = {name: round(value, 3) for name, value in scalar_case.point.items()}
    scalar = explain(scalar_case.text, point, scalar_case.wrt)
    result = explain(vector.text, vector.point, vector.wrt)
    assert len(result.graph.nodes) == vector.nodes
    assert result.output_value == pytest.approx(scalar.output_value, rel=1e-12)
    for name, value in scalar.gradient.items():
        # The scalar network's W2_5, b3, c are the vector network's W[3,6], b[4], c.
        if name[0] == "W":
            row, column = (int(i) + 1 for i in name[1:].split("_"))
            element = f"W[{row},{column}]"
        else:
            element = name if name == "c" else f"{name[0]}[{int(name[1:]) + 1}]"
        assert result.gradient[element] == pytest.approx(value, rel=1e-9), name
    assert {
        len(chain.paths[0].nodes) - 1 for chain in result.chains if chain.variable[0] == "W"
    } == {9}


def test_the_vector_sample_agrees_with_sympy() -> None:
    """samples/two_layer_network.toml, whose golden files every format has."""
    from autodiff_cli.problem import explain_problem

    from .helpers import REPO

    _, result = explain_problem(REPO / "samples" / "two_layer_network.toml")
    built, symbols = _sympy_graph(result)
    output = built[result.graph.output]
    at = {symbols[name]: value for name, value in result.point.items()}
    assert float(output.evalf(30, subs=at)) == pytest.approx(result.output_value, rel=1e-12)
    assert list(result.gradient) == [f"{m}[{i},{j}]" for m in "WV" for i in (1, 2) for j in (1, 2)]
    for name, ours in result.gradient.items():
        truth = float(sympy.diff(output, symbols[name]).evalf(30, subs=at))
        assert ours == pytest.approx(truth, rel=1e-9, abs=1e-12), name


def test_element_names_work_in_expect_and_seed() -> None:
    at = "W=[[1,2],[3,4]],x=[1,1]"
    assert run("sum(W @ x)", "--at", at, "--expect", "W[1,2]=1,x[2]=6").exit_code == 0
    wrong = run("sum(W @ x)", "--at", at, "--expect", "W[1,2]=2")
    assert wrong.exit_code == 1
    assert "expected ∂Z/∂W[1,2] = 2, but it is 1" in wrong.stderr
    data = strict_json(
        run("y = 2*x", "--at", "x=[1,2]", "--seed", "y[2]=1", "--format", "json").stdout
    )
    assert data["product"]["values"] == {"x[1]": 0, "x[2]": 2}


VARIADIC = [op for op in OPS.values() if op.variadic is not None]


@pytest.mark.parametrize("op", VARIADIC, ids=lambda op: op.name)
@given(st.lists(st.floats(-5, 5), min_size=2, max_size=7))
def test_a_variadic_op_at_any_arity_agrees_with_sympy_and_finite_differences(
    op: object, args: list[float]
) -> None:
    from autodiff_cli.ops import Op

    assert isinstance(op, Op)
    value = op.evaluate(args)
    symbols = sympy.symbols(f"a0:{len(args)}", real=True)
    names = {f"a{i}": symbol for i, symbol in enumerate(symbols)}
    definition = sympy.sympify(op.sympy_text(len(args)).format(*names), locals=names)
    at = dict(zip(symbols, args, strict=True))
    assert value == pytest.approx(float(definition.evalf(30, subs=at)), rel=1e-12, abs=1e-12)
    for position in range(len(args)):
        partial = op.partial(position).evaluate(args, value)
        truth = float(sympy.diff(definition, symbols[position]).evalf(30, subs=at))
        assert partial == pytest.approx(truth, rel=1e-9, abs=1e-12), (op.name, position)
        step = 1e-6
        moved = [
            [a + (d if i == position else 0) for i, a in enumerate(args)] for d in (step, -step)
        ]
        difference = (op.evaluate(moved[0]) - op.evaluate(moved[1])) / (2 * step)
        assert partial == pytest.approx(difference, abs=1e-6), (op.name, position)
    # A node of n operands is written with all of them (``w1 + w2 + w3``, ``mean(w1, …)``).
    written = op.formula([Operand(f"w{i + 1}") for i in range(len(args))])
    assert all(f"w{i + 1}" in written for i in range(len(args))), written
    assert VARIADIC


def test_lists_and_numpy_arrays_are_values_from_python() -> None:
    assert dict(explain("sum(x*x)", {"x": [1, 2]}).gradient) == {"x[1]": 2, "x[2]": 4}
    numpy = pytest.importorskip("numpy")
    result = explain("sum(W @ x)", {"W": numpy.array([[1.0, 2], [3, 4]]), "x": numpy.ones(2)})
    assert dict(result.gradient) == {
        "W[1,1]": 1,
        "W[1,2]": 1,
        "W[2,1]": 1,
        "W[2,2]": 1,
        "x[1]": 4,
        "x[2]": 6,
    }


def test_the_gradient_line_writes_a_matrix_as_one() -> None:
    at = "W=[[1,2],[3,4]],x=[1,1]"
    whole = run("sum(W @ x)", "--at", at, "--wrt", "W", "--format", "plain").stdout
    assert whole.splitlines()[-1] == "Gradient: ∂Z/∂W = [[1, 1], [1, 1]]"
    one = run("sum(W @ x)", "--at", at, "--wrt", "W[2,1],x", "--format", "plain").stdout
    assert one.splitlines()[-1] == "Gradient: ∂Z/∂W[2,1] = 1, ∂Z/∂x = [4, 6]"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[1] [2]", "unexpected '['"),
        ("[1, 2]]", "unexpected ']'"),
        ("[1],2", "unexpected ','"),
        ("[1, 2] 3", "unexpected text after the array"),
    ],
)
def test_a_malformed_array_is_one_clear_error(text: str, message: str) -> None:
    # Through the API, as a TOML string would come: --at splits its own commas first.
    with pytest.raises(AdexplainError) as caught:
        explain("sum(x)", {"x": text})
    assert caught.value.code == "bad-at"
    assert message in caught.value.message


@pytest.mark.parametrize(
    ("expression", "at", "fragment"),
    [
        ("cross_entropy(W, 1)", "W=[[1,2],[3,4]]", "needs a vector of scores"),
        ("sum([W, W])", "W=[[1,2],[3,4]]", "an array holds scalars or vectors"),
    ],
)
def test_more_shape_errors(expression: str, at: str, fragment: str) -> None:
    result = run(expression, "--at", at)
    assert result.exit_code == 2
    assert fragment in result.stderr


def test_transpose_of_a_vector_is_the_vector() -> None:
    assert explain("sum(transpose(x) * x)", {"x": [1, 2]}).output_value == 5


def test_a_picture_names_a_whole_matrix_once() -> None:
    from autodiff_cli.tensor import collapsed

    assert collapsed(["W[1,1]", "W[1,2]", "b", "x[2]"]) == ["W", "b", "x[2]"]
    picture = run("sum(W @ x)", "--at", "W=[[1,2]],x=[1,1]", "--wrt", "W", "--format", "dot")
    assert "paths to W highlighted" in picture.stdout


def test_a_vector_named_like_a_node_moves_the_node_letter() -> None:
    out = run("sum(w2 * x)", "--at", "w2=[1,2],x=[3,4]", "--format", "plain").stdout
    assert (
        out.splitlines()[1]
        == "Nodes:      u1…u7, not w1…, since your names w2 would read as node ids"
    )
