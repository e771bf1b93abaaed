"""Homework reports for people (text) and scripts (json); ``render.REPORTS`` names them, with
Gradescope's results.json (``gradescope.py``) and a class spreadsheet (``spreadsheet.py``).

A report covers one or many submissions. With many it ends in a gradebook (one row
per student) and an item table (how the class did on each entry, and the wrong
answers most of them gave).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..errors import error_document, visible
from ..homework import ItemResult, Rules, Submission, Verdict, feedback
from ..numbers import format_number, json_number
from .formats.plain import table_lines
from .view import TableView

MARKS = {
    Verdict.RIGHT: "✓",
    Verdict.FOLLOWS: "~",
    Verdict.WRONG: "✗",
    Verdict.UNREADABLE: "?",
    Verdict.MISSING: "-",
}

Visibility = Literal["visible", "hidden", "after_due_date", "after_published"]
VISIBILITIES: tuple[Visibility, ...] = ("visible", "hidden", "after_due_date", "after_published")

COMMON_WRONG = 3
"""Wrong answers listed per entry in the item table, the most frequent first."""


@dataclass(frozen=True, slots=True)
class Report:
    submissions: tuple[Submission, ...]
    rules: Rules = field(default_factory=Rules)
    hide_answers: bool = False
    key: str = ""
    """The assignment graded against (``--key``), or "" for each file's own problem."""
    skipped: tuple[str, ...] = ()
    """Files in the folders given that are not problem files."""
    visibility: Visibility = "visible"
    """When Gradescope shows the results to the student."""
    total: float | int | None = None
    """The assignment's maximum (``--key``), stated even when nothing could be graded."""
    root: str = ""
    """The submission folder, when one was given: Gradescope's output names files from it,
    not by the autograder's paths."""


def points(value: float | int) -> str:
    return format_number(value)


def against(report: Report, short: bool = False) -> str:
    """What the report graded against; ``short`` names the key without its folder (a
    student on Gradescope has no use for the autograder's paths)."""
    if report.key:
        maximum = report.total
        if maximum is None:
            maximum = next((s.max_score for s in report.submissions if s.error is None), None)
        total = f" ({points(maximum)} points)" if maximum is not None else ""
        key = Path(report.key).name if short else report.key
        return f"Graded against the assignment {visible(key)}{total}."
    return (
        "Graded against the problem written in each file itself (no --key): "
        "give --key ASSIGNMENT.toml to grade against the assignment."
    )


def render_text(report: Report) -> str:
    blocks = [_submission_lines(s, report.hide_answers) for s in report.submissions]
    if len(report.submissions) > 1:
        blocks.append(table_lines(gradebook(report)))
        blocks.append(table_lines(item_table(report)))
    footer = [against(report), f"Rules: {report.rules.describe()}."]
    footer.append(
        "✓ right, ~ follows from an earlier slip (full credit), ✗ wrong, ? unreadable, "
        "- not answered."
    )
    if report.skipped:
        footer.append(f"Skipped (not .toml): {', '.join(visible(p) for p in report.skipped)}")
    blocks.append(footer)
    return "\n\n".join("\n".join(block) for block in blocks) + "\n"


def _submission_lines(submission: Submission, hide_answers: bool) -> list[str]:
    heading = f"{visible(submission.student)} ({visible(submission.path)})"
    if submission.error is not None:
        return [f"{heading}: could not be graded", *_indent(submission.error.render())]
    score = f"{points(submission.score)} of {points(submission.max_score)} points"
    lines = [f"{heading}: {score}"]
    if submission.changes:
        lines.append("  Your file changes the problem; it is graded as assigned:")
        lines.extend(f"    {visible(change)}" for change in submission.changes)
    missing = [i for i in submission.items if i.verdict is Verdict.MISSING]
    lines.extend(
        f"  {MARKS[i.verdict]} {visible(feedback(i, hide_answers))}"
        for i in submission.items
        if i.verdict is not Verdict.MISSING
    )
    lines.extend(
        f"  {MARKS[i.verdict]} {visible(feedback(i, hide_answers))}" for i in submission.strays
    )
    if missing:
        worth = points(sum(i.weight for i in missing))
        unit = "point" if worth == "1" else "points"
        lines.append(f"  - Not answered ({worth} {unit}): {', '.join(i.label for i in missing)}")
    lines.extend(f"  Not graded: {visible(note)}" for note in submission.notes)
    slip = submission.first_slip
    if slip is not None:
        lines.append(f"  First slip: {visible(feedback(slip, hide_answers))}")
    elif submission.all_right:
        lines.append("  No slips: every answer is right or follows from your own answers.")
    elif not any(i.answer is not None for i in submission.items):
        lines.append("  Nothing answered.")
    return lines


def _indent(text: str) -> list[str]:
    return [f"  {line}" for line in text.splitlines()]


def duplicates(submissions: Sequence[Submission]) -> set[str]:
    """Student names that more than one file gives (a draft and a final, or a typo)."""
    names = Counter(s.student for s in submissions)
    return {name for name, count in names.items() if count > 1}


def remarks(submission: Submission, repeated: set[str]) -> list[str]:
    """What a teacher should look at in a gradebook row."""
    found = []
    if submission.student in repeated:
        found.append("duplicate name")
    if submission.changes:
        found.append("changed the problem")
    if submission.error is not None:
        found.append(f"not graded: {submission.error.code}")
    if submission.strays:
        keys = ", ".join(stray.key for stray in submission.strays)
        found.append(
            f"{'a key names' if len(submission.strays) == 1 else 'keys name'} nothing: {keys}"
        )
    return found


def gradebook(report: Report) -> TableView:
    rows = []
    repeated = duplicates(report.submissions)
    for s in report.submissions:
        counts = Counter(item.verdict for item in s.items)
        note = "; ".join(remarks(s, repeated))
        if s.error is not None:
            rows.append((visible(s.student), "—", "—", "—", "—", "—", "—", visible(s.path), note))
            continue
        rows.append(
            (
                visible(s.student),
                f"{points(s.score)}/{points(s.max_score)}",
                str(counts[Verdict.RIGHT]),
                str(counts[Verdict.FOLLOWS]),
                str(counts[Verdict.WRONG]),
                str(counts[Verdict.UNREADABLE]),
                str(counts[Verdict.MISSING]),
                visible(s.path),
                note,
            )
        )
    return TableView(
        title=f"Gradebook: {len(report.submissions)} submissions",
        headers=(
            "student",
            "points",
            "right",
            "follows",
            "wrong",
            "unreadable",
            "missing",
            "file",
            "remarks",
        ),
        rows=tuple(rows),
        numeric=(False, True, True, True, True, True, True, False, False),
    )


@dataclass(slots=True)
class Tally:
    """How the class did on one entry."""

    verdicts: Counter[str]
    wrong: Counter[str]
    """The wrong answers given, as printed, with how many gave each."""

    @property
    def answered(self) -> int:
        return sum(n for verdict, n in self.verdicts.items() if verdict != Verdict.MISSING.value)

    def common_wrong(self) -> str:
        return ", ".join(
            f"{answer} (×{n})" for answer, n in self.wrong.most_common(COMMON_WRONG) if n > 1
        )


def item_table(report: Report) -> TableView:
    tally = class_tally(report.submissions)
    rows = tuple(
        (
            label,
            str(t.answered),
            str(t.verdicts["right"]),
            str(t.verdicts["follows"]),
            str(t.verdicts["wrong"]),
            str(t.verdicts["unreadable"]),
            t.common_wrong(),
        )
        for label, t in tally.items()
    )
    return TableView(
        title="Items: how the class did on each entry",
        headers=(
            "item",
            "answered",
            "right",
            "follows",
            "wrong",
            "unreadable",
            "wrong answers given",
        ),
        rows=rows,
        numeric=(False, True, True, True, True, True, False),
    )


def class_tally(submissions: Sequence[Submission]) -> dict[str, Tally]:
    """Verdicts per entry; when the files hold different problems, entries are per problem."""
    problems = {s.expr for s in submissions if s.error is None}
    tally: dict[str, Tally] = {}
    for submission in submissions:
        for item in submission.items:
            label = item.label if len(problems) == 1 else f"{item.label} in {submission.expr}"
            entry = tally.setdefault(label, Tally(Counter(), Counter()))
            entry.verdicts[item.verdict.value] += 1
            if item.verdict is Verdict.WRONG and item.answer is not None:
                entry.wrong[format_number(item.answer)] += 1
    return tally


def render_json(report: Report) -> str:
    repeated = duplicates(report.submissions)
    document = {
        "schema": "adexplain-check/1",
        "tolerance": report.rules.tolerance.describe(),
        "rules": report.rules.describe(),
        "key": report.key or None,
        "submissions": [
            _submission_json(s, report.hide_answers, repeated) for s in report.submissions
        ],
        "items": {
            label: {**dict(t.verdicts), "wrong_answers": dict(t.wrong.most_common())}
            for label, t in class_tally(report.submissions).items()
        },
        "graded": sum(1 for s in report.submissions if s.error is None),
        "not_graded": sum(1 for s in report.submissions if s.error is not None),
        "skipped": list(report.skipped),
    }
    return json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def _submission_json(s: Submission, hide_answers: bool, repeated: set[str]) -> dict[str, Any]:
    error = None if s.error is None else json.loads(error_document(s.error))["error"]
    slip = s.first_slip
    return {
        "file": s.path,
        "student": s.student,
        "score": s.score,
        "max_score": s.max_score,
        "error": error,
        "changes": list(s.changes),
        "notes": list(s.notes),
        "duplicate_name": s.student in repeated,
        "first_slip": None if slip is None else feedback(slip, hide_answers),
        "items": [_item_json(item, hide_answers) for item in s.items],
        "strays": [_item_json(item, hide_answers) for item in s.strays],
    }


def _item_json(item: ItemResult, hide_answers: bool) -> dict[str, Any]:
    shown: dict[str, Any] = {
        "section": item.section,
        "key": item.key,
        "answer": None if item.answer is None else json_number(item.answer),
        "verdict": item.verdict.value,
        "points": item.points,
        "max_points": item.weight,
        "feedback": feedback(item, hide_answers),
    }
    if item.written:
        shown["written"] = item.written
    if item.used:
        shown["carried_from"] = list(item.used)
    if not hide_answers and item.step:
        shown["expected"] = json_number(item.truth)
        if item.low != item.high:
            shown["expected_range"] = [json_number(item.low), json_number(item.high)]
    return shown
