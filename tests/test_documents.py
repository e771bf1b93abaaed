"""Pictures and documents, checked by the programs that read them: Graphviz draws the dot
output, pdflatex compiles the LaTeX, and the Mermaid and Markdown are checked for shape.

CI installs Graphviz and TeX Live's base set (.ci/run); where they are missing outside
CI these tests are skipped, and in CI a missing tool is a failure, not a skip.
"""

from __future__ import annotations

import functools
import re
import subprocess
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from autodiff_cli import explain
from autodiff_cli.problem import explain_problem
from autodiff_cli.render import SECTIONS, RenderOptions, renderer
from autodiff_cli.render.formats.plain import display_width

from .helpers import GOLDEN, REPO, SAMPLES, compile_latex, output, run, tool

EXAMPLE = ["y - max(0,w*x+b)", "--at", "y=5,w=2,x=1,b=1", "--wrt", "w"]
PROGRAM = ["a = x*x; b = a*a + θ; sin(b) + a", "--at", "x=1,θ=2"]


@pytest.mark.parametrize("args", [EXAMPLE, PROGRAM, ["--notation", "v", *PROGRAM]])
def test_graphviz_draws_the_dot_output(args: list[str], tmp_path: Path) -> None:
    dot = tool("dot")
    source = output(*args, "--format", "dot")
    svg = subprocess.run(
        [dot, "-Tsvg"], input=source, capture_output=True, text=True, timeout=60, check=True
    ).stdout
    root = ElementTree.fromstring(svg)
    texts = " ".join("".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text"))
    nodes = [g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("class") == "node"]
    edges = [g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("class") == "edge"]
    expected_nodes = len(re.findall(r"^  n\d+ \[", source, re.MULTILINE))
    assert len(nodes) == expected_nodes
    drawn = [line for line in source.splitlines() if " -> " in line and "invis" not in line]
    assert len(edges) == len(drawn)
    assert "Z = " in texts


def test_the_example_draws_as_the_blog_figure() -> None:
    source = output(*EXAMPLE, "--format", "dot")
    assert "rankdir=BT" in source  # inputs at the bottom, Z at the top
    assert 'label="Z = w8 = w1 - w7 = 2"' in source
    assert 'n1 -> n4 [label="∂w5/∂w2 = w3 = 1", color="#d62728"' in source  # on the path to w
    assert 'n2 -> n4 [label="∂w5/∂w3 = w2 = 2"];' in source  # not on it
    assert "{ rank=min; n0; n1; n2; n3; }" in source


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda path: path.stem)
def test_pdflatex_compiles_every_sample(sample: Path, tmp_path: Path) -> None:
    source = output("--file", str(sample), "--format", "latex", "--show", "all")
    compile_latex(tmp_path / "explanation.tex", source)


def test_latex_of_a_program_with_greek_and_the_survey_notation_compiles(tmp_path: Path) -> None:
    document = tmp_path / "program.tex"
    compile_latex(
        document, output(*PROGRAM, "--notation", "v", "--format", "latex", "--show", "all")
    )
    tex = document.read_text()
    assert r"\theta" in tex and "v_{-1}" in tex
    assert r"\frac{\partial Z}{\partial x}" in tex


LAYERS = [
    "h = tanh(W1 @ x + b1); s = W2 @ h + b2; loss = cross_entropy(s, 2)",
    "--at",
    "W1=[[0.1,-0.2,0.3],[0.4,0.5,-0.6]],x=[1,2,-1],b1=[0.1,-0.1],"
    "W2=[[1,-1],[0.5,0.2],[-0.3,0.8]],b2=[0,0.1,-0.1]",
]
"""A network whose weights are named as ML writes them: W1, b1, a name ending in a digit."""


def test_latex_of_a_network_with_numbered_weights_compiles(tmp_path: Path) -> None:
    """W1's element once typeset as W_{1}_{1,1}, a double subscript pdflatex stops at."""
    document = tmp_path / "network.tex"
    compile_latex(document, output(*LAYERS, "--wrt", "W1", "--format", "latex", "--show", "all"))
    tex = document.read_text()
    assert r"(W_{1})_{1,1}" in tex
    # One spelling of W1 in the chain rules, the gradient line and the blocks.
    assert r"\mathit{W1}" not in tex and r"\overline{\mathit{W1}}" not in tex
    assert r"\bar{W}_{1} = \begin{bmatrix}" in tex


def test_mermaid_flowchart_shape() -> None:
    chart = output(*EXAMPLE, "--format", "mermaid")
    lines = chart.splitlines()
    assert lines[1] == "flowchart BT"
    assert len([line for line in lines if re.match(r"  n\d+[\[(]", line)]) == 8
    edges = [line for line in lines if "-->" in line]
    assert len(edges) == 7
    lit = [int(n) for n in re.findall(r"linkStyle (\d+) ", chart)]
    assert [edges[i].split("|")[1] for i in lit] == [
        '"∂w5/∂w2 = w3 = 1"',
        '"∂w6/∂w5 = 1"',
        '"∂w7/∂w6 = (1 if w6 #gt; 0, 0 if w6 #lt; 0, 1/2 if w6 = 0 by convention) = 1"',
        '"∂w8/∂w7 = -1"',
    ]
    assert '"' not in re.sub(r'"[^"\n]*"', "", chart)  # every quote is balanced


def test_markdown_has_tables_math_and_the_picture() -> None:
    text = output(*EXAMPLE, "--format", "markdown", "--show", "graph,values,partials,paths")
    assert "| node | expression | source | value |" in text
    assert "| w7 | `max(0, w6)` | `max(0,w*x+b)` | 3 |" in text
    assert "```mermaid\n%%" in text
    assert (
        r"$$ \frac{\partial Z}{\partial w} = \frac{\partial w_{8}}{\partial w_{7}} "
        r"\frac{\partial w_{7}}{\partial w_{6}} \frac{\partial w_{6}}{\partial w_{5}} "
        r"\frac{\partial w_{5}}{\partial w_{2}} = \left(-1\right) \cdot \begin{cases} 1 & "
        r"\text{if } w_{6} > 0 \\ 0 & \text{if } w_{6} < 0 \\ \frac{1}{2} & \text{if } w_{6} = 0 "
        r"\text{ (by convention)} \end{cases} \cdot 1 \cdot w_{3} "
        r"= (-1) \cdot 1 \cdot 1 \cdot 1 = -1 $$"
    ) in text


def test_save_svg_and_html(tmp_path: Path) -> None:
    svg, html = tmp_path / "slide.svg", tmp_path / "handout.html"
    output(*EXAMPLE, "--save-svg", str(svg), "--save-html", str(html))
    root = ElementTree.fromstring(svg.read_text())
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert "∂Z/∂w" in svg.read_text().replace("&#160;", " ")
    assert html.read_text().lstrip().lower().startswith("<!doctype html>")
    assert "Forward pass: node values" in html.read_text()


def test_a_picture_that_cannot_be_written_is_one_clear_error(tmp_path: Path) -> None:
    result = run(*EXAMPLE, "--save-svg", str(tmp_path / "no" / "x.svg"))
    assert result.exit_code == 2
    assert "error[file]: cannot write" in result.stderr


def test_the_terminal_picture_fits_in_80_columns() -> None:
    deep = "sin(" * 40 + "x*y + x" + ")" * 40
    text = output(deep, "--at", "x=0.5,y=2", "--show", "graph")
    tree = ("Graph:" + text.split("Graph:")[1]).split("\n\n")[0].splitlines()
    assert max(len(line) for line in tree) <= 80  # the heading too
    assert "deeper levels not drawn" in text


LATEX_GOLDENS = sorted(GOLDEN.glob("*.tex"))


@pytest.mark.parametrize("golden", LATEX_GOLDENS, ids=lambda path: path.stem)
def test_every_latex_golden_fits_its_page(golden: Path, tmp_path: Path) -> None:
    # An overfull box is text past the margin: a table's value column cut off, a long
    # chain-rule product running off the page, a program as a one-line title.
    assert len(LATEX_GOLDENS) >= 10
    log = compile_latex(tmp_path / golden.name, golden.read_text(encoding="utf-8"))
    overfull = [line for line in log.splitlines() if line.startswith("Overfull \\hbox")]
    assert not overfull, overfull


def test_small_numbers_are_typeset_as_powers_of_ten() -> None:
    text = output("x^9", "--at", "x=0.2", "--format", "latex")
    assert "e-" not in text.replace("\\end", "").replace("\\texttt{", "")
    assert r"5.12 \times 10^{-7}" in text  # 0.2^9 = 5.12e-7


def test_the_latex_tree_and_tables_write_partials_as_the_equations_do() -> None:
    text = output(*EXAMPLE, "--format", "latex", "--show", "graph,partials,paths")
    assert r"$\partial$" not in text and "[dw" not in text  # no ASCII d, no text-mode ∂
    assert r"\partial w_{7}/\partial w_{6}" in text  # the table row
    assert r"\(\partial w\sb{8}/\partial w\sb{7}\)" in text  # the tree, in alltt


def test_a_repeated_edge_names_its_argument_in_latex_and_dot() -> None:
    latex = output("x*x", "--at", "x=3", "--format", "latex")
    assert r"\frac{\partial w_{2}}{\partial w_{1}}\big|_{\text{1st arg}}" in latex
    assert r"\partial w_{2}/\partial w_{1}$ (1st arg)" in latex
    dot = output("x*x", "--at", "x=3", "--format", "dot")
    assert "∂w2/∂w1 (1st arg)" in dot and "∂w2/∂w1 (2nd arg)" in dot


NETWORK = REPO / "samples" / "net_2_2_1.toml"
WIDE_NETWORK = REPO / "samples" / "net_4_8_1.toml"


def test_rich_output_at_80_columns_keeps_its_layout() -> None:
    compute = functools.partial(explain, check=True, forward_mode=True)
    _, result = explain_problem(NETWORK, compute=compute)
    text = renderer("rich")(result, RenderOptions(width=80, sections=frozenset(SECTIONS)))
    lines = text.splitlines()
    assert max(display_width(line) for line in lines) <= 80
    # No line of a framed chain rule wraps to the frame's first column.
    framed = [line for line in lines if line.startswith("│ ")]
    assert framed and all(line.startswith("│   ") for line in framed), framed[:3]
    # The point breaks between values, never inside one (w22 = 0.2 stays whole).
    start = next(i for i, line in enumerate(lines) if line.startswith("Point:"))
    point = lines[start : start + 2]
    assert point[1].startswith(" " * 12) and point[1].strip()[0].isalpha()
    assert all(not line.rstrip().endswith("=") for line in point)


def test_picture_titles_list_a_program_one_statement_per_line() -> None:
    dot = output("--file", str(NETWORK), "--format", "dot")
    title = re.search(r'label="(.*?)"; labelloc', dot).group(1).split("\\n")  # type: ignore[union-attr]
    assert title[:4] == [
        "h1 = tanh(w11*x1 + w12*x2 + b1)",
        "h2 = tanh(w21*x1 + w22*x2 + b2)",
        "out = sigmoid(v1*h1 + v2*h2 + c)",
        "loss = (out - t)^2",
    ]
    # The point is a line of its own, and "at" begins it rather than ending the program.
    assert title[4].startswith("at x1 = 0.5, x2 = -1, ")
    wide = output("--file", str(WIDE_NETWORK), "--format", "dot")
    wide_title = re.search(r'label="(.*?)"; labelloc', wide).group(1)  # type: ignore[union-attr]
    assert max(len(line) for line in wide_title.split("\\n")) <= 100
    markdown = output("a = x*x; a + a", "--at", "x=3", "--format", "markdown")
    assert markdown.startswith("# Automatic differentiation of a program\n")
    assert "```\na = x*x\na + a\n```" in markdown
    latex = output("a = x*x; a + a", "--at", "x=3", "--format", "latex")
    assert r"\texttt{a = x*x}\\\hspace*{1.5em}\texttt{a + a}" in latex


def test_graphviz_draws_the_inputs_in_numbering_order() -> None:
    dot = tool("dot")
    source = output("--file", str(NETWORK), "--format", "dot")
    plain = subprocess.run(
        [dot, "-Tplain"], input=source, capture_output=True, text=True, timeout=60, check=True
    ).stdout
    x = {}
    for line in plain.splitlines():
        parts = line.split()
        if parts[0] == "node":
            x[parts[1]] = float(parts[2])
    inputs = [x[f"n{i}"] for i in range(12)]
    assert inputs == sorted(inputs)


def test_latex_draws_the_tree_with_rules_and_numbers_with_a_minus() -> None:
    latex = output(
        "y - max(0,w*x+b)", "--at", "y=5,w=-2,x=1,b=1", "--show", "graph", "--format", "latex"
    )
    tree = latex[latex.index(r"\begin{alltt}") : latex.index(r"\end{alltt}")]
    assert "`" not in tree and "|-" not in tree  # a backtick would typeset as a quote
    assert tree.count(r"\rule[0.5ex]{0.525em}") == 7  # one branch per edge drawn
    assert r"w~=~$-$2" in latex  # a number's sign is a minus, not a hyphen
    assert r"\texttt{y - max(0,w*x+b)}" in latex  # code keeps its hyphen
