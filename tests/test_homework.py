"""The homework checker: verdicts, follow-through credit, reports, exit codes, a whole class.

The class test writes 200 generated submissions of the spec's example with slips
injected (some carried forward into later answers, some not) and a few malformed
files, grades the folder in one command, and compares every verdict with one
predicted by an independent re-computation written out here by hand.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autodiff_cli.answers import answer_hint, read_answer
from autodiff_cli.errors import AdexplainError
from autodiff_cli.homework import Tolerance
from autodiff_cli.render import REPORTS

from .helpers import REPO, compare_with_golden, run

HOMEWORK = REPO / "samples" / "homework"


@pytest.mark.parametrize("format_name", REPORTS)
def test_golden_reports(format_name: str, update_golden: bool, monkeypatch) -> None:
    monkeypatch.chdir(REPO)
    name = f"homework.{format_name}.{REPORTS[format_name].suffix}"
    # Gradescope grades one upload against the assignment; the others a folder of three.
    files = (
        ["--key", "samples/relu_neuron.toml", "samples/homework/alice.toml"]
        if format_name == "gradescope"
        else ["samples/homework"]
    )
    args = ["check", *files, "--format", format_name]
    compare_with_golden(args, name, update_golden, exit_code=1)


def test_golden_report_with_hidden_answers(update_golden: bool, monkeypatch) -> None:
    monkeypatch.chdir(REPO)
    args = ["check", "samples/homework/alice.toml", "--hide-answers"]
    compare_with_golden(args, "homework.alice.hidden.txt", update_golden, exit_code=1)


def test_first_slip_is_named_with_the_right_step_in_words() -> None:
    result = run("check", str(HOMEWORK / "alice.toml"))
    assert result.exit_code == 1
    assert "First slip: w7 = max(0, w6); with w6 = 3 this is 3, not 0" in result.stdout
    assert "~ w8 = 5 follows from your w7 = 0: w8 = w1 - w7 is the right step" in result.stdout


def test_hidden_answers_do_not_give_the_right_number_away() -> None:
    out = run("check", str(HOMEWORK / "dan.toml"), "--hide-answers").stdout
    assert "∂w2/∂w1 = 3 is not right" in out
    assert "this is 6" not in out


def test_exit_codes() -> None:
    assert run("check", str(HOMEWORK / "bob.toml")).exit_code == 0
    assert run("check", str(HOMEWORK / "bob.toml"), str(HOMEWORK / "alice.toml")).exit_code == 1


def test_a_malformed_file_is_reported_and_the_others_still_graded(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text('expr = "x*x"\nat = { x = 3 }\n[values]\nw2 = \n')
    result = run("check", str(HOMEWORK / "bob.toml"), str(broken), "--format", "json")
    assert result.exit_code == 2
    document = json.loads(result.stdout)
    bob, bad = document["submissions"]
    assert bob["score"] == bob["max_score"] == 15
    assert bad["error"]["code"] == "toml"
    assert "line 4" in bad["error"]["message"]
    assert document["not_graded"] == 1


@pytest.mark.parametrize(
    ("options", "verdict"),
    [
        ([], "right"),  # 0.693 is ln 2 to 3 significant digits
        (["--digits-tol", "5"], "wrong"),
        (["--digits-tol", "3"], "right"),
        (["--digits", "5"], "wrong"),  # the README's first name for --digits-tol
        (["--abs-tol", "0.001"], "right"),
        (["--rel-tol", "1e-6"], "wrong"),
    ],
)
def test_tolerance_options(tmp_path: Path, options: list[str], verdict: str) -> None:
    submission = tmp_path / "s.toml"
    submission.write_text('expr = "log(x)"\nat = { x = 2 }\n[values]\nw2 = 0.693\n')
    document = json.loads(run("check", str(submission), "--format", "json", *options).stdout)
    assert document["submissions"][0]["items"][0]["verdict"] == verdict


def test_exact_tolerance_compares_fractions(tmp_path: Path) -> None:
    submission = tmp_path / "s.toml"
    submission.write_text(
        'expr = "x/3"\nat = { x = 1 }\n[values]\nw2 = "1/3"\n[gradient]\nx = 0.333\n'
    )
    document = json.loads(run("check", str(submission), "--format", "json", "--exact").stdout)
    assert answered(document) == {"w2": "right", "x": "wrong"}


@pytest.mark.parametrize(
    "options", [["--exact", "--digits-tol", "2"], ["--digits", "2", "--digits-tol", "2"]]
)
def test_conflicting_tolerances_are_a_usage_error(options: list[str]) -> None:
    result = run("check", str(HOMEWORK / "bob.toml"), *options)
    assert result.exit_code == 2
    assert "choose one of --digits-tol, --abs-tol, --rel-tol and --exact" in result.stderr


def test_digits_tolerance_is_half_a_unit_in_the_last_digit() -> None:
    three = Tolerance()
    assert three.accepts(0.693, 0.6931471)
    assert not three.accepts(0.69, 0.6931471)
    assert three.accepts(11.65, 11.6521)
    assert three.accepts(11.7, 11.6521) and not three.accepts(11.6, 11.6521)
    assert three.accepts(0, 0) and not three.accepts(0.001, 0)


def test_gradescope_shape() -> None:
    document = json.loads(
        run("check", str(HOMEWORK / "alice.toml"), "--format", "gradescope").stdout
    )
    assert document["score"] == 7
    # Every entry of y - max(0, w*x + b) is a test: 4 values, 7 partials, 1 gradient.
    assert len(document["tests"]) == 12
    assert sum(test["max_score"] for test in document["tests"]) == 12
    for test in document["tests"]:
        assert set(test) == {"name", "score", "max_score", "output", "visibility"}
        assert test["max_score"] == 1 and test["visibility"] == "visible"


def answered(document: dict[str, Any], number: int = 0) -> dict[str, str]:
    """The verdicts of the entries a submission answered (a JSON report's)."""
    items = document["submissions"][number]["items"]
    return {item["key"]: item["verdict"] for item in items if item["verdict"] != "missing"}


def test_expect_on_the_main_command() -> None:
    example = ["y - max(0,w*x+b)", "--at", "y=5,w=2,x=1,b=1", "--wrt", "w"]
    assert run(*example, "--expect", "w=-1").exit_code == 0
    wrong = run(*example, "--expect", "w=1,w7=3")
    assert wrong.exit_code == 1
    assert "expected ∂Z/∂w = 1, but it is -1" in wrong.stderr
    assert run(*example, "--expect", "q=1").exit_code == 2


# --- A class of generated submissions ----------------------------------------------------

KEYS_IN_ORDER = [
    "w5",
    "w6",
    "w7",
    "w8",
    "w5/w2",
    "w5/w3",
    "w6/w5",
    "w6/w4",
    "w7/w6",
    "w8/w1",
    "w8/w7",
    "w",
]


def student_world(y: int, w: int, x: int, b: int, slips: dict[str, float]) -> dict[str, float]:
    """y - max(0, w*x + b), worked in order, with a student's slips substituted as they go.

    Written out by hand, independently of the tool: each entry is computed from the
    student's own earlier entries, which is what an answer that "follows" must match.
    """
    s: dict[str, float] = {}
    s["w5"] = slips.get("w5", w * x)
    s["w6"] = slips.get("w6", s["w5"] + b)
    s["w7"] = slips.get("w7", max(0, s["w6"]))
    s["w8"] = slips.get("w8", y - s["w7"])
    s["w5/w2"] = slips.get("w5/w2", x)
    s["w5/w3"] = slips.get("w5/w3", w)
    s["w6/w5"] = slips.get("w6/w5", 1)
    s["w6/w4"] = slips.get("w6/w4", 1)
    tie = 0.5  # max(0, w6) at w6 = 0 splits the gradient, as PyTorch does
    s["w7/w6"] = slips.get("w7/w6", 1 if s["w6"] > 0 else tie if s["w6"] == 0 else 0)
    s["w8/w1"] = slips.get("w8/w1", 1)
    s["w8/w7"] = slips.get("w8/w7", -1)
    s["w"] = slips.get("w", s["w8/w7"] * s["w7/w6"] * s["w6/w5"] * s["w5/w2"])
    return s


def generate_class(directory: Path, count: int, seed: int) -> dict[str, dict[str, str]]:
    """Write `count` submissions; return, per file, the verdict each answer must get."""
    rng = random.Random(seed)
    expected: dict[str, dict[str, str]] = {}
    for number in range(count):
        y, w, x, b = rng.randint(-5, 9), rng.randint(1, 5), rng.randint(1, 4), rng.randint(0, 3)
        truth = student_world(y, w, x, b, {})
        slips: dict[str, float] = {}
        if rng.random() < 0.7:
            slipped = rng.choice(KEYS_IN_ORDER)
            slips[slipped] = truth[slipped] + rng.choice([-3, -2, 2, 5, 10])
        world = student_world(y, w, x, b, slips)
        # The slip is written down (a slip in an unwritten step cannot be seen), and most
        # students carry it forward; the others do every later step right.
        answered = [key for key in KEYS_IN_ORDER if key in slips or rng.random() < 0.6]
        carries = rng.random() < 0.75
        verdicts: dict[str, str] = {}
        answers: dict[str, float] = {}
        for key in answered or ["w"]:
            answers[key] = world[key] if carries or key in slips else truth[key]
            if answers[key] == truth[key]:
                verdicts[key] = "right"
            elif key in slips or answers[key] == 0:
                # A step that a slip makes 0 earns no carried credit (README's rule 3).
                verdicts[key] = "wrong"
            else:
                verdicts[key] = "follows"
        name = f"student{number:03d}.toml"
        write_submission(directory / name, (y, w, x, b), answers)
        expected[name] = verdicts
    return expected


def write_submission(
    path: Path, point: tuple[int, int, int, int], answers: dict[str, float]
) -> None:
    y, w, x, b = point
    sections: dict[str, list[str]] = {"values": [], "partials": [], "gradient": []}
    for key, value in answers.items():
        section = "gradient" if key == "w" else "partials" if "/" in key else "values"
        sections[section].append(f'"{key}" = {value}')
    lines = [
        'expr = "y - max(0, w*x + b)"',
        f"at = {{ y = {y}, w = {w}, x = {x}, b = {b} }}",
        'wrt = ["w"]',
    ]
    for section, entries in sections.items():
        if entries:
            lines += [f"[{section}]", *entries]
    path.write_text("\n".join(lines) + "\n")


def test_a_class_of_200_with_slips_and_malformed_files(tmp_path: Path) -> None:
    expected = generate_class(tmp_path, 200, seed=2026)
    malformed = {
        "zz_broken_toml.toml": ('expr = "x"\nat = { x = 1\n', "toml"),
        "zz_binary.toml": ("\x00\x01\x02", "toml"),
        "zz_bad_expr.toml": ('expr = "x +"\nat = { x = 1 }\n', "syntax"),
    }
    for name, (content, _) in malformed.items():
        (tmp_path / name).write_text(content)
    # A key that names nothing costs nothing but itself: the file is still graded.
    (tmp_path / "zz_unknown_node.toml").write_text(
        'expr = "x*x"\nat = { x = 1 }\n[values]\nw2 = 1\nw9 = 1\n'
    )
    digests = {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in tmp_path.iterdir()}

    result = run("check", str(tmp_path), "--format", "json")

    assert result.exit_code == 2  # malformed files win over wrong answers
    document = json.loads(result.stdout)
    graded = {Path(s["file"]).name: s for s in document["submissions"]}
    assert len(graded) == 204
    stray = graded["zz_unknown_node.toml"]
    assert stray["error"] is None and stray["score"] == 1
    assert {i["key"]: i["verdict"] for i in stray["strays"]}["w9"] == "unreadable"
    assert "w9" not in {i["key"] for i in stray["items"]}
    for name, verdicts in expected.items():
        submission = graded[name]
        assert submission["error"] is None, submission["error"]
        got = {i["key"]: i["verdict"] for i in submission["items"] if i["verdict"] != "missing"}
        assert got == verdicts, name
        assert len(submission["items"]) == len(KEYS_IN_ORDER) == submission["max_score"]
        assert submission["score"] == sum(v != "wrong" for v in verdicts.values())
    for name, (_, code) in malformed.items():
        assert graded[name]["error"]["code"] == code, name
    # Submissions are never modified.
    assert digests == {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in tmp_path.iterdir()}
    # The injected slips cover every kind of verdict.
    kinds = {v for verdicts in expected.values() for v in verdicts.values()}
    assert kinds == {"right", "follows", "wrong"}


def test_zero_is_right_for_floating_point_noise_and_inf_is_an_answer(tmp_path: Path) -> None:
    noise = tmp_path / "noise.toml"
    noise.write_text('expr = "cos(x) + sin(x)*y"\nat = { x = "pi/2", y = 1 }\n[values]\nw3 = 0\n')
    assert answered(json.loads(run("check", str(noise), "--format", "json").stdout)) == {
        "w3": "right"
    }
    infinite = tmp_path / "inf.toml"
    infinite.write_text('expr = "sqrt(x) + x"\nat = { x = 0 }\n[partials]\n"w2/w1" = "inf"\n')
    document = json.loads(run("check", str(infinite), "--format", "json").stdout)
    assert answered(document) == {"w2/w1": "right"}


def test_a_byte_order_mark_does_not_break_a_submission(tmp_path: Path) -> None:
    submission = tmp_path / "bom.toml"
    submission.write_bytes(b"\xef\xbb\xbf" + (HOMEWORK / "bob.toml").read_bytes())
    assert run("check", str(submission)).exit_code == 0


def test_a_folder_check_skips_answer_keys(tmp_path: Path) -> None:
    run("quiz", "--seed", "2", "--count", "2", "--out", str(tmp_path))
    document = json.loads(run("check", str(tmp_path), "--format", "json").stdout)
    assert [Path(s["file"]).name for s in document["submissions"]] == [
        "problem-01.toml",
        "problem-02.toml",
    ]


def test_a_syntax_error_in_a_multi_line_expr_gives_its_line_in_the_file(tmp_path: Path) -> None:
    """check and --file read a problem by the same route, so they locate an error alike."""
    submission = tmp_path / "bad.toml"
    submission.write_text('# a comment\nexpr = """\na = x*x\nb = a +\n"""\nat = { x = 1 }\n')
    where = f"at line 2, column 8 of expr in {submission} (line 4 of the file)"
    assert where in run("--file", str(submission)).stderr
    result = run("check", str(submission))
    assert result.exit_code == 2
    assert where in result.stdout
    error = json.loads(run("check", str(submission), "--format", "json").stdout)
    assert error["submissions"][0]["error"]["line"] == 4


def test_a_student_s_values_outside_a_domain_are_graded_not_crashed(tmp_path: Path) -> None:
    """The student's world runs through the same passes, where a wrong value may leave a
    domain (log of a negative) or a partial may fail: those steps are nan, and graded."""
    submission = tmp_path / "s.toml"
    submission.write_text(
        'expr = "p = x*y; log(p) + sqrt(p)"\nat = { x = 2, y = 3 }\n'
        '[values]\nw3 = -6\nw4 = 1.79\n[partials]\n"w4/w3" = 0.167\n"w5/w3" = 0.204\n'
        "[gradient]\nx = 1.2\n"
    )
    document = json.loads(run("check", str(submission), "--format", "json").stdout)
    items = {item["key"]: item for item in document["submissions"][0]["items"]}
    assert items["w3"]["verdict"] == "wrong"  # x*y is 6
    assert items["w4"]["verdict"] == "right"  # log(6), though log(-6) is what follows
    assert items["w4/w3"]["verdict"] == "right"  # 1/6 at the true point
    assert items["w5/w3"]["verdict"] == "right"
    assert items["x"]["verdict"] == "wrong"  # the truth is 3/6 + 3/(2*sqrt(6)) = 1.112


def test_a_student_s_partial_is_carried_from_their_arguments_not_their_own_answer(
    tmp_path: Path,
) -> None:
    """exp' is exp of the argument: with w1 = 0 the step gives 1, whatever the student wrote
    for w2 = exp(w1) (here 5), so a partial of 5 is wrong, not "follows"."""
    submission = tmp_path / "s.toml"
    submission.write_text(
        'expr = "exp(x)"\nat = { x = 0 }\n[values]\nw2 = 5\n[partials]\n"w2/w1" = 5\n'
    )
    document = json.loads(run("check", str(submission), "--format", "json").stdout)
    assert answered(document) == {"w2": "wrong", "w2/w1": "wrong"}


# --- Grading against a key, entry by entry (issue 13) -------------------------------------

KINKS = [
    # (expression, point, partial key, convention, (low, high)) — worked by hand.
    ("relu(x) + y", "{ x = 0, y = 1 }", "w3/w1", 0, (0, 1)),
    ("abs(x) + y", "{ x = 0, y = 1 }", "w3/w1", 0, (-1, 1)),
    ("max(x, y)", "{ x = 2, y = 2 }", "w3/w1", 0.5, (0, 1)),
    ("min(x, y)", "{ x = 2, y = 2 }", "w3/w2", 0.5, (0, 1)),
]


def submission(tmp_path: Path, text: str, name: str = "s.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("expr", "at", "key", "convention", "interval"), KINKS)
def test_at_a_kink_any_value_of_the_subdifferential_is_right(
    tmp_path: Path, expr: str, at: str, key: str, convention: float, interval: tuple[int, int]
) -> None:
    low, high = interval
    inside = [low, (low + high) / 2, high, convention]
    outside = [low - 0.5, high + 0.5]
    for answer in inside + outside:
        path = submission(tmp_path, f'expr = "{expr}"\nat = {at}\n[partials]\n"{key}" = {answer}\n')
        document = json.loads(run("check", str(path), "--format", "json").stdout)
        assert answered(document)[key] == ("right" if answer in inside else "wrong"), answer
        strict = run("check", str(path), "--format", "json", "--kink-convention").stdout
        expected = "right" if answer == convention else "wrong"
        assert answered(json.loads(strict))[key] == expected, answer


def test_the_gradient_at_a_kink_is_right_for_every_choice_of_the_kink_partial(
    tmp_path: Path,
) -> None:
    """Z = relu(x) * y at x = 0, y = 3: ∂Z/∂x = relu'(0) · 3, anything in [0, 3]."""
    for answer, verdict in [(0, "right"), (1.5, "right"), (3, "right"), (3.5, "wrong")]:
        path = submission(
            tmp_path, f'expr = "relu(x) * y"\nat = {{ x = 0, y = 3 }}\n[gradient]\nx = {answer}\n'
        )
        document = json.loads(run("check", str(path), "--format", "json").stdout)
        assert answered(document) == {"x": verdict}, answer


def test_a_tie_gives_one_argument_the_slope_not_both(tmp_path: Path) -> None:
    """Z = max(x, 2x - 1) at x = 1 ties (1 = 1). The subdifferential of max there is
    t·(1, 0) + (1 - t)·(0, 1), so ∂Z/∂x = t·1 + (1 - t)·2, anything in [1, 2] — worked by
    hand. Slopes chosen for each argument on its own would let 0 (both 0) and 3 (both 1)
    through."""
    for answer, verdict in [(1, "right"), (1.5, "right"), (2, "right"), (0, "wrong"), (3, "wrong")]:
        path = submission(
            tmp_path, f'expr = "max(x, 2*x - 1)"\nat = {{ x = 1 }}\n[gradient]\nx = {answer}\n'
        )
        document = json.loads(run("check", str(path), "--format", "json").stdout)
        assert answered(document) == {"x": verdict}, answer


def test_a_step_right_only_through_a_rounded_earlier_answer_earns_no_carried_credit(
    tmp_path: Path,
) -> None:
    """w2 = ln 2 written 0.693 is right; w3 = w2 - 0.69 is 0.00314718, and 0.003 is what the
    rounded 0.693 gives, but no earlier answer is wrong, so nothing is carried: wrong."""
    path = submission(
        tmp_path, 'expr = "log(x) - 0.69"\nat = { x = 2 }\n[values]\nw2 = 0.693\nw3 = 0.003\n'
    )
    document = json.loads(run("check", str(path), "--format", "json").stdout)
    assert answered(document) == {"w2": "right", "w3": "wrong"}
    (w3,) = [i for i in document["submissions"][0]["items"] if i["key"] == "w3"]
    assert "right only as rounded" in w3["feedback"]


def test_a_slip_that_makes_a_step_zero_earns_no_carried_credit(tmp_path: Path) -> None:
    """relu(x*y) at x = 2, y = 3: w3 = 6, w4 = 6. Writing w3 = -6 makes relu 0; a 0 for w4
    is the right step from it, but a step a slip turned into 0 is not credited."""
    path = submission(
        tmp_path, 'expr = "relu(x*y)"\nat = { x = 2, y = 3 }\n[values]\nw3 = -6\nw4 = 0\n'
    )
    document = json.loads(run("check", str(path), "--format", "json").stdout)
    assert answered(document) == {"w3": "wrong", "w4": "wrong"}
    path = submission(
        tmp_path, 'expr = "relu(x*y)"\nat = { x = 2, y = 3 }\n[values]\nw3 = 5\nw4 = 5\n'
    )
    document = json.loads(run("check", str(path), "--format", "json").stdout)
    assert answered(document) == {"w3": "wrong", "w4": "follows"}


def test_without_a_key_the_report_says_it_graded_the_file_s_own_problem() -> None:
    out = run("check", str(HOMEWORK / "dan.toml")).stdout
    assert "Graded against the problem written in each file itself (no --key)" in out
    assert "dan (" in out and "3 of 6 points" in out  # x*x + x has 6 entries


def test_a_key_with_weights_sets_the_same_maximum_for_everyone(tmp_path: Path) -> None:
    key = submission(
        tmp_path,
        'expr = "x*y"\nat = { x = 2, y = 3 }\n[weights]\nvalues = 2\ngradient = 3\n"w3/w1" = 0\n',
        "key.toml",
    )
    # 1 value at 2, the partials w3/w1 at 0 and w3/w2 at 1, 2 gradients at 3: 9.
    blank = submission(tmp_path, 'expr = "x*y"\nat = { x = 2, y = 3 }\n', "blank.toml")
    half = submission(tmp_path, "[values]\nw3 = 6\n[gradient]\nx = 3\n", "half.toml")
    document = json.loads(
        run("check", "--key", str(key), str(blank), str(half), "--format", "json").stdout
    )
    scores = [(s["score"], s["max_score"]) for s in document["submissions"]]
    assert scores == [(0, 9), (5, 9)]  # half: w3 (2) and ∂Z/∂x (3)


def test_a_bad_key_is_a_usage_error_naming_it(tmp_path: Path) -> None:
    key = submission(tmp_path, 'expr = "x +"\nat = { x = 1 }\n', "key.toml")
    result = run("check", "--key", str(key), str(HOMEWORK / "dan.toml"))
    assert result.exit_code == 2
    assert result.stderr.startswith("adexplain: error[syntax]: --key: ")


def test_a_quiz_key_is_an_assignment(tmp_path: Path) -> None:
    run("quiz", "--seed", "4", "--out", str(tmp_path / "week"))
    key = tmp_path / "week" / "problem-01.key.toml"
    blank = tmp_path / "week" / "problem-01.toml"
    result = run("check", "--key", str(key), str(key), str(blank), "--format", "json")
    # The key graded against itself is full marks; the blank template scores 0 of the same.
    (full, empty) = json.loads(result.stdout)["submissions"]
    assert full["score"] == full["max_score"] == empty["max_score"] > 0
    assert empty["score"] == 0 and result.exit_code == 1


def test_folders_are_read_recursively_with_any_case_and_skipped_files_named(
    tmp_path: Path,
) -> None:
    (tmp_path / "alice").mkdir()
    (tmp_path / "alice" / "HW.TOML").write_bytes((HOMEWORK / "alice.toml").read_bytes())
    (tmp_path / "bob").mkdir()
    (tmp_path / "bob" / "bob.toml").write_bytes((HOMEWORK / "bob.toml").read_bytes())
    (tmp_path / "bob" / "scan.pdf").write_bytes(b"%PDF")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config.toml").write_text("")
    result = run("check", str(tmp_path))
    assert "alice (" in result.stdout and "bob (" in result.stdout
    assert f"Skipped (not .toml): {tmp_path / 'bob' / 'scan.pdf'}" in result.stdout
    assert "config.toml" not in result.stdout


def test_an_answer_for_an_input_is_noted_and_earns_nothing(tmp_path: Path) -> None:
    path = submission(tmp_path, 'expr = "x*y"\nat = { x = 2, y = 3 }\n[values]\nw1 = 2\nw2 = 3\n')
    document = json.loads(run("check", str(path), "--format", "json").stdout)
    (graded,) = document["submissions"]
    assert graded["score"] == 0 and graded["max_score"] == 5
    assert graded["notes"] == [
        "w1 is an input: it is given, not graded",
        "w2 is an input: it is given, not graded",
    ]


HANDWRITTEN = [
    ("−1/2", -0.5),
    ("– 3", -3),
    ("2×3", 6),
    ("2 · 3", 6),
    ("6 ÷ 4", 1.5),
    ("e²", math.e**2),
    ("e⁻¹", 1 / math.e),
    ("x²".replace("x", "3"), 9),
    ("7,389", 7.389),
    ("-0,5", -0.5),
    ("sin 2", math.sin(2)),
    ("−sin 2", -math.sin(2)),
    ("ln 2 + 1", math.log(2) + 1),
    ("√2", math.sqrt(2)),
    ("π/2", math.pi / 2),
    ("max(1,2)", 2),  # a comma inside parentheses separates arguments
]


@pytest.mark.parametrize(("written", "value"), HANDWRITTEN)
def test_hand_written_answers_are_read(written: str, value: float) -> None:
    assert read_answer("w5", written) == pytest.approx(value, rel=1e-12)


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("about 7.4", "'about' is not a number"),
        ("x + 1", "x is a variable"),
        ("7.4?", "unexpected character '?'"),
        ("sin", "sin is a function: write sin(...)"),
        ("1,2,3", "unexpected '.3'"),
    ],
)
def test_what_is_not_a_number_stays_unreadable_with_a_hint(written: str, said: str) -> None:
    """The reader refuses it, and the reader's message or the hint for what was typed says
    why, in words that fit it."""
    with pytest.raises(AdexplainError) as caught:
        read_answer("w5", written)
    assert said in caught.value.message + " " + answer_hint(written, ["x"])


@given(st.floats(allow_nan=False, allow_infinity=False, width=64))
def test_a_number_written_any_of_these_ways_reads_back_as_itself(value: float) -> None:
    text = repr(value)
    assert read_answer("w5", text) == value
    assert read_answer("w5", text.replace("-", "−")) == value
    if "e" not in text:
        assert read_answer("w5", text.replace(".", ",")) == value


def test_a_gradient_not_asked_for_is_noted_not_graded(tmp_path: Path) -> None:
    key = submission(tmp_path, 'expr = "x*y"\nat = { x = 2, y = 3 }\nwrt = ["x"]\n', "key.toml")
    answers = submission(tmp_path, "[gradient]\nx = 3\ny = 2\n")
    document = json.loads(run("check", "--key", str(key), str(answers), "--format", "json").stdout)
    (graded,) = document["submissions"]
    assert answered(document) == {"x": "right"} and graded["max_score"] == 4
    assert graded["notes"] == ["∂Z/∂y is not asked for (wrt), so not graded"]


# Where the student's own names are w1, w11, the tool prints nodes as u1, u2, … (issue 14):
# inputs in the order of `at`, so u1 = w11, u2 = x, u3 = w1, u4 = u1*u2, u5 = u4 + u3.
NAMED_LIKE_NODES = 'expr = "w11*x + w1"\nat = { w11 = 2, x = 3, w1 = 1 }\n'


def test_answer_keys_are_the_ids_the_tool_prints_where_names_look_like_node_ids(
    tmp_path: Path,
) -> None:
    # u4 = w11*x = 2*3 = 6 and ∂u4/∂u1 = x = 3, by hand.
    path = submission(tmp_path, NAMED_LIKE_NODES + '[values]\nu4 = 6\n[partials]\n"u4/u1" = 3\n')
    out = run("check", str(path)).stdout
    assert "✓ u4 = 6 is right" in out
    assert "✓ ∂u4/∂u1 = 3 is right" in out
    assert "not a node" not in out and "not an edge" not in out
    explained = run("--file", str(path))
    assert explained.exit_code == 0, explained.output


def test_spec_s_w_form_names_the_same_node_unless_it_is_also_a_variable_s_name(
    tmp_path: Path,
) -> None:
    text = NAMED_LIKE_NODES + '[values]\nw4 = 6\n[partials]\n"w5/w4" = 1\n"w4/w1" = 3\n'
    out = run("check", str(submission(tmp_path, text))).stdout
    assert "✓ u4 = 6 is right" in out
    assert "✓ ∂u5/∂u4 = 1 is right" in out
    # w1 is the student's variable (u3) as well as the w form of u1: it reads two ways.
    assert "'w4/w1' reads two ways, as w1 is also a variable's name" in out
    assert "write 'u4/u1'" in out
    refused = run("--file", str(submission(tmp_path, text, "f.toml")))
    assert refused.exit_code == 2
    assert "reads two ways" in refused.output


def test_a_key_for_names_like_node_ids_names_its_columns_and_tests_as_printed(
    tmp_path: Path,
) -> None:
    key = submission(tmp_path, NAMED_LIKE_NODES + "[weights]\nw5 = 2\n", "key.toml")
    answers = tmp_path / "class"
    answers.mkdir()
    submission(answers, NAMED_LIKE_NODES + "[values]\nu4 = 6\nu5 = 7\n", "a.toml")
    submission(answers, NAMED_LIKE_NODES + "[values]\nw4 = 6\n", "b.toml")
    csv_out = run("check", "--key", str(key), str(answers), "--format", "csv").stdout
    header = csv_out.splitlines()[0].split(",")
    assert "values:u4" in header and "values:u5" in header
    assert not any(column.startswith("values:w") for column in header)
    rows = {line.split(",")[0]: line.split(",") for line in csv_out.splitlines()[1:]}
    # Nine entries, u5 worth 2 (its weight given in the w form): the maximum is 10.
    assert rows["a"][2:4] == ["3", "10"] and rows["b"][2:4] == ["1", "10"]
    document = json.loads(
        run("check", "--key", str(key), str(answers / "a.toml"), "--format", "gradescope").stdout
    )
    names = [test["name"] for test in document["tests"]]
    assert "values: u4" in names and "partials: ∂u4/∂u1" in names


def test_one_edge_s_partial_for_a_pair_of_two_edges_is_told_the_entry_is_their_sum(
    tmp_path: Path,
) -> None:
    # w3 = w2 * w2 at y = -1: each edge's partial is y = -1, the pair's entry 2y = -2.
    at = 'expr = "y*y - x"\nat = { x = 1, y = -1 }\n[partials]\n'
    out = run("check", str(submission(tmp_path, at + '"w3/w2" = -1\n'))).stdout
    assert "✗ ∂w3/∂w2 = w2 + w2; with w2 = -1 this is -2, not -1" in out
    assert "(that is one of the two edges w2 → w3; this entry is their sum)" in out
    other = run("check", str(submission(tmp_path, at + '"w3/w2" = 5\n', "t.toml"))).stdout
    assert "✗ ∂w3/∂w2" in other and "one of the two edges" not in other
    right = run("check", str(submission(tmp_path, at + '"w3/w2" = -2\n', "u.toml"))).stdout
    assert "✓ ∂w3/∂w2 = -2 is right" in right


def test_the_gradebook_counts_unreadable_apart_and_a_stray_key_is_no_item(
    tmp_path: Path,
) -> None:
    # x*y + x at x = 2, y = 3: w3 = w1*w2, w4 = w3 + w1; 2 values, 4 pairs, 2 gradients: 8.
    problem = 'expr = "x*y + x"\nat = { x = 2, y = 3 }\n'
    submission(tmp_path, problem + '[values]\nw3 = "about 6"\nw4 = 8\nw9 = 1\n', "a.toml")
    submission(tmp_path, problem + "[values]\nw3 = 6\n", "b.toml")
    document = json.loads(run("check", str(tmp_path), "--format", "json").stdout)
    a = next(s for s in document["submissions"] if s["file"].endswith("a.toml"))
    assert len(a["items"]) == 8 and [s["key"] for s in a["strays"]] == ["w9"]
    out = run("check", str(tmp_path)).stdout
    header = next(line for line in out.splitlines() if line.strip().startswith("student"))
    assert header.split()[:7] == [
        "student",
        "points",
        "right",
        "follows",
        "wrong",
        "unreadable",
        "missing",
    ]
    gradebook = out.split("Gradebook:")[1].splitlines()
    row = next(line for line in gradebook if line.strip().startswith("a "))
    # a: w4 right; w3 unreadable; the other 6 entries missing (w9 counts nowhere).
    assert row.split()[1:7] == ["1/8", "1", "0", "0", "1", "6"]
    assert "a key names nothing: w9" in row
    items = next(line for line in out.splitlines() if line.strip().startswith("item"))
    assert "unreadable" in items.split()
    w3 = next(line for line in out.splitlines() if line.strip().startswith("w3 "))
    assert w3.split()[1:6] == ["2", "1", "0", "0", "1"]


def test_a_true_value_that_is_float_noise_around_0_is_said_as_0(tmp_path: Path) -> None:
    # cos(pi/2) is 0; in floating point it is 6.12323e-17, which the rule counts as 0.
    text = 'expr = "cos(x) * y"\nat = { x = "pi/2", y = 2 }\n[values]\nw3 = 0.0001\nw4 = 0.5\n'
    out = run("check", str(submission(tmp_path, text))).stdout
    assert "w3 = cos(w1); with w1 = 1.5708 this is 0, not 0.0001" in out
    assert "w4 = w3 * w2; with w3 = 0 and w2 = 2 this is 0, not 0.5" in out
    assert "e-17" not in out


def test_a_right_answer_at_a_kink_is_said_in_a_whole_sentence(tmp_path: Path) -> None:
    path = submission(
        tmp_path, 'expr = "relu(x) + y"\nat = { x = 0, y = 1 }\n[partials]\n"w3/w1" = 0.5\n'
    )
    out = run("check", str(path)).stdout
    assert (
        "✓ ∂w3/∂w1 = 0.5 is right: relu has a kink here, so any value in [0, 1] is right\n" in out
    )


def test_answers_are_echoed_as_the_student_wrote_them(tmp_path: Path) -> None:
    # x/y at x = 2, y = 3: w3 = 2/3, ∂w3/∂w1 = 1/y = 1/3.
    text = (
        'expr = "x/y"\nat = { x = 2, y = 3 }\n[values]\nw3 = 0.667\n[partials]\n"w3/w1" = "−1/3"\n'
    )
    path = submission(tmp_path, text)
    out = run("check", str(path)).stdout
    assert "✓ w3 = 0.667 is right" in out
    assert "with w1 = 2 and w2 = 3 this is 0.333333, not −1/3" in out
    exact = run("check", str(path), "--exact").stdout
    assert "this is 2/3, not 0.667" in exact and "667/1000" not in exact


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        ("about 0.068", "'about' is not a number, a constant (pi, e) or a function"),
        ("y", "y is a variable: an answer is the number at the point"),
        ("7 389", "a space between digits"),
    ],
)
def test_an_unreadable_answer_s_hint_fits_what_was_typed(
    tmp_path: Path, written: str, hint: str
) -> None:
    text = f'expr = "x*y"\nat = {{ x = 2, y = 3 }}\n[values]\nw3 = "{written}"\n'
    out = run("check", str(submission(tmp_path, text))).stdout
    assert f"? w3 = '{written}' could not be read: {hint}" in out
    assert "write 2*x, not 2x" not in out  # the parser's advice on programs is not for answers


def test_a_w_form_key_of_thousands_of_digits_is_a_key_that_names_nothing(tmp_path: Path) -> None:
    # int() refuses more than 4 300 digits: such a key must not reach it.
    text = NAMED_LIKE_NODES + "[values]\nw" + "9" * 6000 + " = 1\nw0 = 2\n"
    result = run("check", str(submission(tmp_path, text)))
    assert result.exit_code == 1, result.output
    assert result.stdout.count("is not a node of this problem") == 2


def test_two_keys_for_one_node_grade_the_first_and_say_so(tmp_path: Path) -> None:
    text = NAMED_LIKE_NODES + "[values]\nw4 = 6\nu4 = 5\n"
    out = run("check", str(submission(tmp_path, text))).stdout
    assert "✓ u4 = 6 is right" in out
    assert "Not graded: [values] 'u4' and 'w4' both name u4; the first was graded" in out
