"""What the text formats show around the numbers: long chain-rule lines stay honest."""

from __future__ import annotations

import math
import re

from autodiff_cli import explain
from autodiff_cli.problem import tomllib  # the standard library's, or tomli on 3.10
from autodiff_cli.render import RenderOptions, renderer

from .helpers import REPO, output


def _plain(expression: str, **at: float) -> str:
    return renderer("plain")(explain(expression, at=at, wrt=["x"]), RenderOptions())


def test_a_long_path_leaves_out_unit_factors_before_any_other() -> None:
    """relu passes 1 on twenty times; the one factor that is not 1 (v = 0.44) must show."""
    expression = "v*x"
    for _ in range(20):
        expression = f"relu({expression})"
    text = _plain(expression, v=0.44, x=2)
    products = [line for line in text.splitlines() if line.startswith("    = ") and "·" in line]
    assert products[-1] == "    = … · 0.44"  # the numbers: each factor of 1 left out, v kept
    assert "(20 factors of 1 left out)" in text


def test_hidden_factors_are_accounted_for_by_their_product() -> None:
    """Thirty factors of 1.1: the printed ones times the stated product give the product."""
    expression = "x"
    for _ in range(30):
        expression = f"1.1*({expression})"
    text = _plain(expression, x=1)
    shown = re.findall(
        r"1\.1", next(line for line in text.splitlines() if "· …" in line and "1.1" in line)
    )
    hidden = float(re.search(r"whose product is ([\d.]+)", text).group(1))
    assert math.isclose(1.1 ** len(shown) * hidden, 1.1**30, rel_tol=1e-5)


def test_the_path_sum_line_states_no_false_identity() -> None:
    """Paths nan and inf sum to nan; the reverse sweep says inf: both are shown, apart,
    never 'nan + inf = inf'."""
    result = explain("u = sqrt(x); u*y + u*z", at={"x": 0, "y": 0, "z": 1}, wrt=["x"])
    text = renderer("plain")(result, RenderOptions())
    assert "sum over paths: ∂Z/∂x = nan + inf = nan" in text
    assert "reverse accumulation gives inf instead" in text
    assert result.chains[0].path_sum != result.chains[0].gradient


def test_a_listing_cut_by_max_paths_names_that_bound() -> None:
    """Cut by --max-paths, the note names that bound (the shared step budget is another)."""
    expression = " + ".join(f"x{i}*x{i}" for i in range(3))
    result = explain(expression, at={f"x{i}": 1 for i in range(3)}, max_paths=0)
    text = renderer("plain")(result, RenderOptions())
    assert "(the bound is 0; set it with --max-paths)" in text


def test_a_listing_cut_by_the_shared_step_budget_names_the_budget() -> None:
    """Two variables each reached along 40 paths of 3 000 steps: the 100 000 steps run out
    before --max-paths 20 for both, and the note says which limit stopped it."""
    expression = "x + y"
    for _ in range(3000):
        expression = f"relu({expression})"
    result = explain(f"t = {expression}; " + " + ".join(["t"] * 40), at={"x": 1, "y": 1})
    text = renderer("plain")(result, RenderOptions())
    assert "the listing stops at 100,000 steps for all variables together" in text


def test_routes_that_round_differently_are_not_said_to_meet_infinities() -> None:
    text = _plain("x*1e16 + x - x*1e16", x=1)
    assert "reverse accumulation gives 0 instead: the two round differently" in text


def test_a_path_of_twelve_steps_shows_every_node_as_it_shows_every_factor() -> None:
    expression = "sin(" * 12 + "x" + ")" * 12  # 13 nodes, one path of 12 steps
    text = output(expression, "--at", "x=0.5", "--format", "plain")
    route = next(line.strip() for line in text.splitlines() if line.startswith("  w13 → "))
    assert route == " → ".join(f"w{i}" for i in range(13, 0, -1))
    # One node more, and the route is shortened, but never to hide a single node.
    longer = output("sin(" * 13 + "x" + ")" * 13, "--at", "x=0.5", "--format", "plain")
    assert "…(2 more)…" in longer and "(1 more)" not in longer


def test_plain_wraps_a_long_point_under_its_values_as_rich_does() -> None:
    text = output("--file", str(REPO / "samples" / "net_4_8_1.toml"), "--format", "plain")
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Point:"))
    end = next(i for i, line in enumerate(lines) if line.startswith("Output:"))
    point = lines[start:end]
    assert len(point) > 1 and all(len(line) <= 100 for line in point)
    assert all(line.startswith(" " * len("Point:      ")) for line in point[1:])
    # Nothing is lost at the breaks: the pairs read back as the problem file's point.
    pairs = " ".join(line[len("Point:      ") :] for line in point).split(", ")
    given = tomllib.loads((REPO / "samples" / "net_4_8_1.toml").read_text())["at"]
    assert pairs == [f"{name} = {value:g}" for name, value in given.items()]


def test_a_wrapped_line_keeps_a_vector_that_fits_whole() -> None:
    from autodiff_cli.render.formats.plain import hang

    line = "Output:     y = [-0.379949, -0.379949] (y is a vector of 2); " + "the rest " * 8
    parts = hang(line, 60)
    assert all(len(part) <= 60 for part in parts)
    assert "[-0.379949, -0.379949]" in parts[0]
    assert " ".join(" ".join(part.split()) for part in parts) == " ".join(line.split())
    # A vector wider than the line is still broken at its commas.
    wide = "Point:      W = [" + ", ".join(["0.123456"] * 20) + "]"
    assert all(len(part) <= 60 for part in hang(wide, 60))
