"""The step-through page (``--format html``): its data, its steps, its shipped files, and
the page itself driven in a real Chromium (Playwright with the system browser): every
stage stepped through, a node clicked, predictions answered, the DOM and a screenshot
checked, and no console errors.

Chromium is skipped where it is missing, except in CI, where it fails (.ci/run installs it).
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autodiff_cli import explain
from autodiff_cli.homework import Tolerance
from autodiff_cli.problem import load_problem
from autodiff_cli.render import graphviz
from autodiff_cli.render.formats.html import asset
from autodiff_cli.steps import forward_steps, reverse_steps

from .helpers import REPO, SAMPLES, output, strict_json, tool
from .strategies import programs

EXAMPLE = ["y - max(0,w*x+b)", "--at", "y=5,w=2,x=1,b=1", "--wrt", "w"]
ASSETS = REPO / "autodiff_cli" / "render" / "assets"


def _embedded(page: str, element: str) -> Any:
    match = re.search(
        rf'<script type="application/json" id="{element}">\n(.*?)</script>', page, re.S
    )
    assert match, element
    return strict_json(match.group(1))


def _same(a: object, b: object) -> bool:
    """Equal, with nan equal to nan (a sweep may meet one)."""
    return repr(a) == repr(b) if isinstance(a, float) and math.isnan(a) else a == b


# --- the steps are the passes' own sums -----------------------------------------------------


def _check_steps(expression: str, at: Any, exact: bool = False) -> None:
    ex = explain(expression, at=at, forward_mode=True, exact=exact)
    last: dict[int, object] = {}
    for step in reverse_steps(ex):
        last[step.node] = step.total
    for node, adjoint in enumerate(ex.adjoints):
        assert _same(last.get(node, ex.arithmetic.zero), adjoint), (expression, node)
    for chain in ex.chains:
        last = {}
        for step in forward_steps(ex, chain):
            last[step.node] = step.total
        for node, tangent in enumerate(ex.tangents[chain.variable]):
            assert _same(last.get(node, ex.arithmetic.zero), tangent), (expression, node)


@given(programs(), st.floats(-3, 3), st.floats(-3, 3))
def test_the_steps_end_at_the_passes_sums(program: tuple[str, object], x: float, y: float) -> None:
    text = program[0]
    _check_steps(text, {n: v for n, v in (("x", x), ("y", y)) if re.search(rf"\b{n}\b", text)})


@pytest.mark.parametrize("exact", [False, True])
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda path: path.stem)
def test_the_steps_of_every_sample(sample: Path, exact: bool) -> None:
    problem = load_problem(sample)
    _check_steps(problem.expr, problem.at, exact)


def test_the_steps_of_a_variable_used_twice() -> None:
    # x*x + x at 3: three uses of x, so three terms reach x̄: 3 + 3 + 1 (SPEC.md).
    ex = explain("x*x + x", at={"x": 3})
    terms = [step.term for step in reverse_steps(ex) if step.node == 0]
    assert sorted(terms) == [1, 3, 3]
    assert [step.total for step in reverse_steps(ex) if step.node == 0][-1] == 7
    _check_steps("x*x + x", {"x": 3})


@given(st.floats(-1e12, 1e12, allow_nan=False), st.floats(-1e12, 1e12, allow_nan=False))
def test_a_predictions_interval_is_what_the_checker_accepts(truth: float, answer: float) -> None:
    tolerance = Tolerance()
    low, high = tolerance.interval(truth)  # type: ignore[misc]
    inside = low <= answer <= high
    # At the very edge the two may round apart; away from it they must agree.
    edge = min(abs(answer - low), abs(answer - high)) <= 1e-12 * max(1.0, abs(truth))
    if not edge:
        assert inside == tolerance.accepts(answer, truth)
    assert tolerance.accepts(truth, truth) and low <= truth <= high


# --- the file -------------------------------------------------------------------------------


def test_the_page_is_one_file_that_fetches_nothing() -> None:
    page = output(*EXAMPLE, "--format", "html")
    assert not re.search(r"<(link|img|iframe)\b|\bsrc=|\bhref=|@import|url\((?!#)", page)
    # The only address in the page is SVG's namespace, which is a name, never fetched.
    assert set(re.findall(r"https?://[^\s\"')]+", page)) <= {"http://www.w3.org/2000/svg"}


def test_the_pages_data_is_the_json_document() -> None:
    page = output(*EXAMPLE, "--format", "html")
    document = strict_json(output(*EXAMPLE, "--format", "json", "--show", "all"))
    assert _embedded(page, "adexplain-json") == document


def test_a_page_shows_every_stage_unless_asked() -> None:
    everything = _embedded(output(*EXAMPLE, "--format", "html"), "adexplain-page")
    keys = [stage["key"] for stage in everything["stages"]]
    assert keys == ["values", "partials", "adjoints", "tangents:w"]
    chosen = output(*EXAMPLE, "--format", "html", "--show", "values,paths")
    assert [s["key"] for s in _embedded(chosen, "adexplain-page")["stages"]] == ["values"]


def test_a_large_graph_is_not_drawn() -> None:
    expression = " + ".join(f"sin(x*{i})" for i in range(1, 300))  # 898 nodes
    page = output(expression, "--at", "x=1", "--format", "html", "--show", "values")
    data = _embedded(page, "adexplain-page")
    assert data["draw"] is False and data["layout"] is None


def test_the_vendored_dagre_is_the_pinned_one() -> None:
    notes = (ASSETS / "VENDORED.md").read_text(encoding="utf-8")
    digest = hashlib.sha256((ASSETS / "dagre.min.js").read_bytes()).hexdigest()
    row = next(line for line in notes.splitlines() if line.startswith("| `dagre.min.js`"))
    assert digest in row
    version = re.search(r"\| (\d+\.\d+\.\d+) \|", row)
    assert version and f'"{version.group(1)}"' in asset("dagre.min.js")
    assert "MIT" in row and "Permission is hereby granted" in asset("dagre.LICENSE.txt")
    page = output(*EXAMPLE, "--format", "html")
    assert f"dagre {version.group(1)}, MIT licence" in page


def test_graphviz_lays_out_the_page_where_it_is_installed() -> None:
    tool("dot")
    data = _embedded(output(*EXAMPLE, "--format", "html"), "adexplain-page")
    layout = data["layout"]
    assert set(layout["nodes"]) == {f"w{i}" for i in range(1, 9)}
    assert len(layout["edges"]) == 7
    # Drawn bottom to top: every edge's argument sits below the node that uses it.
    document = _embedded(output(*EXAMPLE, "--format", "html"), "adexplain-json")
    for edge in document["edges"]:
        assert layout["nodes"][edge["from"]][1] > layout["nodes"][edge["to"]][1]


# --- in a real browser -----------------------------------------------------------------------

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    chromium = tool("chromium")
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=chromium,
            args=FLAGS,
            headless=True,
            viewport={"width": 1300, "height": 1000},
            # A loaded two-core machine can take far longer than the 30 s default to start.
            timeout=120_000,
        )
        context.set_default_timeout(60_000)
        yield context
        context.close()


class Opened:
    """A page open in the browser, with every console message and error it printed."""

    def __init__(self, browser: Any, path: Path) -> None:
        self.page = browser.new_page()
        self.problems: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda err: self.problems.append(f"error: {err}"))
        self.page.on("request", self._request)
        self.page.goto(path.as_uri())
        self.page.wait_for_selector("body[data-ready=true]", timeout=60_000)

    def _console(self, message: Any) -> None:
        if message.type in ("error", "warning"):
            self.problems.append(f"{message.type}: {message.text}")

    def _request(self, request: Any) -> None:
        if not request.url.startswith(("file:", "data:")):
            self.problems.append(f"fetched {request.url}")

    def text(self, selector: str) -> str:
        return str(self.page.inner_text(selector))

    def column(self, table: str, key: str) -> dict[str, str]:
        """``{row's first cell: its last cell}`` of one of the page's tables."""
        rows = self.page.query_selector_all(f'[id="table-{table}"] tbody tr')
        cells = [row.query_selector_all("td") for row in rows]
        return {c[0].inner_text(): c[-1].inner_text() for c in cells}

    def stage(self, number: int) -> None:
        self.page.keyboard.press(str(number))

    def to_the_end(self) -> int:
        """Next, until the stage is done; how many steps that took."""
        steps = 0
        while not self.page.is_disabled("#next"):
            self.page.click("#next")
            steps += 1
        return steps


def _page(tmp_path: Path, *args: str, name: str = "page.html") -> Path:
    path = tmp_path / name
    path.write_text(output(*args, "--format", "html"), encoding="utf-8")
    return path


def test_stepping_through_every_stage(browser: Any, tmp_path: Path) -> None:
    opened = Opened(browser, _page(tmp_path, *EXAMPLE))
    page = opened.page
    # Before any step: the inputs are given, the operations are not known yet.
    assert opened.column("values", "value") == {
        "w1": "5",
        "w2": "2",
        "w3": "1",
        "w4": "1",
        "w5": "?",
        "w6": "?",
        "w7": "?",
        "w8": "?",
    }
    assert opened.to_the_end() == 4
    # SPEC.md's table of node values.
    assert list(opened.column("values", "value").values()) == [
        "5",
        "2",
        "1",
        "1",
        "2",
        "3",
        "3",
        "2",
    ]
    opened.stage(2)
    assert page.get_attribute('#stages button[data-stage="partials"]', "aria-selected") == "true"
    assert set(opened.column("partials", "value").values()) == {"?"}
    page.keyboard.press("ArrowRight")
    assert "∂w5/∂w2 = w3 = 1" in opened.text("#step")
    assert opened.to_the_end() == 6
    # SPEC.md's edges, in order.
    assert list(opened.column("partials", "value").values()) == ["1", "2", "1", "1", "1", "1", "-1"]
    opened.stage(3)
    assert opened.to_the_end() == 8  # the seed and one term per edge
    adjoints = opened.column("adjoints", "value")
    # ∂Z/∂y = 1, ∂Z/∂w = -x = -1, ∂Z/∂x = -w = -2, ∂Z/∂b = -1 (Z = y - (wx + b) here).
    assert (adjoints["w̄1"], adjoints["w̄2"], adjoints["w̄3"], adjoints["w̄4"]) == (
        "1",
        "-1",
        "-2",
        "-1",
    )
    # The last edge first: the sweep ends at the first edge, w5's partial by w2 (w).
    assert "w̄2 += w̄5 · ∂w5/∂w2 = (-1) · 1 = -1; so far w̄2 = -1" in opened.text("#step")
    page.keyboard.press("ArrowLeft")
    assert "w̄3 += w̄5 · ∂w5/∂w3 = (-1) · 2 = -2" in opened.text("#step")
    opened.stage(4)
    opened.to_the_end()
    tangents = opened.column("tangents:w", "value")
    assert tangents["ẇ8"] == "-1" and tangents["ẇ2"] == "1" and tangents["ẇ1"] == "0"
    page.keyboard.press("Home")
    assert "step 0 of" in opened.text("#step")
    page.keyboard.press("End")
    assert tangents == opened.column("tangents:w", "value")
    assert opened.problems == []


def test_clicking_a_node_shows_it_and_lights_its_paths(browser: Any, tmp_path: Path) -> None:
    opened = Opened(browser, _page(tmp_path, *EXAMPLE))
    page = opened.page
    page.click('g.node[data-node="w6"]')
    details = opened.text("#details")
    assert "w5 + w4" in details and "∂w6/∂w5 = 1 = ?" in details  # partials not revealed yet
    # From w6 down to w: w6 → w5 → w2, and not w4 (b) nor w3 (x).
    lit = page.eval_on_selector_all(
        "g.node.onpath, g.node.selected", "els => els.map(e => e.dataset.node)"
    )
    assert sorted(lit) == ["w2", "w5", "w6"]
    lit_edges = page.eval_on_selector_all("g.edge.onpath", "els => els.map(e => e.dataset.edge)")
    assert sorted(lit_edges) == ["0", "2"]  # ∂w5/∂w2 and ∂w6/∂w5
    page.keyboard.press("Escape")
    assert page.query_selector_all("g.node.onpath") == []
    page.focus('g.node[data-node="w4"]')
    page.keyboard.press("Enter")
    assert "No path leads from it down to w" in opened.text("#details")
    assert opened.problems == []


def test_predict_mode_says_right_or_wrong(browser: Any, tmp_path: Path) -> None:
    opened = Opened(browser, _page(tmp_path, *EXAMPLE))
    page = opened.page
    page.keyboard.press("p")
    page.keyboard.press("ArrowRight")
    assert page.is_visible("#answer")
    assert "What is the value of w5 = w2 * w3? (right within 3 significant digits)" in opened.text(
        "#verdict"
    )
    assert opened.column("values", "value")["w5"] == "?"  # not revealed before the answer
    page.fill("#answer", "2")
    page.press("#answer", "Enter")
    assert opened.text("#verdict").startswith("✓ right")
    assert opened.column("values", "value")["w5"] == "2"
    page.click("#next")
    page.fill("#answer", "seven")
    page.press("#answer", "Enter")
    assert "Type a number" in opened.text("#verdict")
    page.fill("#answer", "7")
    page.press("#answer", "Enter")
    assert opened.text("#verdict").startswith("✗ not quite (you wrote 7): w6 = w5 + w4 = 3")
    assert opened.text("#score") == "1 of 2 right"
    assert opened.problems == []


def test_programs_kinks_and_warnings_are_shown(browser: Any, tmp_path: Path) -> None:
    opened = Opened(browser, _page(tmp_path, "--file", "samples/shared_program.toml"))
    labels = opened.page.eval_on_selector_all("g.node .head", "els => els.map(e => e.textContent)")
    assert any(re.fullmatch(r"w\d+ \(\w+\)( {2}= Z)?", text) for text in labels)  # named
    assert opened.text("#expression") == "a1 = x * x; a2 = a1 * a1; a2 + x"
    assert opened.page.title() == "adexplain: a1 = x * x; a2 = a1 * a1; a2 + x"
    kinked = Opened(browser, _page(tmp_path, "--file", "samples/kink.toml", name="kink.html"))
    assert kinked.page.query_selector_all("g.edge.kink")
    assert "not differentiable" in kinked.text("#warnings")
    assert opened.problems == [] and kinked.problems == []


def test_without_graphviz_dagre_lays_out_the_page(
    browser: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(graphviz, "dot_program", lambda: None)
    opened = Opened(browser, _page(tmp_path, "--file", "samples/shared_program.toml"))
    assert "Layout: dagre" in opened.text("#legend")
    boxes = opened.page.eval_on_selector_all(
        "g.node rect",
        "els => els.map(e => { const b = e.getBBox(); return [b.x, b.y, b.width, b.height]; })",
    )
    assert len(boxes) == 4  # x, a1, a2 and the output
    for i, a in enumerate(boxes):  # no two boxes overlap
        for b in boxes[i + 1 :]:
            apart = (
                a[0] + a[2] <= b[0]
                or b[0] + b[2] <= a[0]
                or a[1] + a[3] <= b[1]
                or b[1] + b[3] <= a[1]
            )
            assert apart, (a, b)
    assert opened.problems == []


def test_a_screenshot_shows_the_graph_and_the_current_step(browser: Any, tmp_path: Path) -> None:
    opened = Opened(browser, _page(tmp_path, *EXAMPLE))
    page = opened.page
    page.keyboard.press("3")
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    page.click('g.node[data-node="w5"]')
    shot = page.locator("#graph").screenshot(path=str(tmp_path / "graph.png"))
    counts = _colour_counts(
        browser, shot, {"current": (0x00, 0x72, 0xB2), "path": (0xD5, 0x5E, 0x00)}
    )
    # The current step's dashed blue border and the chosen node's vermillion paths are drawn.
    assert counts["current"] > 100 and counts["path"] > 100, counts
    assert opened.problems == []


def _colour_counts(
    browser: Any, png: bytes, colours: dict[str, tuple[int, int, int]]
) -> dict[str, int]:
    """How many pixels of a PNG are (nearly) each colour, counted by a canvas in the browser."""
    viewer = browser.new_page()
    viewer.set_content("<canvas></canvas>")
    return dict(
        viewer.evaluate(
            """async ([data, colours]) => {
                const image = new Image();
                image.src = "data:image/png;base64," + data;
                await image.decode();
                const canvas = document.querySelector("canvas");
                canvas.width = image.width; canvas.height = image.height;
                const context = canvas.getContext("2d");
                context.drawImage(image, 0, 0);
                const pixels = context.getImageData(0, 0, image.width, image.height).data;
                const counts = {};
                for (const [name, [r, g, b]] of Object.entries(colours)) {
                    let n = 0;
                    for (let i = 0; i < pixels.length; i += 4) {
                        const off = Math.abs(pixels[i] - r) + Math.abs(pixels[i + 1] - g)
                            + Math.abs(pixels[i + 2] - b);
                        if (off < 30) n++;
                    }
                    counts[name] = n;
                }
                return counts;
            }""",
            [base64.b64encode(png).decode(), colours],
        )
    )


def test_the_notebook_page_renders_in_the_browser(browser: Any, tmp_path: Path) -> None:
    """The notebook display's HTML, as a browser draws it: the tables and Graphviz's SVG."""
    tool("dot")
    result = explain("y - max(0,w*x+b)", at={"y": 5, "w": 2, "x": 1, "b": 1}, wrt="w")
    path = tmp_path / "cell.html"
    path.write_text(
        f"<!DOCTYPE html><meta charset='utf-8'><body>{result._repr_html_()}</body>",
        encoding="utf-8",
    )
    page = browser.new_page()
    page.goto(path.as_uri())
    assert page.eval_on_selector_all(".adexplain table", "els => els.length") == 2
    width = page.eval_on_selector(".adexplain svg", "svg => svg.getBoundingClientRect().width")
    assert width > 100
    assert json.loads(json.dumps(page.inner_text(".adexplain table"))).count("w") >= 8


# --- the blocks view of a program with vectors -----------------------------------------------

NETWORK = ["--file", "samples/two_layer_network.toml"]


def _flat(nested: Any) -> list[Any]:
    return [x for item in nested for x in _flat(item)] if isinstance(nested, list) else [nested]


def _grid(opened: Opened, block: str, which: str) -> list[list[str]]:
    rows = opened.page.query_selector_all(f'[data-block="{block}"] table.matrix.{which} tr')
    return [[td.inner_text() for td in row.query_selector_all("td")] for row in rows]


def _numbers_match(shown: list[list[str]], expected: Any) -> None:
    """The page's grid holds the JSON document's numbers, each within --digits' rounding."""
    flat = [float(text) for row in shown for text in row]
    want = _flat(expected)
    assert len(flat) == len(want)
    for got, truth in zip(flat, want, strict=True):
        assert got == pytest.approx(truth, rel=1e-5, abs=1e-12), (shown, expected)


def test_the_blocks_are_shown_as_the_json_document_holds_them(browser: Any, tmp_path: Path) -> None:
    document = strict_json(output(*NETWORK, "--format", "json", "--show", "blocks"))
    opened = Opened(browser, _page(tmp_path, *NETWORK))
    page = opened.page
    cards = page.eval_on_selector_all(
        "#blocks [data-block]", "els => els.map(e => e.dataset.block)"
    )
    statements = [b["name"] for b in document["blocks"] if b["kind"] == "statement"]
    inputs = [b["name"] for b in document["blocks"] if b["kind"] == "input"]
    assert cards == statements[::-1] + inputs  # from the output down, then the inputs
    # Before the reverse sweep no adjoint is known.
    assert {cell for row in _grid(opened, "W", "adjoint") for cell in row} == {"?"}
    opened.stage(3)
    page.keyboard.press("End")
    for block in document["blocks"]:
        values, adjoints = (
            _grid(opened, block["name"], "value"),
            _grid(opened, block["name"], "adjoint"),
        )
        shape = block["shape"]
        # A grid, not a list: a matrix row by row, a vector as a column, a scalar one cell.
        rows, columns = [*shape, 1, 1][:2] if shape else (1, 1)
        assert [len(row) for row in values] == [columns] * rows, block["name"]
        _numbers_match(values, block["value"])
        _numbers_match(adjoints, block["adjoint"])
        rules = page.query_selector(f'[data-block="{block["name"]}"] .rules .mono')
        if block["kind"] == "statement":
            assert rules is not None and rules.inner_text().split("\n") == block["rules"]
        else:
            assert rules is None
    # The matrix gradients are the document's gradient, element by element.
    shown = [float(c) for row in _grid(opened, "W", "adjoint") for c in row]
    grads = document["gradient"]
    assert shown == pytest.approx([grads[f"W[{r},{c}]"] for r in (1, 2) for c in (1, 2)], rel=1e-5)
    # The matrix rule of the first layer, as the issue writes it.
    assert "W̄ = δ xᵀ" in opened.text('[data-block="h"]')
    assert opened.problems == []


def test_the_sweep_marks_the_block_it_completes(browser: Any, tmp_path: Path) -> None:
    path = _page(tmp_path, *NETWORK)
    data = _embedded(path.read_text(encoding="utf-8"), "adexplain-page")
    steps = next(s for s in data["stages"] if s["key"] == "adjoints")["steps"]
    members = {b["name"]: {c["node"] for row in b["rows"] for c in row} for b in data["blocks"]}
    opened = Opened(browser, path)
    page = opened.page
    opened.stage(3)
    marked = []
    for k in range(1, len(steps) + 1):
        page.keyboard.press("ArrowRight")
        if k == 3:
            # While a block gathers terms its cells hold the sums so far: the adjoint table's.
            table = opened.column("adjoints", "value")
            held = [
                table[data["nodes"][c["node"]]["adjoint_symbol"]]
                for row in next(b for b in data["blocks"] if b["name"] == "s")["rows"]
                for c in row
            ]
            assert [c for row in _grid(opened, "s", "adjoint") for c in row] == held
            assert held == ["0", "-1"]  # s[2] has its term from loss = logsumexp(s) - s[2]
        current = page.eval_on_selector_all(
            "#blocks .block.current", "els => els.map(e => e.dataset.block)"
        )
        for name in current:
            # The step is on one of the block's nodes, and no later step adds to any of them.
            assert steps[k - 1]["node"] in members[name]
            assert not any(s["node"] in members[name] for s in steps[k:])
            assert "completes the block" in opened.text(f'[data-block="{name}"] .status')
        marked += current
    # Every block the sweep reaches is marked once (all of them here).
    assert sorted(marked) == sorted(members)
    assert opened.problems == []


def test_clicking_an_element_names_it(browser: Any, tmp_path: Path) -> None:
    document = strict_json(output(*NETWORK, "--format", "json"))
    node = next(n for n in document["nodes"] if n.get("name") == "W[1,2]")["id"]
    opened = Opened(browser, _page(tmp_path, *NETWORK))
    page = opened.page
    page.click(f'g.node[data-node="{node}"]')
    assert "Element W[1,2]: row 1, column 2 of W, a 2×2 matrix" in opened.text("#details")
    # Its cell in the block W is the one marked: the value W[1,2] = -1 of the sample.
    selected = page.query_selector_all('[data-block="W"] td.selected')
    assert [td.inner_text() for td in selected] == ["-1", "?"]
    page.keyboard.press("Escape")
    page.click('[data-block="h"] table.value td[data-node]')  # h's first element
    assert "Element h[1]: entry 1 of h, a vector of 2" in opened.text("#details")
    assert page.query_selector_all("g.node.selected")
    assert opened.problems == []


def test_a_scalar_program_has_no_blocks_view(browser: Any, tmp_path: Path) -> None:
    data = _embedded(output(*EXAMPLE, "--format", "html"), "adexplain-page")
    assert "blocks" not in data
    opened = Opened(browser, _page(tmp_path, *EXAMPLE))
    assert opened.page.query_selector("#blocks") is None
    assert opened.problems == []


def test_a_vector_outputs_jacobian_is_shown_as_a_matrix(browser: Any, tmp_path: Path) -> None:
    args = ["tanh(W @ x)", "--at", "W=[[1,2],[3,4]],x=[0.5,-1]", "--wrt", "x"]
    jacobian = strict_json(output(*args, "--format", "json"))["jacobian"]
    opened = Opened(browser, _page(tmp_path, *args))
    table = opened.page.query_selector("#jacobian .jacobian-matrix table")
    assert table is not None
    headers = [th.inner_text() for th in table.query_selector_all("thead th")]
    assert headers[1:] == jacobian["inputs"]
    rows = table.query_selector_all("tbody tr")
    shown = [[td.inner_text() for td in row.query_selector_all("td")] for row in rows]
    _numbers_match(shown, jacobian["matrix"])
    # Independently: tanh(W @ x)'s Jacobian is diag(1 - tanh(W @ x)²) W.
    a = [1 * 0.5 + 2 * -1, 3 * 0.5 + 4 * -1]
    expected = [
        [(1 - math.tanh(a[i]) ** 2) * w for w in row] for i, row in enumerate([[1, 2], [3, 4]])
    ]
    _numbers_match(shown, expected)
    text = opened.text("#jacobian")
    assert f"forward mode {jacobian['forward_sweeps']} (one per input)" in text
    assert opened.problems == []


def test_show_blocks_alone_shows_the_finished_blocks(browser: Any, tmp_path: Path) -> None:
    document = strict_json(output(*NETWORK, "--format", "json"))
    opened = Opened(browser, _page(tmp_path, *NETWORK, "--show", "blocks"))
    assert "Nothing to step through" in opened.text("#step")
    for block in document["blocks"]:  # no sweep to wait for: every number is there
        _numbers_match(_grid(opened, block["name"], "value"), block["value"])
        _numbers_match(_grid(opened, block["name"], "adjoint"), block["adjoint"])
    assert opened.problems == []


WIDE = 12
"""The rows of the wide network's W: a button per forward sweep made 3 + 24 of them."""


def _wide_network() -> tuple[list[str], dict[str, Any]]:
    """``h = tanh(W @ x + b); loss = (sum(h) - t)^2`` with a 12 × 2 W, by W."""
    at = {
        "W": [[0.1 * (i + 1), -0.05 * (i + 1)] for i in range(WIDE)],
        "x": [1.0, 2.0],
        "b": [0.01 * i for i in range(WIDE)],
        "t": 1.0,
    }
    point = ",".join(f"{name}={json.dumps(value)}" for name, value in at.items())
    program = "h = tanh(W @ x + b); loss = (sum(h) - t)^2"
    return [program, "--at", point, "--wrt", "W"], at


def test_the_stage_bar_is_one_row_for_a_wide_network(browser: Any, tmp_path: Path) -> None:
    args, at = _wide_network()
    path = _page(tmp_path, *args)
    data = _embedded(path.read_text(encoding="utf-8"), "adexplain-page")
    assert sum(1 for s in data["stages"] if s["key"].startswith("tangents:")) == 2 * WIDE
    opened = Opened(browser, path)
    page = opened.page
    buttons = page.query_selector_all("#stages button")
    assert len(buttons) == 4
    bar = page.locator("#stages").bounding_box()
    button = buttons[0].bounding_box()
    assert bar is not None and button is not None
    assert bar["height"] < 1.6 * button["height"]  # one row of buttons
    controls = page.locator("#controls").bounding_box()
    assert controls is not None and controls["height"] < 0.15 * 1000  # of the 1000 px window
    page.select_option("#sweep-variable", label=f"W[{WIDE},2]")
    assert f"Forward sweep for W[{WIDE},2] · step 0 of" in opened.text("#step")
    assert page.get_attribute('#stages button[data-stage="tangents"]', "aria-selected") == "true"
    assert opened.to_the_end() > 1
    # The sweep ends at ∂loss/∂W[12,2] = 2 (Σh - t) (1 - h₁₂²) x₂, worked out here.
    h = [
        math.tanh(sum(w * x for w, x in zip(row, at["x"], strict=True)) + b)
        for row, b in zip(at["W"], at["b"], strict=True)
    ]
    wanted = 2 * (sum(h) - at["t"]) * (1 - h[-1] ** 2) * at["x"][1]
    symbol = data["nodes"][data["output"]]["tangent_symbol"]
    shown = opened.column(f"tangents:W[{WIDE},2]", "value")[symbol]
    assert float(shown) == pytest.approx(wanted, rel=1e-5)
    assert opened.problems == []


def test_every_stage_of_a_network_is_reached_by_keys(browser: Any, tmp_path: Path) -> None:
    path = _page(tmp_path, *NETWORK)
    titles = [
        s["title"] for s in _embedded(path.read_text(encoding="utf-8"), "adexplain-page")["stages"]
    ]
    assert len(titles) > 9  # more than the digits 1–9 could reach one by one
    opened = Opened(browser, path)
    page = opened.page

    def shown() -> str:
        return opened.text("#step .count").split(" · ")[0]

    seen = []
    for number in range(1, len(page.query_selector_all("#stages button")) + 1):
        opened.stage(number)
        seen.append(shown())
    for _ in titles:
        page.keyboard.press("]")
        seen.append(shown())
    assert set(seen) == set(titles)
    page.keyboard.press("[")
    assert shown() == titles[-2]
    # Tab from the sweep's button reaches its list, which keeps the last sweep shown (the
    # one before the last); an arrow key there chooses the next one.
    opened.stage(1)
    page.focus('#stages button[data-stage="tangents"]')
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "sweep-variable"
    page.keyboard.press("ArrowDown")
    assert shown() == titles[-1]
    assert opened.problems == []


def test_a_wide_graph_opens_on_its_output(browser: Any, tmp_path: Path) -> None:
    """A 3-2-3 network's graph is wider than its pane: the pane opens scrolled to the
    output's box (a sweep starts there), not on a blank corner; its box says its name."""
    program = "h = tanh(W1 @ x + b1); s = W2 @ h + b2; loss = cross_entropy(s, 2)"
    point = (
        "W1=[[0.1,-0.2,0.3],[0.4,0.5,-0.6]],x=[1,2,-1],b1=[0.1,-0.1],"
        "W2=[[1,-1],[0.5,0.2],[-0.3,0.8]],b2=[0,0.1,-0.1]"
    )
    opened = Opened(browser, _page(tmp_path, program, "--at", point, "--wrt", "W1"))
    page = opened.page
    pane = page.locator("#graph").bounding_box()
    output = page.locator("#picture g.node.output").bounding_box()
    assert pane is not None and output is not None
    assert page.evaluate("document.getElementById('graph').scrollWidth") > pane["width"]
    assert pane["x"] <= output["x"] and output["x"] + output["width"] <= pane["x"] + pane["width"]
    box = page.text_content("#picture g.node.output") or ""
    assert "(loss)" in box and "= Z" not in box
    assert "loss (thick border)" in opened.text("#legend")
    assert opened.problems == []


def test_the_reverse_sweeps_rule_is_written_in_the_graphs_own_letters() -> None:
    """With a variable named w1 the nodes are u1, u2, …; the page's rule says ūᵢ, not w̄ᵢ,
    which would read as the student's weight."""
    page = output("w1*x", "--at", "w1=1,x=2", "--format", "html")
    stages = {s["key"]: s for s in _embedded(page, "adexplain-page")["stages"]}
    intro = unicodedata.normalize("NFD", stages["adjoints"]["intro"])
    assert unicodedata.normalize("NFD", "ūᵢ += ūⱼ · ∂uⱼ/∂uᵢ") in intro
    assert unicodedata.normalize("NFD", "w̄") not in intro
