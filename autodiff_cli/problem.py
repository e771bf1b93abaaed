"""Problem files (SPEC.md, "Problem files and homework answers"): TOML with expr, at and wrt.

:func:`explain_problem` is the one route from a problem file to an Explanation,
taken by ``adexplain --file`` and by the homework checker alike, so an error in a
file is located the same way by both: an ``at`` value or an answer by its name and
the file, the expression by its line in the file.

The answer sections (``values``, ``partials``, ``gradient``) are read by the
homework checker; explaining a problem ignores them, but a section of the wrong
type or a key that names nothing of the problem is still reported, so a broken
submission is noticed early.
"""

from __future__ import annotations

import os
import re
import stat
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .answers import SECTIONS as ANSWER_SECTIONS
from .answers import WHAT_A_KEY_NAMES, Keys, read_answer
from .errors import AdexplainError
from .explain import Explanation, explain
from .graph import suggestion
from .point import PointValue, kind_of

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10 (Gradescope's default Ubuntu 22.04 image): the same parser, as a package
    import tomli as tomllib

KNOWN_KEYS = (
    "expr",
    "at",
    "wrt",
    "title",
    "description",
    "student",
    "generated",
    "weights",
    *ANSWER_SECTIONS,
)
"""``generated`` records the ``quiz`` command that wrote a file; ``weights`` gives an
assignment's entries their points (``check --key``)."""

MAX_FILE_BYTES = 1_000_000
"""A problem is a few lines; anything far larger is a mistake, not a problem file."""

KEY_SUFFIX = ".key.toml"
"""An answer key written by ``quiz --out`` beside its problem; a folder check skips it."""


@dataclass(frozen=True, slots=True)
class Problem:
    expr: str
    expr_line: int
    """The line of the file on which the expression's text begins, for error messages."""
    at: tuple[tuple[str, PointValue], ...]
    """Each variable's value as written (a number, a constant's text, or a TOML array)."""
    wrt: str | tuple[str, ...]
    answers: Mapping[str, Mapping[str, Any]]
    student: str | None = None
    """Who handed it in, for the gradebook (the file name when absent)."""
    weights: Mapping[str, float | int] = field(default_factory=dict)
    """Points per entry (``w5``, ``"w5/w2"``, a variable) or per section (``values``);
    an entry not named is worth 1."""


def load_problem(path: str | Path) -> Problem:
    """Read and check a problem file; every problem is an AdexplainError naming the file."""
    origin = str(path)
    text = read_text(path)
    return _problem(parse_toml(text, origin), origin, _expr_line(text))


def read_text(path: str | Path) -> str:
    """A problem file's text: a regular file of at most MAX_FILE_BYTES, in UTF-8.

    NOTE: a submission folder is not trusted. A named pipe would block ``open`` until a
    writer came (so the file is opened without blocking), and ``/dev/zero`` or
    ``/dev/urandom`` never end (so only regular files are read, and never more than one
    byte past the limit, whatever the file claims its size is).
    """
    origin = str(path)
    try:
        with os.fdopen(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb") as file:
            if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
                raise AdexplainError(
                    f"{origin} is not a regular file (a device, a pipe or a socket)", code="file"
                )
            raw = file.read(MAX_FILE_BYTES + 1)
    except OSError as err:
        raise AdexplainError(
            f"cannot read {origin}: {err.strerror or err}", code="file", origin=origin
        ) from None
    if len(raw) > MAX_FILE_BYTES:
        raise AdexplainError(
            f"{origin} is more than {MAX_FILE_BYTES} bytes; a problem file is at most that",
            code="file",
        )
    try:
        return raw.decode("utf-8-sig")  # Windows editors often start the file with a BOM
    except UnicodeDecodeError:
        raise AdexplainError(f"{origin} is not UTF-8 text", code="file") from None


MAX_TOML_DEPTH = 32
"""Deepest nesting of arrays and inline tables, and most parts of a dotted key, in a
problem file. A problem needs two (``at = { x = 1 }``). tomllib recurses once or twice
per level (about 450 nested arrays exhaust Python's stack) and spends time quadratic in
the parts of a dotted key (a 100 000-part table header takes 24 s)."""


def parse_toml(text: str, origin: str) -> dict[str, Any]:
    """The TOML document, once its nesting is known to be shallow enough for tomllib."""
    _check_nesting(text, origin)
    try:
        document: dict[str, Any] = tomllib.loads(text)
        return document
    except tomllib.TOMLDecodeError as err:
        raise AdexplainError(f"{origin} is not valid TOML: {err}", code="toml") from None
    except ValueError:  # tomllib reads at most 4 300 digits into an integer (Python's limit)
        raise AdexplainError(
            f"{origin} has an integer of more than 4 300 digits; write it as a float "
            '(1e5000) or a constant expression in a string ("10^5000")',
            code="toml",
        ) from None


# The characters that matter to nesting: brackets and braces, the dots and the ends of a
# dotted key, and where strings and comments begin (what is inside them does not count).
_NESTING = re.compile(r"""[\[\]{}.=,\n#"']""")
_STRING_ENDS = {
    '"""': re.compile(r'''(?:[^"\\]|\\.|"(?!""))*"""(?:"{0,2})''', re.DOTALL),
    "'''": re.compile(r"""(?:[^']|'(?!''))*'''(?:'{0,2})"""),
    '"': re.compile(r'''(?:[^"\\\n]|\\.)*"'''),
    "'": re.compile(r"""[^'\n]*'"""),
}


def _check_nesting(text: str, origin: str) -> None:
    """Refuse nesting deeper than MAX_TOML_DEPTH, in one linear scan of the text.

    The scan only needs to be right for valid TOML: at a string it cannot close, it stops
    and leaves the diagnosis to tomllib.
    """
    depth = parts = 0
    position = 0
    while (found := _NESTING.search(text, position)) is not None:
        char, position = found.group(), found.end()
        if char in "[{":
            depth, parts = depth + 1, 0
        elif char in "]}":
            depth, parts = depth - 1, 0
        elif char == ".":
            parts += 1
        elif char in "=,\n":
            parts = 0
        elif char == "#":
            position = text.find("\n", position)
            if position < 0:
                return
        else:
            quote = text[found.start() : found.start() + 3]
            quote = quote if quote in ("'''", '"""') else char
            closed = _STRING_ENDS[quote].match(text, found.start() + len(quote))
            if closed is None:
                return
            position = closed.end()
        if depth > MAX_TOML_DEPTH or parts >= MAX_TOML_DEPTH:
            line = text.count("\n", 0, found.start()) + 1
            what = "arrays and tables" if depth > MAX_TOML_DEPTH else "the parts of a key"
            raise AdexplainError(
                f"{origin}, line {line}: {what} nest more than {MAX_TOML_DEPTH} deep; "
                "a problem file needs two or three levels",
                code="toml",
            )


_EXPR_KEY = re.compile(r"^[ \t]*expr[ \t]*=[ \t]*(\"\"\"|\'\'\')?[ \t]*(\r?\n)?", re.MULTILINE)


def _expr_line(text: str) -> int:
    """Where expr's text begins: on the key's line, or the next for a multi-line string."""
    match = _EXPR_KEY.search(text)
    if match is None:
        return 1
    line = text.count("\n", 0, match.start()) + 1
    return line + 1 if match.group(1) and match.group(2) else line


def stated_problem(text: str, data: dict[str, Any], origin: str) -> Problem:
    """The problem a submission states, whatever else it holds: keys that are not a
    problem's are left to the grader to note, and its answers to be read one by one."""
    kept = {k: v for k, v in data.items() if k in KNOWN_KEYS and k not in ANSWER_SECTIONS}
    return _problem(kept, origin, _expr_line(text))


def _problem(data: dict[str, Any], origin: str, expr_line: int = 1) -> Problem:
    unknown = sorted(set(data) - set(KNOWN_KEYS))
    if unknown:
        raise AdexplainError(
            f"{origin}: unknown key {unknown[0]!r}; a problem has {', '.join(KNOWN_KEYS)}",
            code="problem",
        )
    expr = data.get("expr")
    if expr is None:
        raise AdexplainError(
            f"{origin}: 'expr' is missing; a problem needs expr = \"...\"", code="problem"
        )
    if not isinstance(expr, str):
        raise AdexplainError(f"{origin}: 'expr' must be a string", code="problem")
    at = data.get("at", {})
    if not isinstance(at, dict):
        raise AdexplainError(
            f"{origin}: 'at' must be a table, as in at = {{ x = 1, y = 2 }}", code="problem"
        )
    wrt = data.get("wrt", "all")
    if isinstance(wrt, list) and all(isinstance(name, str) for name in wrt):
        wrt = tuple(wrt)
    elif not isinstance(wrt, str):
        raise AdexplainError(
            f'{origin}: \'wrt\' must be a list of names, as in wrt = ["w"], or "all"',
            code="problem",
        )
    answers: dict[str, Mapping[str, Any]] = {}
    for section in ANSWER_SECTIONS:
        entries = data.get(section, {})
        if not isinstance(entries, dict):
            raise AdexplainError(f"{origin}: [{section}] must be a table", code="problem")
        answers[section] = elementwise_answers(entries, origin, section)
    for key in ("student", "title", "description", "generated"):
        text = data.get(key)
        if text is not None and not isinstance(text, str):
            raise AdexplainError(
                f"{origin}: {key!r} must be a string, not {kind_of(text)}", code="problem"
            )
    student = data.get("student")
    return Problem(
        expr=expr,
        expr_line=expr_line,
        at=tuple(at.items()),
        wrt=wrt,
        answers=answers,
        student=student,
        weights=_weights(data.get("weights", {}), origin),
    )


def _weights(weights: object, origin: str) -> dict[str, float | int]:
    if not isinstance(weights, dict):
        raise AdexplainError(f"{origin}: [weights] must be a table", code="problem")
    for key, weight in weights.items():
        if isinstance(weight, bool) or not isinstance(weight, int | float) or not weight >= 0:
            raise AdexplainError(
                f"{origin}: [weights] {key!r} must be a number of points >= 0, "
                f"not {kind_of(weight) if not isinstance(weight, int | float) else weight}",
                code="problem",
            )
    return dict(weights)


def elementwise_answers(entries: dict[str, Any], origin: str, section: str) -> dict[str, Any]:
    """A matrix answered whole (``W = [[1, 2], [3, 4]]`` in [gradient]) is an answer per
    element, ``W[1,1]`` …, as the tables name them."""
    if not any(isinstance(answer, list) for answer in entries.values()):
        return entries
    from .tensor import flatten

    found: dict[str, Any] = {}
    for key, answer in entries.items():
        try:
            found.update(flatten(key, answer))
        except AdexplainError as err:
            raise err.with_origin(f"[{section}] in {origin}") from None
    return found


Compute = Callable[..., Explanation]
"""``explain``, or ``explain`` with options fixed (``functools.partial``)."""


def explain_problem(
    path: str | Path, wrt: str | Sequence[str] | None = None, compute: Compute = explain
) -> tuple[Problem, Explanation]:
    """Read a problem file and explain it (``wrt`` overrides the file's); every error names
    the file, and one in the expression gives its line in the file too."""
    origin = str(path)
    problem = load_problem(path)
    try:
        result = compute(problem.expr, problem.at, problem.wrt if wrt is None else wrt)
        check_answers(problem, result)
    except AdexplainError as err:
        raise _located(err, problem, origin) from None
    return problem, result


def _located(err: AdexplainError, problem: Problem, origin: str) -> AdexplainError:
    if err.origin:  # an `at` value or an answer, already named
        return err.with_origin(f"{err.origin} in {origin}")
    if err.text == problem.expr:
        return err.with_origin(f"expr in {origin}", problem.expr_line)
    return err.with_origin(origin)


def check_answers(problem: Problem, explanation: Explanation) -> None:
    """Every answer must name something the problem has, and be a number or a constant."""
    keys = Keys(explanation)
    for section, answers in problem.answers.items():
        for key, answer in answers.items():
            resolved = keys.resolve(section, key)
            if resolved.key is None:
                raise AdexplainError(
                    f"[{section}] {key!r} {resolved.reason}"
                    if resolved.reason
                    else f"[{section}] {key!r} is not {WHAT_A_KEY_NAMES[section]} of this "
                    "problem" + suggestion(key, keys.known[section]),
                    code="unknown-answer",
                )
            try:
                read_answer(key, answer)
            except AdexplainError as err:
                raise err.with_origin(f"[{section}]") from None


def is_problem_file(path: Path) -> bool:
    """A .toml file (any case: exports from Windows say .TOML) that is not a ``quiz`` key."""
    name = path.name.lower()
    return name.endswith(".toml") and not name.endswith(KEY_SUFFIX)


def problem_files(names: Iterable[str], allow_empty: bool = False) -> tuple[list[str], list[str]]:
    """The files named, with a folder standing for every problem file in it and in its
    subfolders (an LMS export has one folder per submission); and the files skipped there.

    Hidden files and folders (``.git``, ``.DS_Store``) are passed over without a word;
    every other file that is not a problem file is named as skipped.
    """
    paths: list[str] = []
    skipped: list[str] = []
    for name in names:
        if not Path(name).is_dir():
            paths.append(name)
            continue
        found, passed = _folder(Path(name))
        if not found and not allow_empty:
            raise AdexplainError(f"the folder {name} holds no .toml files", code="usage")
        paths.extend(found)
        skipped.extend(passed)
    return paths, skipped


def _folder(folder: Path) -> tuple[list[str], list[str]]:
    found: list[str] = []
    skipped: list[str] = []
    # NOTE: os.walk does not follow links to folders, so a link loop cannot make it run on.
    for root, folders, files in os.walk(folder):
        folders[:] = sorted(f for f in folders if not f.startswith("."))
        for file in sorted(files):
            path = Path(root) / file
            if file.startswith("."):
                continue
            if is_problem_file(path):
                found.append(str(path))
            elif not file.lower().endswith(KEY_SUFFIX):
                skipped.append(str(path))
    return found, skipped
