"""The ``adexplain`` command: read options, run the pipeline, print with the chosen renderer.

The command line is thin on purpose: it parses options, calls the application
(:func:`~autodiff_cli.explain.explain`, :mod:`~autodiff_cli.problem`,
:mod:`~autodiff_cli.homework`, :mod:`~autodiff_cli.quiz`), picks a format from a
registry of :mod:`~autodiff_cli.render`, prints, and maps every user error, an
:class:`AdexplainError`, to one message and exit code 2.

Options that more than one command takes are declared once, as decorators
(``format_option``, ``exact_option``), so they are spelled and explained alike.
"""

from __future__ import annotations

import functools
import gc
import io
import os
import re
import shutil
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from . import __version__
from .arithmetic import arithmetic as choose_arithmetic
from .errors import AdexplainError, ExitCode, error_document
from .explain import DEFAULT_MAX_PATHS, MAX_EXPRESSION_CHARS, Explanation, explain
from .notation import NOTATIONS, NotationStyle
from .numbers import Value
from .point import evaluate_value, parse_assignments
from .render import (
    DEFAULT_SECTIONS,
    RENDERERS,
    REPORTS,
    SECTIONS,
    WORKSHEETS,
    RenderOptions,
    stream,
)
from .tensor import flatten, parse_element_name, split_array

# The homework checker and the quiz are imported when they are used: explaining needs
# neither, and the registries name their formats without importing them.
if TYPE_CHECKING:
    from .homework import Tolerance
    from .render.report import Report

EXAMPLES = """\b
Examples:
  adexplain "y - max(0,w*x+b)" --at y=5,w=2,x=1,b=1 --wrt w
  adexplain "x*x + x" --at x=3
  adexplain "sin(x)/x" --at x=pi/2 --format json | jq .gradient
  echo "log(x) + x*y" | adexplain - --at x=2,y=5
  adexplain "a = x*x; b = a*a; b + x" --at x=3 --show all
  adexplain "ln(x1) + x1*x2 - sin(x2)" --at x1=2,x2=5 --notation v --show adjoints,tangents
  adexplain "(x + y) / (x - y)" --at x=1/3,y=1/4 --exact
  adexplain --file samples/relu_neuron.toml

\b
Exit codes: 0 success, 1 a wrong answer (the homework checker, --expect), 2 bad input or usage.
"""


class _ExplainByDefault(click.Group):
    """``adexplain EXPR ...`` runs ``adexplain explain EXPR ...``; other words name subcommands."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "--version")):
            args = ["explain", *args]
        return super().parse_args(ctx, args)

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> NoReturn:
        """Click's usage errors in the same one-line form as every other error, exit code 2."""
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.ClickException as err:
            _fail(_usage_error(err))
        except click.Abort:
            # Click turns Ctrl-C into Abort. 128 + SIGINT is what shells report for it, so
            # a script running `adexplain ... || handle` can tell it from a wrong answer.
            _fail(AdexplainError("interrupted", code="interrupted"), exit_code=INTERRUPTED)
        except OSError as err:  # --help or --version, printed before any command runs
            if err.filename is not None:
                raise
            _output_failed(err)
        sys.exit(code if isinstance(code, int) else ExitCode.OK)

    def invoke(self, ctx: click.Context) -> Any:
        def as_json() -> bool:
            """Once a command has read --format json, every error is also a JSON object."""
            return bool(ctx.meta.get(_JSON_ERRORS))

        try:
            return super().invoke(ctx)
        except click.ClickException as err:
            if as_json():  # found by the command itself (--show bogus), after the format
                _fail(_usage_error(err), as_json=True)
            raise
        except (click.exceptions.Exit, click.Abort):
            raise
        except BrokenPipeError:
            _reader_gone()
        except MemoryError:
            pass  # reported below, once the traceback and the graph its frames hold are gone
        except Exception as err:
            if isinstance(err, OSError) and err.filename is None:  # a stream, not a file
                _output_failed(err)
            # A bug of ours: still one message and no traceback, unless asked for.
            if os.environ.get("ADEXPLAIN_DEBUG"):
                raise
            message = (
                f"{type(err).__name__}: {err}. This is a bug in adexplain; "
                "set ADEXPLAIN_DEBUG=1 to see where"
            )
            _fail(AdexplainError(message, code="internal"), as_json=as_json())
        # NOTE: only a MemoryError gets here. Reporting it inside its except clause would
        # keep every frame of the traceback alive, and with them all the memory in use:
        # the message itself, and the unwinding after it, would run out again.
        gc.collect()
        _fail(_too_large(), as_json=as_json())

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        command = self.commands["explain"]
        with click.Context(command, info_name=ctx.info_name) as sub_context:
            command.format_help(sub_context, formatter)
        self.format_commands(ctx, formatter)


_JSON_ERRORS = "adexplain.json-errors"
"""The key in click's shared ``ctx.meta`` under which a command says it prints JSON."""


def _usage_error(err: click.ClickException) -> AdexplainError:
    hint = " (see adexplain --help)" if isinstance(err, click.UsageError) else ""
    message = err.format_message()
    extra = re.search(r"unexpected extra arguments? \((.*)\)", message)
    if extra and re.match(r"[^\W\d]\w*=", extra.group(1)):
        # --at x=1 y=2: the shell split the point at the space.
        hint = " (separate the values of --at with commas, no spaces: --at x=1,y=2)"
    return AdexplainError(message + hint, code="usage")


def _errors_as_json(format_name: str) -> bool:
    """Note, for errors raised anywhere below, that this command's output is JSON."""
    as_json = format_name == "json"
    click.get_current_context().meta[_JSON_ERRORS] = as_json
    return as_json


@click.group(cls=_ExplainByDefault, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="adexplain")
def main() -> None:
    """Show, step by step, how automatic differentiation finds a derivative."""


def run() -> None:
    """The ``adexplain`` command as a process: ``main`` without the cycle collector.

    NOTE: the graph, its values and its tables hold no reference cycles, and a run is
    one short process; the cycle collector would only rescan them, again and again, as a
    large graph grows (half the time of a 100 000-node run). Only the process entry point
    turns it off, so a program that calls ``main`` keeps its collector.
    """
    gc.disable()
    _bound_memory()
    sys.unraisablehook = _quiet_when_out_of_memory
    _prepare_streams()
    try:
        main(prog_name="adexplain")
    except KeyboardInterrupt:  # between click's own handlers (at start-up, at exit)
        _fail(AdexplainError("interrupted", code="interrupted"), exit_code=INTERRUPTED)


MAX_MEMORY = 4 << 30
"""The address space a run may use: 4 GiB, or three quarters of the machine's memory if
that is less. The largest documented input (4 000 000 characters, a sum of 2 000 000
terms) peaks at 2.4 GB in JSON and 3.0 GB in plain or rich; the 100 000-node benchmarks
at under 200 MB (README.md, "Time and memory", has the measurements). Past the
bound a run stops with ``error[too-large]`` instead of pushing the machine into swap."""


def _bound_memory() -> None:
    """Limit the process's address space to MAX_MEMORY (never raising a stricter limit)."""
    try:
        import resource
    except ImportError:  # not on Unix: no bound, as before
        return
    try:
        physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        physical = MAX_MEMORY
    bound = min(MAX_MEMORY, physical // 4 * 3)
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        bound = min(bound, hard)
    if soft == resource.RLIM_INFINITY or soft > bound:
        resource.setrlimit(resource.RLIMIT_AS, (bound, hard))


def _quiet_when_out_of_memory(unraisable: Any) -> None:
    """Out of memory, the parser's generators fail again as they are closed; Python would
    print each as "Exception ignored ... MemoryError" above the one message that matters."""
    if not isinstance(unraisable.exc_value, MemoryError):
        sys.__unraisablehook__(unraisable)


INTERRUPTED = 128 + 2
"""The exit code of a run stopped by Ctrl-C (SIGINT is signal 2), as shells expect."""


def _prepare_streams() -> None:
    """Standard streams a run can use, or one clear error before any work is done.

    NOTE: an encoding that cannot hold the output (``PYTHONIOENCODING=ascii``, an old
    Windows console) gets ``\\u2202`` for ``∂`` rather than an exception halfway through
    a table: every character is still there, in a form that can be read back.
    """
    if sys.stdout is None:  # started with standard output closed (`adexplain ... >&-`)
        _fail(AdexplainError("standard output is closed: there is nowhere to write", code="io"))
    for standard in (sys.stdout, sys.stderr):
        if isinstance(standard, io.TextIOWrapper):
            try:
                "∂w̄·→≈✓".encode(standard.encoding)
            except (UnicodeEncodeError, LookupError):
                standard.reconfigure(errors="backslashreplace")


class _ExpressionMayStartWithMinus(click.Command):
    """Lets ``adexplain "-x^2" --at x=3`` work: a leading ``-`` would otherwise read as an option.

    A word that starts with ``-`` but is neither a known option nor shaped like
    one (``--wtr`` stays an unknown option, with a suggestion) is moved behind
    ``--``, where click takes it as EXPR.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if "--" not in args:
            args = self._move_expression_last(args)
        return super().parse_args(ctx, args)

    def _move_expression_last(self, args: list[str]) -> list[str]:
        takes_value = {
            name
            for param in self.params
            if isinstance(param, click.Option) and not param.is_flag
            for name in param.opts
        }
        known = {name for param in self.params for name in param.opts} | {"-h", "--help"}
        kept: list[str] = []
        expression: str | None = None
        index = 0
        while index < len(args):
            word = args[index]
            name = word.split("=", 1)[0]
            if name in known:
                # An option's value is kept with it, even when it starts with "-" (--at x=-1).
                value_follows = name in takes_value and "=" not in word
                kept.extend(args[index : index + (2 if value_follows else 1)])
                index += 2 if value_follows else 1
                continue
            if (
                expression is None
                and word.startswith("-")
                and word != "-"
                and not _OPTION_LIKE.match(word)
            ):
                expression = word
                index += 1
                continue
            kept.append(word)
            index += 1
        return kept if expression is None else [*kept, "--", expression]


_Command = TypeVar("_Command", bound=Callable[..., Any])


def format_option(
    formats: Iterable[str], default: str | None, help: str
) -> Callable[[_Command], _Command]:
    """``--format``, one choice from a registry of formats (render.RENDERERS, render.REPORTS)."""
    return click.option(
        "--format",
        "format_name",
        type=click.Choice(list(formats)),
        default=default,
        show_default=default is not None,
        help=help,
    )


def exact_option(consequence: str = "") -> Callable[[_Command], _Command]:
    """``--exact``: the same arithmetic wherever it is given; ``consequence`` says what
    it changes besides, in that command."""
    return click.option(
        "--exact",
        is_flag=True,
        help="Compute with exact fractions (1/3, not 0.333333) while + - * / and integer "
        "powers keep values rational; a node that leaves the rationals falls back to floats."
        + (f" {consequence}" if consequence else ""),
    )


def grading_options(command: _Command) -> _Command:
    """What counts as right, and what a student is shown: ``check`` and ``autograder``."""
    options = (
        tolerance_options,
        exact_option("Answers must then equal the exact value: 0.333 is not 1/3."),
        click.option(
            "--kink-convention",
            is_flag=True,
            help="At a kink accept only the tool's convention (relu'(0) = 0, ties 1/2), not "
            "any value in the subdifferential.",
        ),
        click.option(
            "--hide-answers/--show-answers",
            default=None,
            help="Say which entries are wrong and what the step is, without the right "
            "numbers [default: hidden for gradescope, shown otherwise].",
        ),
        click.option(
            "--visibility",
            type=click.Choice(["visible", "hidden", "after_due_date", "after_published"]),
            default="visible",
            show_default=True,
            help="When Gradescope shows the results to students (the whole and every test).",
        ),
    )
    for option in reversed(options):
        command = option(command)
    return command


def tolerance_options(command: _Command) -> _Command:
    """How close an answer must be: at most one of these (or --exact) is given."""
    options = (
        click.option(
            "--digits-tol",
            type=click.IntRange(1, 15),
            default=None,
            help="Accept answers right to this many significant digits [default: 3].",
        ),
        # NOTE: --digits was this option's first name; it is kept, hidden, because
        # README.md documents `check --digits N`, but --digits elsewhere means digits shown.
        click.option("--digits", "digits_alias", type=click.IntRange(1, 15), hidden=True),
        click.option(
            "--abs-tol",
            type=click.FloatRange(0),
            default=None,
            help="Accept |answer - right| <= this.",
        ),
        click.option(
            "--rel-tol",
            type=click.FloatRange(0),
            default=None,
            help="Accept |answer - right| <= this * |right|.",
        ),
    )
    for option in reversed(options):
        command = option(command)
    return command


@main.command(
    "explain",
    cls=_ExpressionMayStartWithMinus,
    epilog=EXAMPLES,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.argument("expression", required=False, metavar="EXPR")
@click.option(
    "--at",
    "at_options",
    multiple=True,
    metavar="NAME=VALUE,...",
    help="The point: a value for every variable. Their order numbers the inputs w1, w2, ... "
    "Values may be constant expressions (1/3, pi/2). May be repeated.",
)
@click.option(
    "--wrt",
    default=None,
    metavar="NAME,...|all",
    help="Variables to show the chain rule for [default: all].",
)
@click.option(
    "--file",
    "problem_file",
    type=click.Path(dir_okay=False),
    help="Explain a problem file (TOML with expr, at and wrt) instead of EXPR.",
)
@format_option(
    RENDERERS,
    None,
    "Output format [default: rich on a terminal, plain when piped or when NO_COLOR is set].",
)
@click.option(
    "--digits",
    type=click.IntRange(1, 17),
    default=6,
    show_default=True,
    help="Significant digits of printed numbers (JSON keeps full precision).",
)
@click.option(
    "--max-paths",
    type=click.IntRange(0, 10_000),
    default=DEFAULT_MAX_PATHS,
    show_default=True,
    help="List at most this many paths per variable; all of them are still counted.",
)
@click.option(
    "--show",
    metavar="SECTION,...|all",
    default=None,
    help=f"Sections to show, from {', '.join(SECTIONS)} [default: {','.join(DEFAULT_SECTIONS)}].",
)
@click.option(
    "--notation",
    type=click.Choice(NOTATIONS),
    default="w",
    show_default=True,
    help="Name nodes w1...wn, or v(1-n)...v0 for inputs and v1...vl for operations "
    "(Griewank-Walther, as in Baydin et al. 2018).",
)
@exact_option()
@click.option(
    "--seed",
    "seed_options",
    multiple=True,
    metavar="NAME=VALUE,...",
    help="One seeded sweep: a tangent on inputs (--seed x=[1,0]) gives the Jacobian-vector "
    "product J v, a cotangent on the output (--seed y=[0,1]) the vector-Jacobian product uᵀ J.",
)
@click.option(
    "--expect",
    "expect_options",
    multiple=True,
    metavar="NAME=VALUE,...",
    help="A quick check: exit 1, saying why, unless ∂Z/∂NAME (NAME a variable or a named "
    "intermediate), node NAME (as w7) or edge NAME (as w8/w7) equals VALUE to 3 significant "
    "digits.",
)
@click.option(
    "--save-svg",
    type=click.Path(dir_okay=False, writable=True),
    help="Also save the rich output, in colour, as an SVG picture (for slides).",
)
@click.option(
    "--save-html",
    type=click.Path(dir_okay=False, writable=True),
    help="Also save the rich output, in colour, as an HTML page (for handouts).",
)
def explain_command(
    expression: str | None,
    at_options: tuple[str, ...],
    wrt: str | None,
    problem_file: str | None,
    format_name: str | None,
    digits: int,
    max_paths: int,
    show: str | None,
    notation: NotationStyle,
    exact: bool,
    seed_options: tuple[str, ...],
    expect_options: tuple[str, ...],
    save_svg: str | None,
    save_html: str | None,
) -> None:
    """Explain how reverse-mode AD differentiates EXPR at a point.

    Shows the computational graph as numbered nodes w1...wn, the node values
    (forward pass), the local partial on every edge, and the chain rule: every
    path from the output Z down to each variable, multiplied out and summed.
    EXPR of - reads the expression from standard input.
    """
    format_name = format_name or _default_format()
    as_json = _errors_as_json(format_name)
    sections = _sections(show, format_name)
    compute = computation(sections, max_paths, notation, exact, seed_options)
    try:
        result = _run(expression, at_options, wrt, problem_file, compute)
        options = RenderOptions(
            digits=digits,
            width=_output_width(),
            color=format_name == "rich" and _color_allowed(),
            sections=sections,
        )
        pieces = stream(format_name, result, options)
        failures = _failed_expectations(result, expect_options, exact)
        # Pictures first: if one cannot be written, the error is all that is printed.
        _save_pictures(result, options, {"svg": save_svg, "html": save_html})
    except AdexplainError as err:
        _fail(err, as_json=as_json)
    _write(pieces)
    for failure in failures:
        _tell(f"adexplain: check failed: {failure}")
    if failures:
        sys.exit(ExitCode.WRONG_ANSWER)


def computation(
    sections: frozenset[str],
    max_paths: int,
    notation: NotationStyle,
    exact: bool,
    seed_options: tuple[str, ...],
) -> Callable[..., Explanation]:
    """``explain`` with the explain command's options bound: the one place they become its
    arguments, for the command line and the notebook's %adexplain alike."""
    return functools.partial(
        explain,
        max_paths=max_paths,
        notation=notation,
        forward_mode="tangents" in sections,
        check="check" in sections,
        exact=exact,
        seed=_seed(seed_options),
    )


def _seed(options: tuple[str, ...]) -> list[tuple[str, str]] | None:
    """--seed's assignments, in order; None without the option."""
    if not options:
        return None
    pairs: list[tuple[str, str]] = []
    for option in options:
        try:
            pairs.extend(parse_assignments(option))
        except AdexplainError as err:
            raise err.with_origin("--seed") from None
    return pairs


def _save_pictures(
    result: Explanation, options: RenderOptions, targets: dict[str, str | None]
) -> None:
    for kind, target in targets.items():
        if target is None:
            continue
        from .render.formats.rich import export  # rich only when a picture is asked for

        try:
            Path(target).write_text(export(result, options, kind), encoding="utf-8")
        except OSError as err:
            raise AdexplainError(f"cannot write {target}: {err.strerror}", code="file") from None


def _failed_expectations(
    result: Explanation, expect_options: tuple[str, ...], exact: bool
) -> list[str]:
    if not expect_options:
        return []
    from .homework import Tolerance, expectations

    return expectations(result, _expected(expect_options, exact), Tolerance())


def _expected(expect_options: tuple[str, ...], exact: bool) -> dict[str, Value]:
    expected: dict[str, Value] = {}
    for option in expect_options:
        try:
            for key, written in parse_assignments(option, code="bad-expect", edges=True):
                # A vector's gradient written whole (x=[2,4]) is an expectation per element,
                # read as check reads [gradient] x = [2, 4].
                whole = parse_element_name(key) is None and "/" not in key
                for name, value in flatten(key, written, split_array if whole else None):
                    # An expected derivative may be infinite, as an answer may: sqrt's at 0.
                    arithmetic = choose_arithmetic(exact)
                    expected[name] = evaluate_value(name, value, arithmetic, allow_infinite=True)
        except AdexplainError as err:
            raise _as_bad_expect(err) from None
    return expected


def _as_bad_expect(err: AdexplainError) -> AdexplainError:
    """Any error in an --expect option as bad-expect, its message kept: the reader of values
    says unknown-name for ``x=abc`` and domain for ``x=1/0``, but the mistake is the option's."""
    if err.code == "bad-expect":
        return err.with_origin("--expect")
    hint = "; give the value expected, as in --expect w=-1" if err.code == "bad-at" else ""
    return AdexplainError(
        err.message + hint,
        code="bad-expect",
        text=err.text,
        span=err.span,
        origin=f"{err.origin} in --expect" if err.origin else "--expect",
    )


@main.command(
    "check",
    epilog="""\b
Examples:
  adexplain check --key week5/problem-01.key.toml submissions/
  adexplain check --key hw3.toml submissions/ --format csv > grades.csv
  adexplain check --key hw3.toml submission/ --format gradescope > results/results.json
  adexplain check samples/homework/alice.toml       # a self-check: the file's own problem
  adexplain check alice.toml --hide-answers         # what is wrong, not the right number

\b
Exit codes: 0 every entry right (or following from the student's own
earlier answers), 1 some entry wrong, unreadable or not answered, 2 some
file could not be graded at all.
""",
)
@click.argument("files", nargs=-1, required=True, metavar="FILE_OR_DIR...")
@click.option(
    "--key",
    "key_file",
    metavar="ASSIGNMENT.toml",
    help="Grade against this problem (a problem file or a quiz key): the same entries and "
    "maximum for every student, whatever their copy says.",
)
@format_option(
    REPORTS,
    "text",
    "A report for people, JSON for scripts, Gradescope's results.json, or a CSV gradebook.",
)
@grading_options
def check_command(
    files: tuple[str, ...],
    key_file: str | None,
    format_name: str,
    digits_tol: int | None,
    digits_alias: int | None,
    abs_tol: float | None,
    rel_tol: float | None,
    exact: bool,
    kink_convention: bool,
    hide_answers: bool | None,
    visibility: str,
) -> None:
    """Check homework: each FILE is a problem file with a student's answers filled in.

    With --key, every file is graded against the assignment: every node value, edge
    partial and gradient component it asks for, each unanswered one scoring 0. An
    entry that is wrong only because it used the student's own earlier wrong answer
    gets full credit; the first real slip is named with the right step in words.
    A folder stands for every .toml file in it and its subfolders. Files are only read.
    """
    from .homework import Rules, grade_all, load_assignment
    from .render.report import Report

    as_json = _errors_as_json(format_name)
    gradescope = format_name == "gradescope"
    try:
        rules = Rules(
            _tolerance(digits_tol, digits_alias, abs_tol, rel_tol, exact),
            "convention" if kink_convention else "subdifferential",
        )
        assignment = None
        if key_file is not None:
            try:
                assignment = load_assignment(key_file, rules)
            except AdexplainError as err:
                raise AdexplainError(f"--key: {err.message}", code=err.code) from None
        submissions, skipped = grade_all(files, rules, assignment, allow_empty=gradescope)
    except AdexplainError as err:
        _fail(err, as_json=as_json)
    report = Report(
        submissions,
        rules,
        gradescope if hide_answers is None else hide_answers,
        key=key_file or "",
        skipped=tuple(skipped),
        visibility=visibility,  # type: ignore[arg-type]
        total=None if assignment is None else assignment.max_score,
        root=files[0] if len(files) == 1 and Path(files[0]).is_dir() else "",
    )
    _write([REPORTS[format_name].load()(report)])
    for submission in report.submissions:  # the report has them; standard error must too
        if submission.error is not None:
            _tell(submission.error.render())
    sys.exit(_check_exit_code(report, one_upload=gradescope))


def _check_exit_code(report: Report, one_upload: bool = False) -> ExitCode:
    """2 when something could not be graded: a file, or (``one_upload``, Gradescope's
    upload) anything but one .toml file; else 1 for a slip; else 0."""
    if not report.submissions or any(s.error is not None for s in report.submissions):
        return ExitCode.BAD_INPUT
    if one_upload and len(report.submissions) != 1:
        return ExitCode.BAD_INPUT
    return ExitCode.OK if all(s.all_right for s in report.submissions) else ExitCode.WRONG_ANSWER


@main.command(
    "autograder",
    epilog="""\b
Examples:
  adexplain autograder --key hw5.toml --out autograder.zip
  adexplain autograder --key hw5.toml --out autograder.zip --visibility after_due_date

\b
Upload the zip as the assignment's autograder on Gradescope (base image Ubuntu 22.04
or newer); README.md, "Checking homework", gives the steps.
""",
)
@click.option("--key", "key_file", required=True, metavar="ASSIGNMENT.toml")
@click.option("--out", "out_file", required=True, metavar="ZIP", help="The bundle to write.")
@grading_options
def autograder_command(
    key_file: str,
    out_file: str,
    digits_tol: int | None,
    digits_alias: int | None,
    abs_tol: float | None,
    rel_tol: float | None,
    exact: bool,
    kink_convention: bool,
    hide_answers: bool | None,
    visibility: str,
) -> None:
    """Write a Gradescope autograder for an assignment: setup.sh, run_autograder, the key
    and this tool. Each student's upload is graded as `check --key ... --format gradescope`
    grades it, with the options given here."""
    from .autograder import write_bundle
    from .homework import Rules, load_assignment

    try:
        rules = Rules(
            _tolerance(digits_tol, digits_alias, abs_tol, rel_tol, exact),
            "convention" if kink_convention else "subdifferential",
        )
        try:
            assignment = load_assignment(key_file, rules)
        except AdexplainError as err:
            raise AdexplainError(f"--key: {err.message}", code=err.code) from None
        options = _check_options(digits_tol, digits_alias, abs_tol, rel_tol, exact)
        if kink_convention:
            options.append("--kink-convention")
        if hide_answers is not None:
            options.append("--hide-answers" if hide_answers else "--show-answers")
        options += ["--visibility", visibility]
        write_bundle(key_file, out_file, options)
    except AdexplainError as err:
        _fail(err)
    click.echo(
        f"wrote {out_file}: {assignment.max_score:g} points over {len(assignment.entries)} "
        f"entries; {rules.describe()}"
    )


def _check_options(
    digits_tol: int | None,
    digits_alias: int | None,
    abs_tol: float | None,
    rel_tol: float | None,
    exact: bool,
) -> list[str]:
    given = {
        "--digits-tol": digits_tol if digits_tol is not None else digits_alias,
        "--abs-tol": abs_tol,
        "--rel-tol": rel_tol,
    }
    options = [
        word for name, value in given.items() if value is not None for word in (name, f"{value!r}")
    ]
    return [*options, "--exact"] if exact else options


def _tolerance(
    digits_tol: int | None,
    digits_alias: int | None,
    abs_tol: float | None,
    rel_tol: float | None,
    exact: bool,
) -> Tolerance:
    from .homework import Tolerance

    chosen = [
        tolerance
        for given, tolerance in (
            (digits_tol is not None, Tolerance("digits", digits_tol or 3)),
            (digits_alias is not None, Tolerance("digits", digits_alias or 3)),
            (abs_tol is not None, Tolerance("absolute", abs_tol or 0.0)),
            (rel_tol is not None, Tolerance("relative", rel_tol or 0.0)),
            (exact, Tolerance("exact", 0)),
        )
        if given
    ]
    if len(chosen) > 1:
        raise AdexplainError(
            "choose one of --digits-tol, --abs-tol, --rel-tol and --exact", code="usage"
        )
    return chosen[0] if chosen else Tolerance()


@main.command(
    "quiz",
    epilog="""\b
Examples:
  adexplain quiz --seed 7 --count 3                  # three problems, printed
  adexplain quiz --seed 7 --count 20 --out week5/ --worksheet latex
  adexplain quiz --seed 7 --division --shared-variable --program
  adexplain quiz --practice                          # practise in the terminal
  adexplain quiz --layer --out week9/                # a dense layer with a matrix
""",
)
@click.option(
    "--seed", type=int, default=1, show_default=True, help="The same seed, the same problems."
)
@click.option("--count", type=click.IntRange(1, 1000), default=1, show_default=True)
@click.option(
    "--ops",
    "operations",
    type=click.IntRange(1, 12),
    default=4,
    show_default=True,
    help="Operations in each problem, functions (and a kink's three) included.",
)
@click.option(
    "--functions",
    default="",
    metavar="NAME,...",
    help="Functions to include, from exp, log, sin, cos, tanh, sigmoid, relu, sqrt, max, abs.",
)
@click.option("--shared-variable", is_flag=True, help="Use a variable twice (two paths to it).")
@click.option("--kink", is_flag=True, help="Put a kink (relu at 0) exactly at the point.")
@click.option("--division", is_flag=True, help="Include a division.")
@click.option("--program", is_flag=True, help="Name an intermediate and use it twice.")
@click.option(
    "--layer",
    is_flag=True,
    help="A small dense layer instead: h = relu(W @ x + b), a linear output and a squared "
    "loss, with a 2x2 matrix and small integers (--ops does not apply).",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    help="Write problem-NN.toml and its key problem-NN.key.toml to this folder.",
)
@click.option(
    "--worksheet",
    type=click.Choice(list(WORKSHEETS)),
    help="A worksheet with blank tables (printed), and with --out also its key.",
)
@click.option(
    "--force", is_flag=True, help="Write into an --out folder even if it already holds files."
)
@click.option("--practice", is_flag=True, help="Ask each step in the terminal, then score.")
def quiz_command(
    seed: int,
    count: int,
    operations: int,
    functions: str,
    shared_variable: bool,
    kink: bool,
    division: bool,
    program: bool,
    layer: bool,
    out_dir: str | None,
    worksheet: str | None,
    force: bool,
    practice: bool,
) -> None:
    """Generate practice problems: pleasant numbers, no domain errors, answer keys.

    Problems are written in the problem-file format, so a filled-in copy is graded
    by `adexplain check`.
    """
    from . import quiz
    from .homework import Tolerance

    options = quiz.Options(
        operations=operations,
        functions=tuple(name.strip() for name in functions.split(",") if name.strip()),
        shared_variable=shared_variable,
        kink=kink,
        division=division,
        program=program,
        layer=layer,
    )
    try:
        ctx = click.get_current_context()
        typed = ctx.get_parameter_source("operations") is not click.core.ParameterSource.DEFAULT
        problems = quiz.generate(seed, count, options, ops_given=typed)
        if practice:
            quiz.practice(problems, _ask, click.echo, Tolerance())
        elif out_dir is None:
            _write([quiz.printed(problems, worksheet)])
        else:
            quiz.write(problems, out_dir, worksheet, force=force)
            click.echo(f"wrote {len(problems)} problems and their keys to {out_dir}")
    except AdexplainError as err:
        _fail(err)


def _ask(prompt: str) -> str | None:
    """One line from standard input, after a prompt; None when the input has ended."""
    click.echo(prompt, nl=False)
    line = sys.stdin.readline() if sys.stdin is not None else ""  # closed: the input ended
    if not line:
        click.echo()
        return None
    return line.rstrip("\n")


def _run(
    expression: str | None,
    at_options: tuple[str, ...],
    wrt: str | None,
    problem_file: str | None,
    compute: Callable[..., Explanation],
) -> Explanation:
    chosen_wrt = None if wrt is None else _split_names(wrt)
    if problem_file is not None:
        if expression is not None or at_options:
            raise AdexplainError("give either EXPR with --at, or --file, not both", code="usage")
        from .problem import explain_problem  # tomllib only for --file

        return explain_problem(problem_file, chosen_wrt, compute)[1]
    if expression is None:
        raise AdexplainError(
            'no expression given; try: adexplain "x*x + x" --at x=3  (or --help)',
            code="usage",
        )
    if expression == "-":
        expression = _read_standard_input()
    pairs: list[tuple[str, float | int | str]] = []
    for option in at_options:
        try:
            pairs.extend(parse_assignments(option))
        except AdexplainError as err:
            raise err.with_origin("--at") from None
    return compute(expression, pairs, "all" if chosen_wrt is None else chosen_wrt)


def _read_standard_input() -> str:
    """The expression from standard input; a closed or unreadable input is a clear error."""
    if sys.stdin is None:  # started with standard input closed (`adexplain - <&-`)
        raise AdexplainError("standard input is closed: there is no expression to read", code="io")
    try:
        # Read one character past the limit: enough to know it is too long, and no more.
        return sys.stdin.read(MAX_EXPRESSION_CHARS + 1)
    except UnicodeDecodeError as err:
        raise AdexplainError(
            f"standard input is not {err.encoding} text (byte {err.start + 1} of a block)",
            code="io",
        ) from None
    except OSError as err:
        raise AdexplainError(
            f"cannot read standard input: {err.strerror or err}", code="io"
        ) from None


def _sections(show: str | None, format_name: str | None = None) -> frozenset[str]:
    """The sections asked for with --show; without it, the format's own default (a
    step-through page shows every stage), or the core's three."""
    if show is None:
        default = DEFAULT_SECTIONS
        if format_name is not None:
            import importlib

            default = getattr(
                importlib.import_module(RENDERERS[format_name]), "DEFAULT_SECTIONS", default
            )
        return frozenset(default)
    names = {name.strip() for name in show.split(",") if name.strip()}
    if names == {"all"}:
        return frozenset(SECTIONS)
    unknown = sorted(names - set(SECTIONS))
    if unknown:
        from .scope import suggestion  # only on the way to an error message

        close = suggestion(unknown[0], [*SECTIONS, "all"])
        raise click.BadParameter(
            f"unknown section {unknown[0]!r}{close}; choose from {', '.join(SECTIONS)} or all",
            param_hint="--show",
        )
    return frozenset(names)


def _split_names(wrt: str) -> str | list[str]:
    # A comma inside brackets is part of a name: --wrt 'W[1,2],b'.
    names = [name.strip() for name in re.split(r",(?![^\[]*\])", wrt) if name.strip()]
    return "all" if names == ["all"] else names


def _default_format() -> str:
    if sys.stdout.isatty() and not _no_color_requested():
        return "rich"
    return "plain"


def _no_color_requested() -> bool:
    # https://no-color.org: any non-empty value turns colour off.
    return bool(os.environ.get("NO_COLOR"))


def _output_width() -> int | None:
    """The columns to draw in: COLUMNS when set (as rich and click read it, piped too), else
    the terminal's width, else None (the format's own default)."""
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit() and 0 < int(columns) <= 10_000:
        return int(columns)
    return shutil.get_terminal_size().columns if sys.stdout.isatty() else None


def _color_allowed() -> bool:
    return sys.stdout.isatty() and not _no_color_requested()


_OPTION_LIKE = re.compile(r"--[A-Za-z][\w-]*(=.*)?\Z")


def _fail(
    err: AdexplainError, as_json: bool = False, exit_code: int = ExitCode.BAD_INPUT
) -> NoReturn:
    """The message on standard error; with --format json also an error object on standard out."""
    if as_json and sys.stdout is not None:
        try:
            sys.stdout.write(error_document(err))
            sys.stdout.flush()
        except OSError:  # the error is also on standard error, which is what matters
            _silence_stdout()
    _tell(err.render())
    sys.exit(exit_code)


def _tell(message: str) -> None:
    """One message on standard error, in its own encoding (click.echo would write UTF-8
    to an ASCII stream, which the reader then cannot decode)."""
    if sys.stderr is not None:
        sys.stderr.write(message + "\n")
        sys.stderr.flush()


def _write(pieces: Iterable[str]) -> None:
    try:
        for piece in pieces:
            sys.stdout.write(piece)
        sys.stdout.flush()
    except BrokenPipeError:
        _reader_gone()
    except OSError as err:
        _output_failed(err)


def _too_large() -> AdexplainError:
    """Out of memory: the input is too large for the bound (MAX_MEMORY) or the machine."""
    try:
        import resource

        limit = resource.getrlimit(resource.RLIMIT_AS)[0]
    except ImportError:
        limit = -1
    bound = f" ({limit / 2**30:.1f} GiB)" if limit > 0 else ""  # RLIM_INFINITY is -1
    return AdexplainError(
        f"this input needs more memory than adexplain may use{bound}; "
        "try a smaller expression, or fewer sections with --show",
        code="too-large",
    )


def _output_failed(err: OSError) -> NoReturn:
    """Standard output cannot be written (a full disk, /dev/full, a closed descriptor)."""
    _silence_stdout()
    reason = err.strerror or str(err)
    _fail(AdexplainError(f"cannot write to standard output: {reason}", code="io"))


def _silence_stdout() -> None:
    """Point standard output at /dev/null, so Python's flush at exit cannot fail again
    (it would print "Exception ignored" and exit 120)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def _reader_gone() -> NoReturn:
    """The reader (head, less) has gone: not an error of ours, so exit quietly."""
    _silence_stdout()
    sys.exit(ExitCode.OK)
