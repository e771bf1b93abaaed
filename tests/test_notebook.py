"""In a notebook: a real kernel runs a real notebook (nbclient, ipykernel), and the outputs'
MIME bundles are checked; the notebook is converted to HTML as nbconvert does. And the
Python surface a notebook uses: numpy scalars as values, nodes by id, ``print(result)``.
"""

from __future__ import annotations

import html
import math
import re
import subprocess
import sys
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from autodiff_cli import AdexplainError, explain

from .helpers import REPO, compile_latex, output, tool

EXAMPLE = ("y - max(0,w*x+b)", {"y": 5, "w": 2, "x": 1, "b": 1})


def test_displaying_a_result_imports_no_ipython() -> None:
    """Every display method runs in a plain Python, and none of them imports IPython."""
    script = (
        "import sys\n"
        "from autodiff_cli import explain\n"
        "r = explain('x*x + x', at={'x': 3})\n"
        "parts = [r._repr_html_(), r._repr_markdown_(), r._repr_latex_(), str(r), repr(r)]\n"
        "assert all(parts)\n"
        "import autodiff_cli.notebook\n"
        "loaded = [m for m in ('IPython', 'ipykernel', 'jupyter_client', 'nbformat') "
        "if m in sys.modules]\n"
        "print(loaded)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "[]"


def test_numpy_scalars_are_values() -> None:
    numpy = pytest.importorskip("numpy")
    result = explain("x*y", at={"x": numpy.int64(3), "y": numpy.float32(0.5)})
    # ∂(xy)/∂x = y and ∂/∂y = x, at the values the scalars hold.
    assert result.gradient["x"] == 0.5
    assert result.gradient["y"] == 3
    assert isinstance(result.point["x"], float)  # the float arithmetic keeps floats
    assert explain("x", at={"x": numpy.float64(2.25)}).output_value == 2.25


def test_any_real_number_type_is_a_value() -> None:
    assert explain("x*x", at={"x": Fraction(1, 3)}, exact=True).gradient["x"] == Fraction(2, 3)
    # A Decimal is its digits: 0.1 exactly, so x*x is 1/100 exactly.
    assert explain("x*x", at={"x": Decimal("0.1")}, exact=True).output_value == Fraction(1, 100)
    assert explain("x*x", at={"x": Decimal("0.5")}).gradient["x"] == 1
    with pytest.raises(AdexplainError, match="must be a number"):
        explain("x", at={"x": complex(1, 2)})  # type: ignore[dict-item]
    with pytest.raises(AdexplainError, match="must be a number"):
        explain("x", at={"x": True})


def test_a_node_is_found_by_id_or_name() -> None:
    result = explain(*EXAMPLE, wrt="w")
    w8 = result.node("w8")
    # SPEC.md's table: w8 = w1 − w7 = 2, and Z is w8, so ∂Z/∂w8 = 1.
    assert (w8.id, w8.formula, w8.value, w8.adjoint) == ("w8", "w1 - w7", 2, 1)
    assert result.node("x").id == "w3"
    assert result.node("w").adjoint == -1
    with pytest.raises(AdexplainError, match=r"no node 'w9'.*did you mean"):
        result.node("w9")
    program = explain("h = x*x; h + x", at={"x": 3})
    assert program.node("h").value == 9


def test_printing_a_result_shows_the_tables() -> None:
    result = explain(*EXAMPLE, wrt="w")
    plain = output(EXAMPLE[0], "--at", "y=5,w=2,x=1,b=1", "--wrt", "w", "--format", "plain")
    assert str(result) == plain.rstrip("\n")
    assert len(repr(result)) < 120
    assert (
        repr(result)
        == "<Explanation of 'y - max(0,w*x+b)' at y=5, w=2, x=1, b=1; gradient {w: -1}>"
    )


def test_the_html_display_holds_tables_tex_and_the_graph() -> None:
    result = explain(*EXAMPLE, wrt="w")
    shown = result._repr_html_()
    assert shown.count('<table class="adexplain-table">') == 2  # the values and the partials
    assert "<td><code>max(0, w6)</code></td>" in shown
    assert r"$$ \frac{\partial Z}{\partial w} = " in shown
    from autodiff_cli.render.graphviz import dot_program

    assert ("<svg" in shown) == (dot_program() is not None)


# --- a real kernel --------------------------------------------------------------------------

CELLS = [
    "from autodiff_cli import explain\n"
    "explain('y - max(0,w*x+b)', at={'y': 5, 'w': 2, 'x': 1, 'b': 1}, wrt='w')",
    "%load_ext autodiff_cli",
    '%adexplain "y - max(0,w*x+b)" --at y=5,w=2,x=1,b=1 --wrt w --show values,adjoints',
    '%adexplain "x*x + x" --at x=3 --format json',
    '%adexplain "x + * 2" --at x=1',
    '%adexplain "x" --at x=1 --show bogus',
    '%adexplain "x*x" --at x=3 --format html',
]


@pytest.fixture(scope="module")
def notebook(tmp_path_factory: pytest.TempPathFactory) -> object:
    """The notebook above, executed by a real IPython kernel; saved as ``demo.ipynb``."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    book = nbformat.v4.new_notebook()
    book.cells = [nbformat.v4.new_code_cell(source) for source in CELLS]
    folder = tmp_path_factory.mktemp("notebook")
    client = nbclient.NotebookClient(
        book, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(REPO)}}
    )
    client.execute()
    nbformat.write(book, folder / "demo.ipynb")
    return book


def _bundle(cell: object) -> dict[str, str]:
    shown = [out for out in cell.outputs if out.output_type in ("execute_result", "display_data")]  # type: ignore[attr-defined]
    assert len(shown) == 1, cell.outputs  # type: ignore[attr-defined]
    return dict(shown[0].data)


def _stderr(cell: object) -> str:
    return "".join(
        out.text
        for out in cell.outputs  # type: ignore[attr-defined]
        if out.output_type == "stream" and out.name == "stderr"
    )


def test_a_result_shows_itself_in_a_kernel(notebook: object) -> None:
    bundle = _bundle(notebook.cells[0])  # type: ignore[attr-defined]
    assert {"text/html", "text/markdown", "text/latex", "text/plain"} <= set(bundle)
    assert '<table class="adexplain-table">' in bundle["text/html"]
    assert r"\frac{\partial Z}{\partial w}" in bundle["text/latex"]
    assert "| w7 | `max(0, w6)` |" in bundle["text/markdown"]
    assert bundle["text/plain"].startswith("<Explanation of 'y - max(0,w*x+b)'")


def test_the_magic_takes_the_command_lines_options(notebook: object) -> None:
    cells = notebook.cells  # type: ignore[attr-defined]
    assert not [out for out in cells[1].outputs if out.output_type == "error"]
    bundle = _bundle(cells[2])
    # --show values,adjoints: the adjoint table (w̄2 = ∂Z/∂w = -1 from SPEC.md), no partials.
    assert "Reverse sweep" in bundle["text/html"]
    assert "Edge partials" not in bundle["text/html"]
    assert re.search(r"<td>w̄2</td>.*?<td class=\"n\">-1</td></tr>", bundle["text/html"])
    json_out = _bundle(cells[3])["text/plain"]
    assert '"gradient": {"x": 7}' in json_out  # 2x + 1 at 3


def test_the_magic_shows_a_page_in_a_frame(notebook: object) -> None:
    bundle = _bundle(notebook.cells[6])  # type: ignore[attr-defined]
    assert bundle["text/html"].startswith('<iframe srcdoc="&lt;!DOCTYPE html&gt;')
    assert "adexplain-page" in bundle["text/html"]


def test_the_magic_reports_errors_without_a_traceback(notebook: object) -> None:
    cells = notebook.cells  # type: ignore[attr-defined]
    for cell, code in ((cells[4], "syntax"), (cells[5], "usage")):
        assert not [out for out in cell.outputs if out.output_type in ("error", "display_data")]
        assert f"error[{code}]" in _stderr(cell)
        assert "Traceback" not in _stderr(cell)


def test_the_notebook_converts_to_html(notebook: object, tmp_path: Path) -> None:
    nbconvert = pytest.importorskip("nbconvert")
    page, _ = nbconvert.HTMLExporter().from_notebook_node(notebook)
    assert page.count('class="adexplain"') == 2
    assert "Forward pass: node values" in page
    (tmp_path / "demo.html").write_text(page, encoding="utf-8")


@pytest.mark.parametrize(
    ("expression", "at"),
    [(EXAMPLE[0], EXAMPLE[1]), ("a = x*x; b = a*a; b + x", {"x": 3}), ("x", {"x": 1})],
)
def test_the_latex_display_is_tex_that_compiles(
    tmp_path: Path, expression: str, at: dict[str, float]
) -> None:
    """What a front end's MathJax typesets, compiled by the real pdflatex with amsmath."""
    math = explain(expression, at=at)._repr_latex_()
    assert math.startswith("$$") and math.endswith("$$")
    document = (
        "\\documentclass{article}\\usepackage{amsmath}\\begin{document}\n%s\n\\end{document}\n"
    )
    compile_latex(tmp_path / "display.tex", document % math)


def test_the_notebook_math_of_numbered_weights_compiles(tmp_path: Path) -> None:
    """The MathJax of the HTML display and the text/latex display, compiled by pdflatex:
    an element of W1 was W_{1}_{1,1}, a double subscript."""
    at = {"W1": [[0.1, -0.2], [0.3, 0.4]], "x": [1, 2]}
    result = explain("h = tanh(W1 @ x); loss = sum(h)", at=at, wrt=["W1"])
    shown = re.findall(r"\$\$.*?\$\$", html.unescape(result._repr_html_()), re.DOTALL)
    assert shown
    math = "\n".join([*shown, result._repr_latex_()])
    assert "(W_{1})_{1,1}" in math
    document = (
        "\\documentclass{article}\\usepackage{amsmath}\\begin{document}\n%s\n\\end{document}\n"
    )
    compile_latex(tmp_path / "network.tex", document % math)


LAYER = ("h = tanh(W @ x); loss = sum(h)", {"W": [[1, -2], [3, 4]], "x": [0.5, -1]})


def test_a_vector_program_shows_its_blocks_from_python_as_typeset_matrices() -> None:
    """``show("blocks")`` asks for the blocks; each is MathJax's bmatrix, not a paragraph
    padded with spaces that HTML collapses."""
    expression, at = LAYER
    shown = explain(expression, at=at, wrt=["W"]).show("blocks")._repr_html_()
    assert "Backprop by blocks" in shown
    matrices = re.findall(r"\$\$ (.*?) \$\$", html.unescape(shown))
    value = r"W = \begin{bmatrix} 1 & -2 \\ 3 & 4 \end{bmatrix}"
    assert any(value in formula for formula in matrices)
    assert not re.search(r"<p>[^<]*\[\[1, -2\],<br>", shown)  # the old padded text grid
    # tanh(W x) with x = (0.5, -1): h̄ = 1, so W̄ = (1 - h²) xᵀ; W̄[1,1] = 0.5 (1 - tanh(2.5)²).
    assert f"{0.5 * (1 - math.tanh(2.5) ** 2):.6g}" in shown


def test_show_takes_the_command_line_section_names() -> None:
    expression, at = LAYER
    result = explain(expression, at=at)
    assert "Backprop by blocks" not in result._repr_html_()  # not among the default sections
    assert "Backprop by blocks" in result.show("all")._repr_html_()
    assert "Backprop by blocks" in result.show(["blocks", "values"])._repr_html_()
    with pytest.raises(AdexplainError, match=r"unknown section 'blok'.*blocks"):
        result.show("blok")


def test_a_large_graph_keeps_its_size_and_scrolls() -> None:
    """Shrunk to the cell's width, a 46-node graph's labels were too small to read."""
    tool("dot")
    expression, at = LAYER
    shown = explain(expression, at=at).show("graph")._repr_html_()
    assert '<div class="adexplain-graph"><svg' in shown
    assert ".adexplain .adexplain-graph{overflow-x:auto;max-width:100%}" in shown
    assert "svg{max-width" not in shown  # the rule that shrank it


def test_the_magic_shows_blocks_as_typeset_matrices() -> None:
    from autodiff_cli.notebook import magic

    shown = magic(
        "\"h = tanh(W1 @ x); loss = sum(h)\" --at 'W1=[[1,-2],[3,4]],x=[0.5,-1]' --show blocks"
    )
    assert shown is not None
    page = html.unescape(shown._repr_html_())  # type: ignore[union-attr]
    assert r"\bar{W}_{1} = \begin{bmatrix}" in page
    assert r"W_{1} = \begin{bmatrix} 1 & -2 \\ 3 & 4 \end{bmatrix}" in page


def test_the_magic_takes_seed_as_the_command_line_does() -> None:
    """%adexplain ... --seed x=1 is one seeded forward sweep, J·v, as on the command line
    (the magic once dropped the option without a word): ∂(x*y)/∂x · 1 = y = 2."""
    from autodiff_cli.notebook import magic

    shown = magic("'x*y' --at x=1,y=2 --seed x=1")
    assert shown is not None
    product = shown.explanation.product  # type: ignore[union-attr]
    assert product is not None and product.kind == "jvp"
    assert list(product.values) == [2]
