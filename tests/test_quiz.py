"""Generated exercises: the same seed gives the same problems, every problem is pleasant and
valid, every answer key agrees with SymPy, keys pass `check`, and the practice loop works
when driven by scripted input."""

from __future__ import annotations

import dataclasses
import re
import shlex
from collections import Counter
from fractions import Fraction
from pathlib import Path

import pytest
import sympy

from autodiff_cli.problem import tomllib  # the standard library's, or tomli on 3.10
from autodiff_cli.quiz import Options, generate
from autodiff_cli.render import WORKSHEETS

from .helpers import REPO, compile_latex, run

OPTION_SETS = {
    "plain": Options(),
    "shared": Options(shared_variable=True),
    "division": Options(division=True),
    "kink": Options(kink=True),
    "program": Options(program=True, operations=5),
    "functions": Options(functions=("exp", "sin")),
    "small": Options(operations=1),
}


def test_the_same_seed_gives_the_same_problems() -> None:
    first = run("quiz", "--seed", "42", "--count", "5").stdout
    assert first == run("quiz", "--seed", "42", "--count", "5").stdout
    assert first != run("quiz", "--seed", "43", "--count", "5").stdout
    # Pinned: Python's random with an integer seed is the same on every machine, so a
    # change here changes every teacher's worksheet for this seed. Review it as such.
    assert [p.expr for p in generate(42, 2, Options())] == [
        "((y * z) * x) * (x + x)",
        "((y - z) - (x + y)) + x",
    ]


@pytest.mark.parametrize("name", sorted(OPTION_SETS))
def test_every_generated_problem_is_valid_and_pleasant(name: str) -> None:
    options = OPTION_SETS[name]
    for seed in range(15):
        for problem in generate(seed, 2, options):
            ex = problem.explanation
            kinks = [d for d in ex.diagnostics if d.code == "nondifferentiable"]
            assert bool(kinks) == options.kink, problem.expr
            if not options.functions:
                numbers = [*ex.values, *(e.value for e in ex.edges), *ex.adjoints]
                assert all(isinstance(v, Fraction) and v.denominator <= 12 for v in numbers)
                assert all(abs(v.numerator) <= 200 for v in numbers)
            if options.division:
                assert "/" in problem.expr
            if options.program:
                assert problem.expr.startswith("a = ")
            if options.shared_variable:
                words = re.findall(r"[a-z]\w*", problem.expr)
                assert any(words.count(v) >= 2 for v in ("x", "y", "z"))


def inline(expr: str) -> str:
    """A program as one expression, for SymPy: `a = ...` substituted where a is used."""
    *statements, last = expr.splitlines()
    for statement in statements:
        name, value = (part.strip() for part in statement.split("=", 1))
        last = re.sub(rf"\b{name}\b", f"({value})", last)
    return last


@pytest.mark.parametrize("name", ["plain", "division", "program", "shared"])
def test_answer_keys_agree_with_sympy(name: str) -> None:
    for problem in generate(5, 4, OPTION_SETS[name]):
        key = tomllib.loads(problem.toml(with_answers=True))
        symbols = {v: sympy.Symbol(v, real=True) for v, _ in problem.at}
        expr = sympy.sympify(inline(problem.expr).replace("^", "**"), locals=symbols)
        point = {symbols[v]: value for v, value in problem.at}
        for variable, answer in key["gradient"].items():
            truth = sympy.Rational(sympy.diff(expr, symbols[variable]).subs(point))
            assert Fraction(str(answer)) == Fraction(truth.p, truth.q), (problem.expr, variable)
        last_node = max(key["values"], key=lambda k: int(k[1:]))
        truth = sympy.Rational(expr.subs(point))
        assert Fraction(str(key["values"][last_node])) == Fraction(truth.p, truth.q)


def test_keys_pass_the_checker_and_blanks_have_nothing_to_grade(tmp_path: Path) -> None:
    result = run("quiz", "--seed", "9", "--count", "4", "--division", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    keys = sorted(tmp_path.glob("*.key.toml"))
    assert len(keys) == 4
    checked = run("check", *map(str, keys))
    assert checked.exit_code == 0, checked.stdout
    assert "No slips" in checked.stdout
    blank = run("check", str(tmp_path / "problem-01.toml"))
    assert blank.exit_code == 1 and "Nothing answered" in blank.stdout


@pytest.mark.parametrize("format_name", WORKSHEETS)
def test_every_worksheet_format_is_printed_and_written_with_its_key(
    format_name: str, tmp_path: Path
) -> None:
    args = ["quiz", "--seed", "3", "--count", "2", "--worksheet", format_name]
    printed = run(*args).stdout
    result = run(*args, "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    suffix = WORKSHEETS[format_name].suffix
    sheet = (tmp_path / f"worksheet.{suffix}").read_text()
    key = (tmp_path / f"worksheet-key.{suffix}").read_text()
    assert sheet == printed
    assert "Problem 2" in sheet and "Problem 2" in key
    assert "answer key" in key and "answer key" not in sheet


def test_worksheet_and_key_in_latex_compile_and_markdown_has_blanks(tmp_path: Path) -> None:
    result = run(
        "quiz", "--seed", "3", "--count", "2", "--worksheet", "latex", "--out", str(tmp_path)
    )
    assert result.exit_code == 0, result.output
    compile_latex(tmp_path / "worksheet.tex", (tmp_path / "worksheet.tex").read_text())
    compile_latex(tmp_path / "worksheet-key.tex", (tmp_path / "worksheet-key.tex").read_text())
    sheet = run("quiz", "--seed", "3", "--count", "2", "--worksheet", "markdown").stdout
    assert "## Problem 2" in sheet and "| w3 = " in sheet and "____" in sheet


def answers_in_order(seed: int) -> list[str]:
    (problem,) = generate(seed, 1, Options())
    answers = problem.answers()
    return [
        str(v) for section in ("values", "partials", "gradient") for v in answers[section].values()
    ]


def test_practice_with_every_answer_right_scores_full_marks() -> None:
    answers = answers_in_order(11)
    result = run("quiz", "--practice", "--seed", "11", input="\n".join(answers) + "\n")
    assert result.exit_code == 0
    assert f"Score: {len(answers)} of {len(answers)}" in result.stdout
    assert "✗" not in result.stdout


def test_practice_explains_a_wrong_step_and_survives_bad_input_and_the_end() -> None:
    answers = answers_in_order(11)
    wrong = str(Fraction(answers[0]) + 1)
    script = "\n".join(["not a number", wrong, "", *answers[2:4]]) + "\n"
    result = run("quiz", "--practice", "--seed", "11", input=script)
    assert result.exit_code == 0
    out = result.stdout
    assert "'not' is not a number" in out and "try again" in out
    assert f"this is {answers[0]}, not {wrong}" in out
    assert "skipped:" in out
    assert "(end of input)" in out
    assert "Score: 2 of 4" in out


def test_quiz_errors() -> None:
    result = run("quiz", "--functions", "gamma")
    assert result.exit_code == 2 and "error[usage]" in result.stderr


def test_requested_features_are_always_present() -> None:
    asked = Options(operations=5, division=True, functions=("exp", "sin"))
    for problem in generate(7, 10, asked):
        assert "/" in problem.expr and "exp(" in problem.expr and "sin(" in problem.expr
    for problem in generate(7, 10, Options(division=True)):
        assert not re.search(r"\b(\w+) [-/] \1\b", problem.expr), problem.expr


def test_practice_stops_at_the_end_of_input_across_problems() -> None:
    result = run("quiz", "--practice", "--seed", "3", "--count", "2", input="4\n")
    assert "Problem 2" not in result.stdout
    assert "Score: 1 of 1" in result.stdout


@pytest.mark.parametrize("name", sorted(OPTION_SETS))
@pytest.mark.parametrize("operations", [4, 6, 9])
def test_ops_is_the_number_of_operations_in_each_problem(name: str, operations: int) -> None:
    """Functions, the sums that join them in, a named intermediate's second use and the
    kink's relu(x - 2) all count: the graph has exactly --ops operation nodes."""
    options = dataclasses.replace(OPTION_SETS[name], operations=operations)
    for problem in generate(1, 3, options):
        graph = problem.explanation.graph
        assert len(graph.nodes) - graph.input_count == operations, problem.expr


def test_too_few_ops_for_the_options_is_refused_with_the_least_that_works() -> None:
    result = run("quiz", "--ops", "4", "--functions", "exp,sin", "--division")
    assert result.exit_code == 2
    assert "--ops 4 is too few operations for what is asked" in result.stderr
    assert "need at least 5" in result.stderr
    assert run("quiz", "--ops", "5", "--functions", "exp,sin", "--division").exit_code == 0


def test_out_refuses_a_folder_that_holds_files_unless_forced(tmp_path: Path) -> None:
    (tmp_path / "old-worksheet.md").write_text("last week's")
    refused = run("quiz", "--seed", "1", "--out", str(tmp_path))
    assert refused.exit_code == 2
    assert "already holds files" in refused.stderr and "--force" in refused.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old-worksheet.md"]
    forced = run("quiz", "--seed", "1", "--out", str(tmp_path), "--force")
    assert forced.exit_code == 0
    assert (tmp_path / "problem-01.toml").exists()


def test_every_file_records_the_command_that_regenerates_the_set(tmp_path: Path) -> None:
    args = ["--seed", "5", "--count", "2", "--functions", "exp", "--ops", "5", "--kink"]
    assert run("quiz", *args, "--out", str(tmp_path), "--worksheet", "markdown").exit_code == 0
    line = "quiz --seed 5 --count 2 --ops 5 --functions exp --kink"
    for path in sorted(tmp_path.iterdir()):
        text = path.read_text()
        assert line in text, path.name
        if path.suffix == ".toml":
            assert tomllib.loads(text)["generated"].endswith(line)
    # The line is a command: run again, it gives the same problems.
    again = tmp_path / "again"
    words = line.split()[1:]
    assert run("quiz", *words, "--out", str(again)).exit_code == 0
    for name in ("problem-01.toml", "problem-02.key.toml"):
        assert (again / name).read_text() == (tmp_path / name).read_text()


def test_a_blank_problem_has_a_student_line_and_states_the_rules() -> None:
    (problem,) = generate(2, 1, Options())
    blank = problem.toml()
    assert tomllib.loads(blank)["student"] == ""
    assert "3 significant digits" in blank and "At a kink" in blank
    assert "student" not in tomllib.loads(problem.toml(with_answers=True))


def test_practice_at_a_kink_takes_any_slope_of_the_subdifferential() -> None:
    """relu(x - 2) at x = 2 (say): relu'(0) = 1 and 1/2 are right, as in `check`; 2 is not."""
    (problem,) = generate(3, 1, Options(kink=True))
    ex = problem.explanation
    (kink,) = [e for e in ex.edges if e.nondifferentiable]
    kink_key = f"{ex.graph.id(kink.target)}/{ex.graph.id(kink.source)}"
    answers = problem.answers()
    order = [(s, k) for s in ("values", "partials", "gradient") for k in answers[s]]
    for slope, score in (("1", len(order)), ("1/2", len(order)), ("2", len(order) - 1)):
        given = [slope if key == kink_key else str(answers[s][key]) for s, key in order]
        result = run("quiz", "--practice", "--seed", "3", "--kink", input="\n".join(given) + "\n")
        assert f"Score: {score} of {len(order)}" in result.stdout, slope
        if slope == "2":
            assert "this is any value in [0, 1], not 2" in result.stdout


def test_a_pair_of_two_edges_says_in_template_key_and_worksheet_that_it_is_their_sum() -> None:
    repeated_somewhere = False
    for problem in generate(1, 4, Options()):
        ex = problem.explanation
        ids = {node.index: node.id for node in ex.graph.nodes}
        twice = Counter((ids[edge.target], ids[edge.source]) for edge in ex.edges)
        for blank in (problem.toml(), problem.toml(with_answers=True)):
            tomllib.loads(blank)  # the note is a comment: the file still reads
        template = problem.toml().splitlines()
        sheet = WORKSHEETS["markdown"].load()([problem])
        for (target, source), count in twice.items():
            entry = template.index(f'# "{target}/{source}" = ')
            note = f"the sum over the two edges {source} → {target}"
            if count == 2:
                repeated_somewhere = True
                assert note in template[entry - 1], template[entry - 1]
                assert f"∂{target}/∂{source} ({note})" in sheet
            else:
                assert "sum over" not in template[entry - 1]
    assert repeated_somewhere, "seed 1 has a w2 * w2 somewhere: the test must see one"


def readme_quiz_examples() -> list[list[str]]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    lines = re.findall(r"^adexplain (quiz [^#\n]*)", readme, flags=re.MULTILINE)
    return [shlex.split(line) for line in lines]


def test_every_quiz_example_of_the_readme_runs(tmp_path: Path, monkeypatch) -> None:
    examples = readme_quiz_examples()
    assert len(examples) >= 4, examples
    monkeypatch.chdir(tmp_path)  # --out week5/ is written here
    for words in examples:
        result = run(*words, input="")  # --practice: the end of input stops it
        assert result.exit_code == 0, (words, result.output)


def test_too_few_ops_by_default_says_that_4_is_the_default() -> None:
    result = run("quiz", "--seed", "7", "--kink", "--functions", "exp,sin")
    assert result.exit_code == 2
    assert "--ops is 4 by default, which is too few operations" in result.stderr
    assert "need at least 7" in result.stderr  # two functions, two sums, the kink's three
    assert (
        run("quiz", "--seed", "7", "--kink", "--functions", "exp,sin", "--ops", "7").exit_code == 0
    )


def test_practice_echoes_a_wrong_answer_as_it_was_typed() -> None:
    first = Fraction(answers_in_order(11)[0])
    assert first.denominator == 1, "seed 11 starts with a whole number"
    typed = f"{int(first) + 7},5"  # a decimal comma: 7.5 too many
    result = run("quiz", "--practice", "--seed", "11", input=typed + "\n")
    assert f", not {typed}\n" in result.stdout, result.stdout


def test_the_latex_worksheet_keeps_the_command_s_double_dashes_and_says_each_rule_once() -> None:
    problems = generate(1, 1, Options())
    tex = WORKSHEETS["latex"].load()(problems)
    # "--" in TeX is an en dash: each hyphen is cut off, so --seed can be pasted back.
    assert r"-{}-{}seed" in tex and "--seed" not in tex
    for sheet in (tex, WORKSHEETS["markdown"].load()(problems)):
        assert sheet.lower().count("as fractions") == 1


def test_practice_says_why_a_word_or_a_variable_is_no_answer() -> None:
    result = run("quiz", "--practice", "--seed", "11", input="about 3\nx\n")
    assert "  'about' is not a number, a constant (pi, e) or a function" in result.stdout
    assert "  x is a variable: an answer is the number at the point" in result.stdout
