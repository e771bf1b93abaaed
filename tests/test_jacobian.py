"""Several outputs (issue 17): the Jacobian by forward sweeps (one per input, column by
column) and by reverse sweeps (one per output, row by row), their counts, and the one
sweep a --seed asks for (J v forward, uᵀ J reverse)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autodiff_cli import AdexplainError, explain

from .helpers import run, strict_json

numbers = st.integers(-4, 4)


@given(st.integers(1, 4), st.integers(1, 4), st.data())
def test_the_jacobian_of_a_linear_map_is_its_matrix_both_ways(
    m: int, n: int, data: st.DataObject
) -> None:
    w = data.draw(st.lists(st.lists(numbers, min_size=n, max_size=n), min_size=m, max_size=m))
    x = data.draw(st.lists(numbers, min_size=n, max_size=n))
    result = explain("y = W @ x", {"W": w, "x": x}, wrt=["x"], jacobian=True)  # type: ignore[dict-item]
    jac = result.jacobian
    assert jac is not None
    assert (jac.forward_sweeps, jac.reverse_sweeps) == (n, m)
    assert [list(row) for row in jac.rows] == [[float(v) for v in row] for row in w]
    assert [list(column) for column in jac.columns] == [
        [float(w[i][j]) for i in range(m)] for j in range(n)
    ]
    assert jac.agree


def test_a_loss_has_one_row_one_reverse_sweep_and_a_forward_sweep_per_weight() -> None:
    result = explain(
        "sum(tanh(W @ x))", {"W": "[[1, 2], [3, 4]]", "x": "[0.1, 0.2]"}, jacobian=True
    )
    jac = result.jacobian
    assert jac is not None
    assert (jac.reverse_sweeps, jac.forward_sweeps) == (1, 6)
    assert jac.rows[0] == pytest.approx(tuple(result.gradient.values()), rel=1e-12)


def test_softmaxs_jacobian_is_diag_p_minus_p_pT() -> None:
    """The softmax Jacobian, ∂pᵢ/∂sⱼ = pᵢ(δᵢⱼ − pⱼ): the identity every softmax layer uses."""
    scores = [0.5, -1.0, 2.0]
    result = explain("p = softmax(s)", {"s": scores}, jacobian=True)
    exps = [math.exp(v) for v in scores]
    p = [e / sum(exps) for e in exps]
    jac = result.jacobian
    assert jac is not None
    for i in range(3):
        for j in range(3):
            assert jac.rows[i][j] == pytest.approx(p[i] * ((i == j) - p[j]), rel=1e-12)
    assert jac.agree


def test_a_seed_on_inputs_is_one_forward_sweep_and_gives_J_v() -> None:
    result = explain("y = W @ x", {"W": "[[1, 2], [3, 4]]", "x": "[1, 1]"}, seed=[("x", "[1, -1]")])
    product = result.product
    assert product is not None and product.kind == "jvp"
    assert product.values == (1 - 2, 3 - 4)


def test_a_seed_on_the_output_is_one_reverse_sweep_and_gives_uT_J() -> None:
    result = explain(
        "y = W @ x", {"W": "[[1, 2], [3, 4]]", "x": "[1, 1]"}, wrt=["x"], seed=[("y", "[2, 1]")]
    )
    product = result.product
    assert product is not None and product.kind == "vjp"
    assert product.values == (2 * 1 + 1 * 3, 2 * 2 + 1 * 4)


def test_an_unnamed_vector_output_is_Z_and_a_seed_may_name_it() -> None:
    data = strict_json(
        run(
            "W @ x",
            "--at",
            "W=[[1,2],[3,4]],x=[1,1]",
            "--seed",
            "Z=[0,1]",
            "--wrt",
            "x",
            "--format",
            "json",
        ).stdout
    )
    assert data["jacobian"]["output_names"] == ["Z[1]", "Z[2]"]
    assert data["jacobian"]["matrix"] == [[1, 2], [3, 4]]
    assert (data["jacobian"]["forward_sweeps"], data["jacobian"]["reverse_sweeps"]) == (2, 2)
    assert data["product"] == {
        "kind": "vjp",
        "seed": {"Z[1]": 0, "Z[2]": 1},
        "values": {"x[1]": 3, "x[2]": 4},
    }


@pytest.mark.parametrize(
    ("seed", "fragment"),
    [
        ("y=[1,0],x=[1,1]", "not both"),
        ("q=[1,0]", "not an input element"),
    ],
)
def test_a_bad_seed_is_one_clear_error(seed: str, fragment: str) -> None:
    result = run("y = W @ x", "--at", "W=[[1,2],[3,4]],x=[1,1]", "--seed", seed)
    assert result.exit_code == 2
    assert result.stderr.startswith("adexplain: error[bad-seed]: ")
    assert fragment in result.stderr


def test_a_constant_element_of_a_vector_output_is_refused() -> None:
    with pytest.raises(AdexplainError) as caught:
        explain("[x, 2]", {"x": 1})
    assert caught.value.code == "no-variables"
    assert "Z[2]" in caught.value.message


def test_the_text_shows_both_ways_and_the_counts() -> None:
    out = run(
        "y = tanh(W @ x)",
        "--at",
        "W=[[1,2,3],[4,5,6]],x=[0.1,0.2,0.3]",
        "--wrt",
        "x",
        "--show",
        "values",
    ).stdout
    assert "Forward mode, column by column: one sweep per input (3 sweeps)" in out
    assert "Reverse mode, row by row: one sweep per output (2 sweeps)" in out
    assert "reverse mode is cheaper here; both give this matrix ✓" in out
    assert "Output:     y = [" in out


def test_a_tanh_layers_jacobian_is_diag_of_the_slope_times_W() -> None:
    w, x = [[1, 2, 3], [4, 5, 6]], [0.1, 0.2, -0.3]
    result = explain("y = tanh(W @ x)", {"W": w, "x": x}, wrt=["x"])  # type: ignore[dict-item]
    jac = result.jacobian
    assert jac is not None
    for i in range(2):
        slope = 1 - math.tanh(sum(w[i][k] * x[k] for k in range(3))) ** 2
        assert jac.rows[i] == pytest.approx([slope * w[i][j] for j in range(3)], rel=1e-12)


def test_an_unnamed_vector_output_is_an_expression_not_a_program() -> None:
    out = run("W @ x", "--at", "W=[[1,2],[3,4]],x=[1,1]", "--format", "plain").stdout
    assert out.splitlines()[0] == "Expression: W @ x"
    assert "for its first element, Z[1] = w9" in out.splitlines()[2]


def test_past_the_sweep_bound_the_jacobian_is_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    from autodiff_cli import jacobian

    monkeypatch.setattr(jacobian, "MAX_SWEEPS", 2)
    result = run("y = W @ x", "--at", "W=[[1,2,3],[4,5,6]],x=[1,1,1]", "--format", "plain")
    assert result.exit_code == 0
    assert "The Jacobian is left out" in result.stdout
    assert "Forward mode" not in result.stdout
