"""What the student reads names things as the student did (issue 14, point 1): the output by
the program's last statement, intermediates by their own names, and ids that cannot be read
as one of the student's variables."""

from __future__ import annotations

import json

import pytest
import sympy

from autodiff_cli import explain
from autodiff_cli.render import RENDERERS, SECTIONS, RenderOptions, renderer

from .helpers import REPO, output, run

NEURON = "h1 = tanh(w*x); loss = (h1 - y)^2"
NEURON_AT = "w=2,x=1,y=5"


def sympy_neuron() -> tuple[sympy.Expr, dict[sympy.Symbol, float], sympy.Symbol]:
    w, x, y, h = sympy.symbols("w x y h")
    return (h - y) ** 2, {w: 2, x: 1, y: 5, h: sympy.tanh(2)}, h


@pytest.mark.parametrize("format_name", ["plain", "markdown", "latex"])
def test_the_output_is_named_by_the_last_statement(format_name: str) -> None:
    text = output(NEURON, "--at", NEURON_AT, "--wrt", "w", "--format", format_name)
    assert "∂Z" not in text and "partial Z" not in text
    assert ("∂loss/∂w" in text) or (r"\partial \mathit{loss}" in text)


def test_a_bare_expression_keeps_z_unless_a_variable_is_called_z() -> None:
    assert "∂Z/∂x = 3" in output("x*y", "--at", "x=1,y=3", "--format", "plain")
    text = output("Z*x", "--at", "Z=2,x=3", "--wrt", "Z", "--format", "plain")
    assert "∂Z/∂Z" not in text
    assert "∂f/∂Z = 3" in text
    assert explain("Z*x", at={"Z": 2, "x": 3}).graph.output_name == "f"


def test_the_output_name_never_clashes_with_a_node_id() -> None:
    # A last statement named like a node id moves the nodes to another letter.
    graph = explain("a = x*x; w2 = a + x", at={"x": 3}).graph
    assert graph.output_name == "w2"
    assert "w2" not in {node.id for node in graph.nodes}
    # A bare expression whose variables take Z and f gets the next free name.
    assert explain("Z*f", at={"Z": 1, "f": 2}).graph.output_name == "F"


def test_json_names_the_output_without_renaming_a_key() -> None:
    document = json.loads(output(NEURON, "--at", NEURON_AT, "--format", "json"))
    assert document["output"] == "w7"
    assert document["output_name"] == "loss"


def test_intermediates_are_named_wherever_their_node_appears() -> None:
    for format_name in ("plain", "dot", "mermaid", "markdown", "latex"):
        text = output(NEURON, "--at", NEURON_AT, "--format", format_name, "--show", "all")
        assert "w5 (h1)" in text or r"w_{5}\ (\mathit{h1})" in text, format_name


def test_wrt_an_intermediate_is_its_adjoint_checked_against_sympy() -> None:
    loss, point, h = sympy_neuron()
    wanted = float(sympy.diff(loss, h).subs(point))
    result = explain(NEURON, at={"w": 2, "x": 1, "y": 5}, wrt="h1", check=True)
    assert result.gradient["h1"] == pytest.approx(wanted, rel=1e-12)
    chain = result.chains[0]
    assert chain.path_count == 1 and len(chain.paths) == 1
    assert chain.paths[0].product == pytest.approx(wanted, rel=1e-12)
    check = result.checks["h1"]
    assert check.agree and check.finite_difference == pytest.approx(wanted, rel=1e-6)
    assert result.tangents["h1"][result.graph.output] == pytest.approx(wanted, rel=1e-12)


def test_wrt_an_intermediate_used_twice_counts_both_paths() -> None:
    # a = x*x; b = a*a + a: ∂b/∂a = 2a + 1 along three paths.
    result = explain("a = x*x; b = a*a + a", at={"x": 3}, wrt=["a", "x"])
    assert result.gradient["a"] == 2 * 9 + 1
    assert result.chains[0].path_count == 3
    assert sum(path.product for path in result.chains[0].paths) == 19
    assert result.gradient["x"] == (2 * 9 + 1) * 6


def test_expect_takes_intermediates_and_edges() -> None:
    loss, point, h = sympy_neuron()
    wanted = float(sympy.diff(loss, h).subs(point))
    assert run(NEURON, "--at", NEURON_AT, "--expect", f"h1={wanted:.4g}").exit_code == 0
    wrong = run(NEURON, "--at", NEURON_AT, "--expect", "h1=1")
    assert wrong.exit_code == 1 and "∂loss/∂h1" in wrong.stderr
    example = ["y - max(0,w*x+b)", "--at", "y=5,w=2,x=1,b=1"]
    assert run(*example, "--expect", "w8/w7=-1").exit_code == 0
    refused = run(*example, "--expect", "w8/w7=1")
    assert refused.exit_code == 1 and "∂w8/∂w7" in refused.stderr
    bad = run(*example, "--expect", "w8/=1")
    assert bad.exit_code == 2 and bad.stderr.startswith("adexplain: error[bad-expect]")


def test_an_unknown_wrt_names_intermediates_among_the_suggestions() -> None:
    result = run(NEURON, "--at", NEURON_AT, "--wrt", "H1")
    assert result.exit_code == 2 and "did you mean 'h1'?" in result.stderr


@pytest.mark.parametrize("format_name", sorted(RENDERERS))
def test_no_format_labels_the_output_z_when_it_has_a_name(format_name: str) -> None:
    result = explain(NEURON, at={"w": 2, "x": 1, "y": 5}, check=True, forward_mode=True)
    options = RenderOptions(sections=frozenset(SECTIONS))
    text = renderer(format_name)(result, options)
    for wrong in ("∂Z", "Z̄", "Z =", "Z is", "partial Z", "from Z", "Z at the top"):
        assert wrong not in text, (format_name, wrong)


@pytest.mark.parametrize("format_name", sorted(RENDERERS))
def test_every_format_carries_every_warning_and_what_the_star_means(format_name: str) -> None:
    # A kink (max at a tie), an overflow and an unused intermediate.
    program = "u = x*x; c = x*exp(1000); y - max(0, w*x + 2)"
    result = explain(program, at={"y": 5, "w": 2, "x": -1})
    assert {d.code for d in result.diagnostics} == {"nondifferentiable", "overflow", "unused-name"}
    text = renderer(format_name)(result, RenderOptions())
    flat = " ".join(text.replace("\\\\", "\\").split())
    for diagnostic in result.diagnostics:
        # The words of each message, whatever escaping the format does to its symbols.
        assert " ".join(diagnostic.message.split()[-4:]) in flat, (format_name, diagnostic)
    if format_name in ("dot", "mermaid"):
        assert "* and a dashed edge: not differentiable at this point" in text


def test_the_blogs_numbering_comes_from_the_order_of_at() -> None:
    # The blog numbers w1 = w, w2 = x, w3 = b, w4 = y; its table, worked by hand.
    document = json.loads(
        output("y - max(0,w*x+b)", "--at", "w=2,x=1,b=1,y=5", "--wrt", "w", "--format", "json")
    )
    table = [
        (node["id"], node.get("name") or node["formula"], node["value"])
        for node in document["nodes"]
    ]
    assert table == [
        ("w1", "w", 2),
        ("w2", "x", 1),
        ("w3", "b", 1),
        ("w4", "y", 5),
        ("w5", "w1 * w2", 2),
        ("w6", "w5 + w3", 3),
        ("w7", "max(0, w6)", 3),
        ("w8", "w4 - w7", 2),
    ]
    (path,) = document["wrt"]["w"]["paths"]
    assert path["nodes"] == ["w8", "w7", "w6", "w5", "w1"]
    assert path["factors"] == [-1, 1, 1, 1]  # ∂w5/∂w1 = w2 = x = 1: the other factor
    assert path["product"] == -1
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "--at w=2,x=1,b=1,y=5 --wrt w`\ngives the blog's table exactly" in readme


def test_a_long_route_keeps_the_named_intermediates_it_passes() -> None:
    text = output("--file", str(REPO / "samples" / "net_4_8_1.toml"), "--format", "plain")
    route = next(line for line in text.splitlines() if line.startswith("  u145 → "))
    assert "more)…" in route and " (h1) → " in route and " (out) → " in route


@pytest.mark.parametrize("sample", ["net_2_2_1", "net_4_8_1"])
def test_the_network_samples_differentiate_as_sympy_does(sample: str) -> None:
    import tomllib

    problem = tomllib.loads((REPO / "samples" / f"{sample}.toml").read_text(encoding="utf-8"))
    names = {name: sympy.Symbol(name) for name in problem["at"]}
    known = {**names, "tanh": sympy.tanh, "sigmoid": lambda z: 1 / (1 + sympy.exp(-z))}
    for line in problem["expr"].strip().splitlines():
        name, expression = (part.strip() for part in line.split("="))
        known[name] = sympy.sympify(expression.replace("^", "**"), locals=known)
    point = {names[name]: sympy.Rational(str(value)) for name, value in problem["at"].items()}
    result = explain(problem["expr"], at=problem["at"])
    loss = known["loss"]
    # Every variable of the small net; a few of the large one's (SymPy takes a second each).
    chosen = names if sample == "net_2_2_1" else {n: names[n] for n in ("w11", "v1", "b8", "x4")}
    for name, symbol in chosen.items():
        wanted = float(sympy.diff(loss, symbol).xreplace(point).evalf(30))
        assert result.gradient[name] == pytest.approx(wanted, rel=1e-12, abs=1e-15), name
