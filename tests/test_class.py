"""A class of 43 submissions graded against one assignment, each score predicted by hand.

The assignment (tests/data/class/assignment.toml) is

    Z = exp(y) * x + sigmoid(x*x) + cos(y) + relu(y - 2)   at x = 2, y = 2

numbered w1 = x, w2 = y, w3 = exp(w2), w4 = w3 * w1, w5 = w1 * w1, w6 = sigmoid(w5),
w7 = w4 + w6, w8 = cos(w2), w9 = w7 + w8, w10 = w2 - 2, w11 = relu(w10), w12 = w9 + w11.
Worked by hand: w3 = e² = 7.38906, w4 = 2e² = 14.7781, w5 = 4, w6 = σ(4) = 0.982014,
w7 = 15.7601, w8 = cos 2 = -0.416147, w9 = w12 = 15.3440, w10 = w11 = 0; the partials
e², 2, e², 2·w1 = 4 (the product rule), σ(4)(1 - σ(4)) = 0.0176627, 1, 1, -sin 2 =
-0.909297, 1, 1, 1, relu'(0) ∈ [0, 1] (a kink), 1, 1; ∂Z/∂x = e² + 4·0.0176627 = 7.45971
and ∂Z/∂y = 2e² - sin 2 + relu'(0) ∈ [13.8688, 14.8688].

10 values and 14 partials at 1 point, and `[weights] gradient = 2`: 28 points for all.
The files were written by tests/data/class/make_class.py from that hand-worked sheet, with
each student's mistakes put in; the scores below are predicted from the README's rules,
not taken from the tool.
"""

from __future__ import annotations

import csv
import io
import json
import runpy
from pathlib import Path
from typing import Any

import pytest

from .helpers import REPO, run

CLASS = REPO / "tests" / "data" / "class"
MAX = 28

# file (under submissions/) -> (score, why), by hand.
EXPECTED: dict[str, tuple[int, str]] = {
    "s01.toml": (28, "every entry right to 6 digits"),
    "s02.toml": (28, "every entry rounded to 3 significant digits: the tolerance"),
    "s03.toml": (24, "2 decimals: σ 0.98, cos -0.42, σ′ 0.02, -sin -0.91 miss the 3rd digit"),
    "s04.toml": (4, "only the gradient, right: 2 + 2 of 28, not 4 of 4"),
    "s05.toml": (0, "the blank template: nothing answered, 0 of 28"),
    "s06.toml": (28, "all right plus the inputs w1, w2: given, not graded, no bonus"),
    "s07.toml": (
        19,
        "at changed to (1, 1): 9 steps carried (w6 w7 w9 w12, ∂w4/∂w1 ∂w6/∂w5, "
        "∂Z/∂x, ∂Z/∂y) + 10 right; w3 w4 w5 w8 w10 and 4 partials wrong",
    ),
    "s08.toml": (0, "expr replaced by x + y: w3 = 4, ∂w3/∂w2 = 1, gradient 1, 1 all wrong"),
    "s09.toml": (28, "e², 2×e², −sin 2, 0,982, 15,34 are all read and right"),
    "s10.toml": (27, "w10 = −1/2 read (Unicode minus) and wrong; relu of it is still 0"),
    "s11.toml": (27, "w3 = 'about 7.4' is unreadable: that entry only"),
    "s12.toml": (27, "w12 written under the key w13: w12 missing, w13 names nothing"),
    "s13.toml": (26, "∂Z/∂x under the key dZ/dx: 2 points missing"),
    "s14.toml": (27, "w4 = true is unreadable: that entry only"),
    "s15.toml": (28, "7,389 is a decimal comma: 7.389 is e² to 3 digits"),
    "s16.toml": (
        24,
        "σ rounded to 1: w6 wrong, σ′ = 0 wrong (it is σ′(4) whatever σ was "
        "written), ∂Z/∂x through that 0 earns no carried credit (2)",
    ),
    "s17.toml": (26, "σ = 0.98: w6 and σ′ = 0.0196 wrong; ∂Z/∂x follows from that σ′"),
    "s18.toml": (
        26,
        "w3 = 7 and ∂w3/∂w2 = 7 wrong (exp′ is exp(2)); what is built on them follows",
    ),
    "s19.toml": (3, "0 everywhere: only w10, w11 (truly 0) and relu′(0) = 0; no carried credit"),
    "s20.toml": (0, "7 everywhere: nothing is 7, and no carried credit"),
    "s21.toml": (28, "relu′(0) = 1 is in [0, 1], and ∂Z/∂y with it is in range"),
    "s22.toml": (28, "relu′(0) = 1/2, likewise"),
    "s23.toml": (27, "relu′(0) = 2 is outside [0, 1]; ∂Z/∂y follows from it"),
    "s24.toml": (27, "product rule forgotten (∂w5/∂w1 = 2); ∂Z/∂x follows"),
    "s25.toml": (27, "product rule forgotten; ∂Z/∂x right anyway"),
    "s26.toml": (27, "product rule forgotten; ∂Z/∂x follows"),
    "s27.toml": (27, "product rule forgotten; ∂Z/∂x follows"),
    "s28.toml": (27, "product rule forgotten; ∂Z/∂x follows"),
    "s29.toml": (25, "product rule forgotten, and ∂Z/∂x = 7 follows from nothing (2)"),
    "s30.toml": (26, "product rule forgotten and ∂cos = +sin: 2 partials; both gradients follow"),
    "s31.toml": (27, "∂cos = +sin; ∂Z/∂y follows"),
    "s32.toml": (27, "w8 = sin 2 instead of cos 2; w9 and w12 follow"),
    "s33.toml": (26, "∂Z/∂x = e²: a path forgotten, with every partial right (2)"),
    "s35.toml": (27, "w4 = 14: w7, w9, w12 follow"),
    "s36.toml": (27, "w5 = 5: σ(5), σ′(5) and ∂Z/∂x follow; w7, w9, w12 still round right"),
    "s37.toml": (10, "the values only"),
    "s38.toml": (14, "the partials only"),
    "s39-draft.toml": (10, "Ada's draft (values only): a duplicate name"),
    "S40.TOML": (28, "all right, in a file named .TOML"),
    "folders/s41/submission.toml": (27, "one folder per submission; w12 = 15 is wrong"),
    "s43.toml": (26, "wrt changed to x only: ∂Z/∂y missing (2)"),
    "s44.toml": (28, "σ′ and ∂Z/∂x as expressions with −, × and ·: read and right"),
}
NOT_GRADED = {"s42.toml": "file"}  # a PDF renamed .toml: not a submission at all


@pytest.fixture(scope="module")
def graded() -> dict[str, Any]:
    result = run(
        "check",
        "--key",
        str(CLASS / "assignment.toml"),
        str(CLASS / "submissions"),
        "--format",
        "json",
    )
    assert result.exit_code == 2, result.output  # s42 could not be graded at all
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def by_file(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    root = str(CLASS / "submissions") + "/"
    return {s["file"].removeprefix(root): s for s in document["submissions"]}


def items(submission: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["key"]: item for item in submission["items"]}


def test_the_class_has_at_least_40_students_graded_or_refused(graded: dict[str, Any]) -> None:
    """Counted from what check reported, not from this file's own tables."""
    assert len(by_file(graded)) + len(NOT_GRADED) >= 40


def test_every_score_is_the_one_predicted_by_hand(graded: dict[str, Any]) -> None:
    submissions = by_file(graded)
    assert set(submissions) == set(EXPECTED) | set(NOT_GRADED)
    scores = {name: submissions[name]["score"] for name in EXPECTED}
    assert scores == {name: score for name, (score, _) in EXPECTED.items()}
    assert {submissions[name]["max_score"] for name in EXPECTED} == {MAX}
    for name, code in NOT_GRADED.items():
        assert submissions[name]["error"]["code"] == code
    assert graded["skipped"] == [str(CLASS / "submissions" / "notes.txt")]


def test_what_the_students_of_the_issue_are_told(graded: dict[str, Any]) -> None:
    s = by_file(graded)
    # σ rounded to 1: σ′ is σ′(4), and a gradient through σ′ = 0 gets no carried credit.
    pia = items(s["s16.toml"])
    assert pia["w6/w5"]["verdict"] == "wrong" and pia["x"]["verdict"] == "wrong"
    assert "drops every path through it" in pia["x"]["feedback"]
    # The true number is the one called "this is"; 0.0196 is never presented as it.
    quin = items(s["s17.toml"])
    assert "this is 0.0176627, not 0.0196" in quin["w6/w5"]["feedback"]
    assert quin["x"]["verdict"] == "follows"
    assert quin["x"]["carried_from"] == ["∂w6/∂w5 = 0.0196"]
    # exp′(2) is e², not the student's own 7 for exp(2).
    rae = items(s["s18.toml"])
    assert rae["w3/w2"]["verdict"] == "wrong"
    assert rae["w4"]["feedback"].startswith("w4 = 14 follows from your w3 = 7")
    # Blanket zeros: nothing follows.
    assert {i["verdict"] for i in s["s19.toml"]["items"]} == {"right", "wrong"}
    # Hand-written forms are read, and the report keeps what was written.
    ivo = items(s["s09.toml"])
    assert ivo["w8/w2"]["written"] == "−sin 2" and ivo["w8/w2"]["verdict"] == "right"
    assert items(s["s15.toml"])["w3"]["written"] == "7,389"
    # One unreadable answer costs one entry, with the reader's hint.
    kai = items(s["s11.toml"])["w3"]
    assert kai["verdict"] == "unreadable" and kai["points"] == 0
    assert "could not be read" in kai["feedback"]
    assert "not true" in items(s["s14.toml"])["w4"]["feedback"]
    stray = {item["key"]: item for item in s["s13.toml"]["strays"]}
    assert "write x = ..." in stray["dZ/dx"]["feedback"]
    # A key that names nothing is no item: every file has the assignment's entries, no more.
    assert "dZ/dx" not in items(s["s13.toml"])
    assert len({len(one["items"]) for one in s.values() if one["error"] is None}) == 1
    assert items(s["s12.toml"])["w12"]["verdict"] == "missing"
    # A changed problem is graded as assigned, and said so.
    assert s["s07.toml"]["changes"] == ["at is { x = 1, y = 1 }, not { x = 2, y = 2 }"]
    assert s["s08.toml"]["changes"][0].startswith("expr is 'x + y'")
    assert s["s43.toml"]["changes"] == ["wrt is ['x'], not 'all'"]
    assert "w1 is an input: it is given, not graded" in s["s06.toml"]["notes"]
    # Both of Ada's files are flagged.
    assert s["s01.toml"]["duplicate_name"] and s["s39-draft.toml"]["duplicate_name"]
    # Kinks: 1 and 1/2 are right for relu′(0), 2 is not.
    assert items(s["s21.toml"])["w11/w10"]["verdict"] == "right"
    assert items(s["s22.toml"])["w11/w10"]["verdict"] == "right"
    assert items(s["s23.toml"])["w11/w10"]["verdict"] == "wrong"


def test_the_item_table_shows_the_forgotten_product_rule(graded: dict[str, Any]) -> None:
    # Eight gave ∂w5/∂w1 = 2: s24-s30 took one edge's w1 instead of w1 + w1, and s07 worked
    # at x = 1; the blanket answers are the 0 and the 7.
    assert graded["items"]["∂w5/∂w1"]["wrong_answers"] == {"2": 8, "0": 1, "7": 1}
    text = run("check", "--key", str(CLASS / "assignment.toml"), str(CLASS / "submissions")).stdout
    (row,) = [line for line in text.splitlines() if line.lstrip().startswith("∂w5/∂w1 ")]
    assert row.endswith("2 (×8)")  # answers only one student gave are not listed
    assert "duplicate name" in text


def test_the_tool_s_convention_at_kinks_can_be_required() -> None:
    """With --kink-convention only relu′(0) = 0 is right: Uma's 1 and Vic's 1/2 cost their
    entry, and ∂Z/∂y, no longer in a range, follows from the partial each gave: 27 each."""
    result = run(
        "check",
        "--key",
        str(CLASS / "assignment.toml"),
        str(CLASS / "submissions" / "s21.toml"),
        str(CLASS / "submissions" / "s22.toml"),
        "--kink-convention",
        "--format",
        "json",
    )
    uma, vic = json.loads(result.stdout)["submissions"]
    assert uma["score"] == vic["score"] == 27
    assert items(uma)["y"]["verdict"] == "follows"
    assert "only the tool's convention" in json.loads(result.stdout)["rules"]


def test_the_class_as_csv_for_a_learning_management_system() -> None:
    result = run(
        "check",
        "--key",
        str(CLASS / "assignment.toml"),
        str(CLASS / "submissions"),
        "--format",
        "csv",
    )
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == len(EXPECTED) + len(NOT_GRADED)
    header = list(rows[0])
    assert header[:5] == ["name", "file", "score", "max", "percent"]
    assert len(header) == 5 + 26 + 1  # one column per entry, then remarks
    root = str(CLASS / "submissions") + "/"
    for row in rows:
        name = row["file"].removeprefix(root)
        if name in NOT_GRADED:
            # Not graded is no 0 for the LMS: score and percent blank, the maximum still due.
            assert (row["score"], row["max"], row["percent"]) == ("", str(MAX), "")
            assert row["remarks"] == "not graded: file"
            continue
        score, _ = EXPECTED[name]
        assert (row["score"], row["max"]) == (str(score), str(MAX))
        assert row["percent"] == f"{100 * score / MAX:.1f}"
        assert sum(float(row[column] or 0) for column in header[5:-1]) == score
    ada = [row for row in rows if row["name"] == "Ada"]
    assert [row["remarks"] for row in ada] == ["duplicate name", "duplicate name"]


def test_the_class_files_are_what_the_script_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The submissions are data, but their maker is kept beside them: it must still make
    exactly these files, so a reader can check each student's mistake in it."""
    monkeypatch.chdir(tmp_path)
    runpy.run_path(str(CLASS / "make_class.py"))

    def files(root: Path) -> dict[str, bytes]:
        return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}

    assert files(tmp_path / "submissions") == files(CLASS / "submissions")


def test_the_readme_shows_what_the_tool_prints_for_rae() -> None:
    """Every line of README's example in "Checking homework" (but the elisions) is printed."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    command = "$ adexplain check --key tests/data/class/assignment.toml "
    start = readme.index(command)
    shown = readme[start : readme.index("```", start)].splitlines()
    args = shown[0].removeprefix("$ adexplain ").split()
    printed = run(*[str(REPO / a) if a.startswith("tests/") else a for a in args]).stdout
    printed = printed.replace(str(REPO) + "/", "")
    for line in shown[1:]:
        if line.strip() != "...":
            assert line in printed.splitlines(), line
