"""Benchmarks: adexplain against its peers on the same generated expressions, whole process.

    python bench/run.py                      # all families, sizes 10 ... 100 000
    python bench/run.py --sizes 10,100 --runs 3 --families wide_sum
    python bench/run.py --families network,variables --runs 5   # issue 16's cases only
    python bench/run.py --families vector_network --runs 5      # issue 17's: its section only
    python bench/run.py --runs 7 --baseline OLD/bin/adexplain   # before and after, in turn

Each family is generated at each size as a list of operations; from it come the
text adexplain parses and the graph a peer builds. Every measurement is a whole
process (start, parse or build, value and gradient of every variable, output),
timed from outside, with its peak memory (``/usr/bin/time -f %M``). Peers:

- micrograd (PyPI), built by an iterative builder from the operation list, then
  ``backward()``; its recursive topological sort is where it breaks;
- SymPy, ``parse_expr`` on the same text, then one ``diff`` per variable, at the
  sizes where it finishes within the time limit.

Two more families are cases rather than size ladders (issue 16): ``network``, a tanh
network with a squared loss written as a program (16-32-1 and 64-64-1, the gradient by
every weight), and ``variables``, a random tree of about 50 000 nodes over 1, 10, 50, 200
and 1 000 variables, to see what each variable costs. ``vector_network`` (issue 17) is
the n-n-1 network written with vectors (``h = tanh(W @ x + b)``) at widths 8 to 128; run
alone, it rewrites only its own section of RESULTS.md.

Peers are not project dependencies: ``pip install micrograd sympy`` in the
environment that runs this script. Results go to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

HERE = Path(__file__).resolve().parent
SIZES = [10, 100, 1_000, 10_000, 100_000]
TIME_LIMIT = 120  # seconds for one process; beyond it a run counts as broken

Op = list  # ["input", name] | ["add"|"mul"|"sub", i, j] | ["relu"|"tanh"|"square"|"half", i]


def wide_sum(size: int) -> list[Op]:
    """x*y + x*y + ...: few variables, each reached along many paths."""
    ops: list[Op] = [["input", "x"], ["input", "y"]]
    total = None
    while len(ops) < size:
        ops.append(["mul", 0, 1])
        term = len(ops) - 1
        if total is not None:
            ops.append(["add", total, term])
        total = len(ops) - 1
    return ops


def deep_unary(size: int) -> list[Op]:
    """relu(relu(...(x*x)...)): a chain as deep as the graph is large."""
    ops: list[Op] = [["input", "x"], ["mul", 0, 0]]
    while len(ops) < size:
        ops.append(["relu", len(ops) - 1])
    return ops


def random_tree(size: int, variables: int = 5) -> list[Op]:
    """A random expression tree over five variables: leaves merged at random, two at a time,
    so it is about log(n) deep; sums are halved so values stay near 1 (no overflow)."""
    rng = random.Random(size)
    ops: list[Op] = [["input", f"x{i}"] for i in range(variables)]
    pool = [rng.randrange(variables) for _ in range(max(2, size * 2 // 3))]
    while len(pool) > 1:
        left = pool.pop(rng.randrange(len(pool)))
        right = pool.pop(rng.randrange(len(pool)))
        kind = rng.choice(["add", "mul", "relu"])
        if kind == "relu":
            ops.append(["relu", left])
            pool.append(len(ops) - 1)
            pool.append(right)
            continue
        ops.append([kind, left, right])
        if kind == "add":
            ops.append(["half", len(ops) - 1])
        pool.append(len(ops) - 1)
    return ops


def shared_program(size: int) -> list[Op]:
    """a_i = a_(i-1) * 0.5 + a_(i-2): named intermediates shared, paths multiplying."""
    ops: list[Op] = [["input", "x"], ["input", "y"], ["mul", 0, 1], ["add", 2, 0]]
    while len(ops) < size:
        previous, before = len(ops) - 1, len(ops) - 3
        ops.append(["half", previous])
        ops.append(["add", len(ops) - 1, before])
    return ops


FAMILIES: dict[str, Callable[[int], list[Op]]] = {
    "wide_sum": wide_sum,
    "deep_unary": deep_unary,
    "random_tree": random_tree,
    "shared_program": shared_program,
}


class Case(NamedTuple):
    """One measured input: the operations a peer builds, the text adexplain reads, the point,
    and the variables to differentiate by (None: every variable)."""

    ops: list[Op]
    text: str
    point: dict[str, float]
    wrt: list[str] | None = None
    at: list[str] | None = None
    """adexplain's --at options, where they are not ``point`` written out (vectors)."""
    peer_point: dict[str, float] | None = None
    """The peers' point, where their inputs are named apart from adexplain's elements."""
    nodes: int | None = None
    """adexplain's node count, where it differs from the peers' operations."""


def network(inputs: int, hidden: int) -> Case:
    """A tanh layer, a linear output and a squared loss, written as a student would:
    ``h_j = tanh(W_j_0*x0 + ... + b_j)`` per hidden unit, then ``(y - (v0*h0 + ... + c))^2``.
    Weights, inputs and target are all in --at; the gradient is by every weight."""
    rng = random.Random(inputs * 1000 + hidden)
    ops: list[Op] = []
    point: dict[str, float] = {}

    def variable(name: str) -> int:
        ops.append(["input", name])
        point[name] = round(rng.uniform(-1, 1), 4)
        return len(ops) - 1

    weights = [[variable(f"W{j}_{i}") for i in range(inputs)] for j in range(hidden)]
    biases = [variable(f"b{j}") for j in range(hidden)]
    outer = [variable(f"v{j}") for j in range(hidden)]
    c = variable("c")
    wrt = list(point)
    xs = [variable(f"x{i}") for i in range(inputs)]
    y = variable("y")
    units = []
    for j in range(hidden):
        ops.append(["tanh", _weighted_sum(ops, list(zip(weights[j], xs, strict=True)), biases[j])])
        units.append(len(ops) - 1)
    ops.append(["sub", y, _weighted_sum(ops, list(zip(outer, units, strict=True)), c)])
    ops.append(["square", len(ops) - 1])
    lines = [
        f"h{j} = tanh({' + '.join(f'W{j}_{i}*x{i}' for i in range(inputs))} + b{j})"
        for j in range(hidden)
    ]
    lines.append(f"(y - ({' + '.join(f'v{j}*h{j}' for j in range(hidden))} + c))^2")
    return Case(ops, "\n".join(lines), point, wrt)


def _weighted_sum(ops: list[Op], pairs: list[tuple[int, int]], bias: int) -> int:
    """Appends ``a0*b0 + a1*b1 + ... + bias`` in the order adexplain numbers it (left-deep,
    post-order); returns the last node."""
    total = None
    for weight, value in pairs:
        ops.append(["mul", weight, value])
        if total is not None:
            ops.append(["add", total, len(ops) - 1])
        total = len(ops) - 1
    ops.append(["add", total, bias])
    return len(ops) - 1


NETWORKS = {"16-32-1": (16, 32), "64-64-1": (64, 64)}
WIDTHS = [8, 16, 32, 64, 96, 128]
"""Issue 17's n-n-1 networks written with vectors, to see how the cost grows with width."""


def vector_network(width: int) -> Case:
    """``network(width, width)`` written with vectors, as a course writes it:
    ``h = tanh(W @ x + b)`` then ``(y - (v @ h + c))^2``; the gradient by every weight.

    micrograd builds the same network from the same operations. The values are rounded to 3
    decimals and written without spaces, so that W of the 128-wide network fits in one
    command-line argument (Linux takes at most 128 KiB per argument)."""
    scalar = network(width, width)
    point = {name: round(value, 3) for name, value in scalar.point.items()}
    weights = [[point[f"W{j}_{i}"] for i in range(width)] for j in range(width)]
    vectors = {
        "W": weights,
        "b": [point[f"b{j}"] for j in range(width)],
        "v": [point[f"v{j}"] for j in range(width)],
        "c": point["c"],
        "x": [point[f"x{i}"] for i in range(width)],
        "y": point["y"],
    }
    at = [f"{name}={json.dumps(value, separators=(',', ':'))}" for name, value in vectors.items()]
    assert all(len(option) < 128 * 1024 for option in at), "an --at option too long for Linux"
    elements: dict[str, float] = {}
    for name, value in vectors.items():
        if isinstance(value, float):
            elements[name] = value
        elif name == "W":
            elements.update(
                {f"W[{j + 1},{i + 1}]": row[i] for j, row in enumerate(value) for i in range(width)}
            )
        else:
            elements.update({f"{name}[{i + 1}]": item for i, item in enumerate(value)})
    wrt = ["W", "b", "v", "c"]  # every weight: --wrt W is each of its elements
    text = "h = tanh(W @ x + b)\n(y - (v @ h + c))^2"
    # Per hidden unit: width products, one sum, the bias, tanh; then width products, one sum,
    # the bias, the difference and the square.
    nodes = len(elements) + width * (width + 3) + width + 4
    return Case(scalar.ops, text, elements, wrt, at, point, nodes)


VARIABLES = [1, 10, 50, 200, 1_000]
SWEEP_NODES = 50_000


def many_variables(variables: int, nodes: int = SWEEP_NODES) -> Case:
    """The random tree at about ``nodes`` nodes over ``variables`` variables, each valued in
    [0.5, 0.9) so products stay finite: the same size, more and more chain rules."""
    ops = random_tree(nodes * 3 // 4, variables)
    point = {f"x{i}": round(0.5 + 0.4 * i / variables, 6) for i in range(variables)}
    return Case(ops, as_text(ops, program=False), point)


def cases(family: str, sizes: list[int]) -> list[tuple[int | str, Case]]:
    """(size, case) for each size of a family; the issue-16 families have their own sizes."""
    if family == "network":
        return [(name, network(*shape)) for name, shape in NETWORKS.items()]
    if family == "variables":
        return [(count, many_variables(count)) for count in VARIABLES]
    if family == "vector_network":
        return [(f"{width}-{width}-1", vector_network(width)) for width in WIDTHS]
    found = []
    for size in sizes:
        ops = FAMILIES[family](size)
        found.append((size, Case(ops, as_text(ops, family == "shared_program"), inputs(ops))))
    return found


def inputs(ops: list[Op]) -> dict[str, float]:
    """A value for every input some operation uses (adexplain refuses unused ones)."""
    used = {arg for op in ops if op[0] != "input" for arg in op[1:]}
    return {op[1]: 0.5 + 0.1 * i for i, op in enumerate(ops) if op[0] == "input" and i in used}


def as_text(ops: list[Op], program: bool) -> str:
    """The expression as adexplain reads it: nested text, or one statement per node."""
    if program:
        names = [op[1] if op[0] == "input" else f"t{i}" for i, op in enumerate(ops)]
        lines = [f"t{i} = {_written(op, names)}" for i, op in enumerate(ops) if op[0] != "input"]
        return "\n".join([*lines[:-1], lines[-1].split(" = ", 1)[1]])
    # Nested text, written from the root with an explicit stack: keeping every subtree's
    # text would cost the square of the depth (a 100 000-deep chain: tens of gigabytes).
    pieces: list[str] = []
    stack: list[int | str] = [len(ops) - 1]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            pieces.append(item)
            continue
        kind, *args = ops[item]
        if kind == "input":
            pieces.append(str(args[0]))
        elif kind in ("add", "mul"):
            symbol = " + " if kind == "add" else " * "
            stack += [")", args[1], symbol, args[0], "("]
        elif kind == "relu":
            stack += [")", args[0], "relu("]
        elif kind == "tanh":
            stack += [")", args[0], "tanh("]
        elif kind == "sub":
            stack += [")", args[1], " - ", args[0], "("]
        elif kind == "square":
            stack += [")^2", args[0], "("]
        else:
            stack += [" * 0.5)", args[0], "("]
    return "".join(pieces)


def _written(op: Op, texts: list[str]) -> str:
    kind, *args = op
    a = texts[args[0]]
    if kind == "add":
        return f"({a} + {texts[args[1]]})"
    if kind == "mul":
        return f"({a} * {texts[args[1]]})"
    if kind == "sub":
        return f"({a} - {texts[args[1]]})"
    if kind == "relu":
        return f"relu({a})"
    if kind == "tanh":
        return f"tanh({a})"
    if kind == "square":
        return f"({a})^2"
    return f"({a} * 0.5)"


MICROGRAD = """
import json, math, sys
from micrograd.engine import Value

def tanh(self):  # micrograd on PyPI has no tanh: this one follows its relu
    t = math.tanh(self.data)
    out = Value(t, (self,), "tanh")
    def _backward():
        self.grad += (1 - t * t) * out.grad
    out._backward = _backward
    return out

Value.tanh = tanh
ops = json.load(open(sys.argv[1]))
point = json.load(open(sys.argv[2]))
nodes = []
for op in ops:
    kind, *args = op
    if kind == "input":
        nodes.append(Value(point.get(args[0], 0.0)))
    elif kind == "add":
        nodes.append(nodes[args[0]] + nodes[args[1]])
    elif kind == "mul":
        nodes.append(nodes[args[0]] * nodes[args[1]])
    elif kind == "sub":
        nodes.append(nodes[args[0]] - nodes[args[1]])
    elif kind == "relu":
        nodes.append(nodes[args[0]].relu())
    elif kind == "tanh":
        nodes.append(nodes[args[0]].tanh())
    elif kind == "square":
        nodes.append(nodes[args[0]] ** 2)
    else:
        nodes.append(nodes[args[0]] * 0.5)
nodes[-1].backward()
used = [n for n, op in zip(nodes, ops) if op[0] == "input" and op[1] in point]
print(json.dumps({"value": nodes[-1].data, "gradient": [n.grad for n in used]}))
"""

SYMPY = """
import json, sys
from sympy import Symbol, Max, diff
from sympy.parsing.sympy_parser import parse_expr
text = open(sys.argv[1]).read().replace("^", "**")
point = json.load(open(sys.argv[2]))
symbols = {name: Symbol(name, real=True) for name in point}
expr = parse_expr(text, local_dict={**symbols, "relu": lambda a: Max(0, a)}, evaluate=False)
values = {symbols[n]: v for n, v in point.items()}
print(json.dumps({"value": float(expr.subs(values)),
                  "gradient": [float(diff(expr, symbols[n]).subs(values)) for n in point]}))
"""


class Measured(NamedTuple):
    seconds: float
    """Wall-clock time of the whole process."""
    peak_kib: int
    status: str
    cpu: float
    """User and system CPU time: what other work on a shared machine disturbs least."""


def measure(command: list[str], stdin: Path | None = None) -> Measured:
    """Time, peak memory, status and CPU time of one whole process."""
    timer = shutil.which("time") or "/usr/bin/time"
    # CPU time from the children's usage, in microseconds (time's %U and %S count in
    # hundredths, too coarse for a process that takes 20 ms).
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    try:
        with open(stdin or os.devnull, "rb") as feed:
            done = subprocess.run(
                [timer, "-f", "%M", *command],
                stdin=feed,
                capture_output=True,
                timeout=TIME_LIMIT,
            )
    except subprocess.TimeoutExpired:
        return Measured(TIME_LIMIT, 0, f"> {TIME_LIMIT} s", TIME_LIMIT)
    elapsed = time.perf_counter() - started
    now = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = now.ru_utime - used.ru_utime + now.ru_stime - used.ru_stime
    peak = int(done.stderr.decode().strip().splitlines()[-1] or 0)
    measured = Measured(elapsed, peak, "ok", cpu)
    if done.returncode != 0:
        lines = done.stderr.decode().strip().splitlines()[:-1]
        errors = [line for line in lines if "Error" in line and "exited" not in line]
        status = "broke: " + (errors or lines or ["failed"])[-1].strip()[:70]
        return measured._replace(status=status)
    return measured


def run(
    families: list[str], sizes: list[int], runs: int, peers: bool, baseline: str | None = None
) -> list[dict]:
    rows = []
    work = Path(tempfile.mkdtemp(prefix="adexplain-bench-"))
    (work / "micrograd_peer.py").write_text(MICROGRAD)
    (work / "sympy_peer.py").write_text(SYMPY)
    for family in families:
        for size, case in cases(family, sizes):
            commands = _commands(work, f"{family}-{size}", case, peers, baseline)
            if family not in FAMILIES or family == "shared_program" or int(size) > 1_000:
                commands.pop("sympy", None)
            # Tools take turns, run by run, so a burst of other work on the machine
            # slows both sides of a ratio rather than one.
            results: dict[str, list[Measured]] = {name: [] for name in commands}
            for _ in range(runs if len(case.ops) < 100_000 else 1):
                for name, (command, stdin) in commands.items():
                    results[name].append(measure(command, stdin))
            for name, measured in results.items():
                times = [r.seconds for r in measured]
                rows.append(
                    {
                        "family": family,
                        "size": size,
                        "nodes": case.nodes
                        if name != "micrograd" and case.nodes
                        else len(case.ops),
                        "variables": len(case.wrt or case.point),
                        "tool": name,
                        "median": statistics.median(times),
                        "min": min(times),
                        "max": max(times),
                        "runs": len(times),
                        "cpu_min": min(r.cpu for r in measured),
                        "cpu_median": statistics.median(r.cpu for r in measured),
                        "peak_mib": max(r.peak_kib for r in measured) / 1024,
                        "status": measured[-1].status,
                    }
                )
                print(json.dumps(rows[-1]), flush=True)
    return rows


def _commands(
    work: Path, stem: str, case: Case, peers: bool, baseline: str | None = None
) -> dict[str, tuple[list[str], Path | None]]:
    """The command line of each tool for one case, with the files they read."""
    text_file, ops_file, point_file = (
        work / f"{stem}.txt",
        work / f"{stem}.json",
        work / f"{stem}.point.json",
    )
    text_file.write_text(case.text)
    ops_file.write_text(json.dumps(case.ops))
    point_file.write_text(json.dumps(case.peer_point or case.point))
    options = case.at or [",".join(f"{k}={v}" for k, v in case.point.items())]
    at = [part for option in options for part in ("--at", option)]
    ours = [shutil.which("adexplain") or "adexplain", "-", *at, "--format", "json"]
    if case.wrt is not None:
        ours += ["--wrt", ",".join(case.wrt)]
    commands: dict[str, tuple[list[str], Path | None]] = {"adexplain": (ours, text_file)}
    if baseline:  # the same command, by another build of adexplain (the code before a change)
        commands["before"] = ([baseline, *ours[1:]], text_file)
    if peers:
        peer = [str(ops_file), str(point_file)]
        commands["micrograd"] = ([sys.executable, str(work / "micrograd_peer.py"), *peer], None)
        sympy = [sys.executable, str(work / "sympy_peer.py"), str(text_file), str(point_file)]
        commands["sympy"] = (sympy, None)
    return commands


EXAMPLE = ["y - max(0,w*x+b)", "--at", "y=5,w=2,x=1,b=1", "--wrt", "w"]
FLOOR = "import click, lark, rich.console, rich.table"


def startup(runs: int) -> dict[str, float]:
    """Medians of the README example (json, rich) and of importing the libraries it uses."""
    tool = shutil.which("adexplain") or "adexplain"
    commands = {
        "json": [tool, *EXAMPLE, "--format", "json"],
        "rich": [tool, *EXAMPLE, "--format", "rich"],
        "floor": [sys.executable, "-c", FLOOR],
    }
    medians = {}
    for name, command in commands.items():
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run(command, stdout=subprocess.DEVNULL, check=True)
            times.append(time.perf_counter() - started)
        medians[name] = statistics.median(times)
    return medians


BREAKDOWN = """
import gc, importlib, json, os, sys, time
gc.disable()  # as the command line does
from autodiff_cli.explain import explain
from autodiff_cli.graph import build
from autodiff_cli.parser import parse
from autodiff_cli.render import RenderOptions
from autodiff_cli.render.formats.json import stream
pipeline = importlib.import_module("autodiff_cli.explain")
text = open(sys.argv[1]).read()
point = {name: str(value) for name, value in json.load(open(sys.argv[2])).items()}  # as --at
wrt = json.loads(sys.argv[3])
stages = {}
clock = time.perf_counter

def timed(stage, work):
    def run(*args, **options):
        started = clock()
        try:
            return work(*args, **options)
        finally:
            stages[stage] = stages.get(stage, 0) + clock() - started
    return run

started = clock()
program = parse(text)
stages["parse"] = clock() - started
started = clock()
build(program, text, list(point))
stages["build"] = clock() - started
# Inside explain: reading --at, and the chain rules (path counts, reach, listing).
pipeline.resolve_point = timed("at", pipeline.resolve_point)
pipeline._chain_rules = timed("paths", pipeline._chain_rules)
started = clock()
result = explain(text, point, wrt)
spent = clock() - started
stages["passes"] = spent - stages["parse"] - stages["build"] - stages["at"] - stages["paths"]
started = clock()
with open(os.devnull, "w") as out:
    for piece in stream(result, RenderOptions()):
        out.write(piece)
stages["json"] = clock() - started
print(json.dumps(stages))
"""


def breakdown(case: Case) -> dict[str, float]:
    """Seconds per stage for one case, in one process (start-up not included)."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as text:
        text.write(case.text)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as point:
        json.dump(case.point, point)
    done = subprocess.run(
        [sys.executable, "-c", BREAKDOWN, text.name, point.name, json.dumps(case.wrt or "all")],
        capture_output=True,
        text=True,
        check=True,
        timeout=TIME_LIMIT,
        # Not from the checkout: there, `python -c` would import the source tree's package,
        # whose grammar is not where the installed package keeps it.
        cwd=tempfile.gettempdir(),
    )
    stages: dict[str, float] = json.loads(done.stdout)
    return stages


def breakdowns(families: list[str]) -> dict[str, dict[str, float]]:
    """Stages of the largest cases of the families run."""
    chosen = {}
    for family in ("wide_sum", "random_tree"):
        if family in families:
            chosen[f"{family}, 100 000 nodes"] = cases(family, [100_000])[0][1]
    if "network" in families:
        chosen["network 64-64-1, by 4 225 weights"] = network(*NETWORKS["64-64-1"])
    if "variables" in families:
        chosen[f"variables, {VARIABLES[-1]} of them"] = many_variables(VARIABLES[-1])
    return {name: breakdown(case) for name, case in chosen.items()}


def targets(rows: list[dict], start: dict[str, float]) -> list[tuple[str, str, str]]:
    """(target, measured, verdict) for each of issue 7's targets."""

    def timing(family: str, size: int, tool: str = "adexplain") -> dict | None:
        return next(
            (r for r in rows if (r["family"], r["size"], r["tool"]) == (family, size, tool)), None
        )

    verdicts = []
    json_ratio = start["json"] / start["floor"]
    rich_ratio = start["rich"] / start["floor"]
    verdicts.append(
        (
            "README example as JSON within 1.0x of importing click, lark, rich",
            f"{start['json'] * 1000:.0f} ms vs {start['floor'] * 1000:.0f} ms: {json_ratio:.2f}x",
            _verdict(json_ratio <= 1.0, f"{json_ratio - 1:.0%} over"),
        )
    )
    verdicts.append(
        (
            "README example as rich within 1.25x of the same floor",
            f"{start['rich'] * 1000:.0f} ms: {rich_ratio:.2f}x",
            _verdict(rich_ratio <= 1.25, f"{rich_ratio / 1.25 - 1:.0%} over"),
        )
    )
    broken = [r for r in rows if r["tool"] == "adexplain" and r["status"] != "ok"]
    verdicts.append(
        (
            "every family completes at every size, nesting 100 000 deep included",
            f"{len([r for r in rows if r['tool'] == 'adexplain']) - len(broken)} of "
            f"{len([r for r in rows if r['tool'] == 'adexplain'])} runs completed",
            _verdict(not broken, ", ".join(f"{r['family']} {r['size']}" for r in broken)),
        )
    )
    ours, peer = timing("random_tree", 100_000), timing("random_tree", 100_000, "micrograd")
    if ours and peer and peer["status"] == "ok":
        speedup = peer["median"] / ours["median"]
        verdicts.append(
            (
                "random 100 000-node family at least 1.3x faster than micrograd",
                f"{ours['median']:.2f} s vs {peer['median']:.2f} s: {speedup:.2f}x",
                _verdict(speedup >= 1.3, f"needs {1.3 / speedup:.1f}x more speed"),
            )
        )
    elif ours:
        verdicts.append(
            (
                "random 100 000-node family at least 1.3x faster than micrograd",
                f"{ours['median']:.2f} s; micrograd: {peer['status'] if peer else 'not run'}",
                "met (micrograd breaks)" if peer else "not measured",
            )
        )
    wide = timing("wide_sum", 100_000)
    if wide:
        verdicts.append(
            (
                "100 000-node wide sum within 2 s",
                f"{wide['median']:.2f} s",
                _verdict(wide["median"] <= 2.0, f"{wide['median'] / 2.0:.1f}x the target"),
            )
        )
    for family in FAMILIES:
        small, large = timing(family, 10_000), timing(family, 100_000)
        if small and large and small["status"] == large["status"] == "ok":
            growth = large["median"] / small["median"]
            verdicts.append(
                (
                    f"{family}: 10x the nodes costs at most 12x the time",
                    f"10 000 → 100 000 nodes: {growth:.1f}x",
                    _verdict(growth <= 12, f"{growth:.1f}x"),
                )
            )
    peaks = [r for r in rows if r["tool"] == "adexplain" and r["size"] == 100_000]
    if peaks:
        worst = max(peaks, key=lambda r: r["peak_mib"])
        verdicts.append(
            (
                "peak memory at 100 000 nodes below 300 MiB",
                f"largest: {worst['peak_mib']:.0f} MiB ({worst['family']})",
                _verdict(worst["peak_mib"] < 300, f"{worst['peak_mib'] / 300:.1f}x the target"),
            )
        )
    return verdicts


def _best(rows: list[dict], family: str, size: int | str, tool: str = "adexplain") -> dict | None:
    return next(
        (
            r
            for r in rows
            if (r["family"], r["size"], r["tool"]) == (family, size, tool) and r["status"] == "ok"
        ),
        None,
    )


def issue16(rows: list[dict], before: list[dict] | None) -> list[str]:
    """Issue 16's cases and targets, best of the runs (the machine is shared: other work
    only ever adds time), with the ratios to micrograd in the same run and, given the rows
    of a run on the code before, those too. CPU time (user + system) is shown beside the
    wall-clock time, as what other work on the machine disturbs least."""
    lines = [
        "## Networks and many variables (issue 16)",
        "",
        "Wall-clock best of the runs (median in brackets), and best CPU time (user + system);",
        "micrograd in the same run, the tools taking turns run by run.",
        "",
        "| case | nodes | variables | adexplain | cpu | micrograd | cpu | ratio | ratio cpu "
        "| before | ratio before |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    keys = [("network", name) for name in NETWORKS] + [("variables", v) for v in VARIABLES]
    for family, size in keys:
        ours, peer = _best(rows, family, size), _best(rows, family, size, "micrograd")
        if ours is None:
            continue
        old = _best(before or [], family, size)
        old_peer = _best(before or [], family, size, "micrograd")
        cells = [
            f"{family} {size}",
            str(ours["nodes"]),
            str(ours["variables"]),
            _seconds(ours),
            f"{ours['cpu_min']:.3f} s",
            _seconds(peer) if peer else "–",
            f"{peer['cpu_min']:.3f} s" if peer else "–",
            f"{ours['min'] / peer['min']:.1f}x" if peer else "–",
            f"{ours['cpu_min'] / peer['cpu_min']:.1f}x" if peer else "–",
            _seconds(old) if old else "–",
            f"{old['min'] / old_peer['min']:.1f}x" if old and old_peer else "–",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "| target | measured | verdict |", "|---|---|---|"]
    lines += [f"| {t} | {m} | {v} |" for t, m, v in _targets16(rows, before or [])]
    return [*lines, "", *NOTES16, ""]


def _seconds(row: dict) -> str:
    return f"{row['min']:.2f} s ({row['median']:.2f})"


def _targets16(rows: list[dict], before: list[dict]) -> list[tuple[str, str, str]]:
    verdicts = []
    for name, bound in (("64-64-1", 3.0), ("16-32-1", 2.0)):
        ours, peer = _best(rows, "network", name), _best(rows, "network", name, "micrograd")
        old, old_peer = _best(before, "network", name), _best(before, "network", name, "micrograd")
        if ours and peer:
            ratio, cpu = ours["min"] / peer["min"], ours["cpu_min"] / peer["cpu_min"]
            was = f"; before {old['min'] / old_peer['min']:.1f}x" if old and old_peer else ""
            verdicts.append(
                (
                    f"{name} network to JSON within {bound:g}x micrograd",
                    f"{ours['min']:.2f} s vs {peer['min']:.2f} s: {ratio:.1f}x "
                    f"(cpu {cpu:.1f}x){was}",
                    _verdict(ratio <= bound, f"{ratio / bound:.1f}x the target"),
                )
            )
    one, many = (_best(rows, "variables", VARIABLES[i]) for i in (0, -1))
    old_one, old_many = (_best(before, "variables", VARIABLES[i]) for i in (0, -1))
    if one and many:
        ratio, cpu = many["min"] / one["min"], many["cpu_min"] / one["cpu_min"]
        was = f"; before {old_many['min'] / old_one['min']:.1f}x" if old_one and old_many else ""
        verdicts.append(
            (
                f"{VARIABLES[-1]} variables at most 1.3x one variable (about {SWEEP_NODES} nodes)",
                f"{many['min']:.2f} s vs {one['min']:.2f} s: {ratio:.2f}x (cpu {cpu:.2f}x){was}",
                _verdict(ratio <= 1.3, f"{ratio / 1.3:.2f}x the target"),
            )
        )
    return verdicts


NOTES16 = [
    "Before, the chain rules took one counting sweep per variable over every later node "
    "(4 225 sweeps of 8 386 operations on the 64-64-1 network, 35 million sums, most of "
    "the time) and kept one byte per node per variable. Now one sweep down from the output "
    "counts the paths to every variable, one sweep up of bit masks (a Python integer per "
    "node, one bit per variable) says which node leads to which, and the listing stops at "
    "100 000 steps for all variables together: the counting and reach sweeps take "
    "milliseconds and make as many Python steps for 1 000 variables as for one.",
    "",
    "The networks are still short of their targets, by what every node costs rather than "
    "by anything per variable (the stages above, profiled with cProfile too): on the 64-64-1 "
    "network, start-up is about 0.05 s, reading the 4 290 --at values through the "
    "expression parser 0.04 s, parsing 0.04 s, building 0.04 s, JSON 0.12 s, and the chain "
    "rules 0.07 s, nearly all of it finding the 100 000 path steps the budget allows (writing "
    "them is about half of the JSON). micrograd builds 12 676 objects from an operation list "
    "and prints the gradient in 0.06 s, so 3x is 0.18 s: that takes the other stages 2-3x "
    "faster (--at values read without the parser, graph nodes built in the parser's "
    "reductions, formula text only where a format prints it) and a smaller listing budget "
    "(10 000 steps would save about 0.1 s here). The 16-32-1 target, 2x micrograd's 0.02 s, "
    "is below adexplain's own start-up: the README example alone takes 0.05 s to JSON.",
    "",
    "With 1 000 variables instead of one at 50 000 nodes, what grows is the listing, which "
    "fills its 100 000 steps (1 000 variables x 20 paths x 30 steps would be 600 000; one "
    "variable lists 600): finding them about 0.08 s and writing them about 0.1 s, with "
    "1 000 gradient and wrt entries. The masks add 0.03 s.",
    "",
    "The baseline is the build given with --baseline (the code before the change; the "
    "command above names it), and this build the code after, each "
    "installed with pip in a venv of its own, not editable (an editable install's import "
    "hook adds about 10 ms to every start): `--baseline OLD/bin/adexplain`. The machine has "
    "2 cores shared with other work, so ratios use the best of the runs, and CPU time is "
    "given beside; medians in brackets.",
]


def issue17(rows: list[dict], load: float | None = None) -> list[str]:
    """The n-n-1 tanh networks written with vectors: time by width, growth, micrograd."""
    lines = [
        "## Vector networks (issue 17)",
        "",
        "`h = tanh(W @ x + b)` then `(y - (v @ h + c))^2`, the weights, inputs and target as",
        "arrays in --at, explained to JSON with the gradient by every weight (`--wrt W,b,v,c`).",
        "Wall-clock best of the runs (median in brackets), best CPU time; micrograd builds the",
        "same network from its operations in the same run, the tools taking turns."
        + (
            f" The machine's load average was {load:.1f} on its 2 cores during the run (other "
            "work shared it): CPU time is what that disturbs least."
            if load is not None
            else ""
        ),
        "",
        "| network | weights | nodes | adexplain | cpu | micrograd | ratio | time / previous "
        "| weights / previous |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    previous: tuple[float, int] | None = None
    for width in WIDTHS:
        name = f"{width}-{width}-1"
        ours, peer = (
            _best(rows, "vector_network", name),
            _best(rows, "vector_network", name, "micrograd"),
        )
        if ours is None:
            continue
        weights = width * (width + 2) + 1
        growth = ("–", "–")
        if previous is not None:
            growth = (f"{ours['min'] / previous[0]:.2f}x", f"{weights / previous[1]:.2f}x")
        previous = (ours["min"], weights)
        cells = [
            name,
            f"{weights:,}".replace(",", " "),
            str(ours["nodes"]),
            _seconds(ours),
            f"{ours['cpu_min']:.3f} s",
            _seconds(peer) if peer else "–",
            f"{ours['min'] / peer['min']:.1f}x" if peer else "–",
            *growth,
        ]
        lines.append("| " + " | ".join(cells) + " |")
    target = _best(rows, "vector_network", "64-64-1")
    if target is not None:
        shortfall = f"{target['min'] / 2:.1f}x the target"
        lines += [
            "",
            "| target | measured | verdict |",
            "|---|---|---|",
            f"| 64-64-1 (4 225 weights) to JSON by every weight within 2 s | "
            f"{target['min']:.2f} s (median {target['median']:.2f} s) | "
            f"{_verdict(target['min'] <= 2.0, shortfall)} |",
        ]
    return [*lines, "", *notes17(rows), ""]


def notes17(rows: list[dict]) -> list[str]:
    """How the time grows, fitted to the runs: a fixed cost and a cost per weight."""
    points = []
    for width in WIDTHS:
        ours = _best(rows, "vector_network", f"{width}-{width}-1")
        if ours is not None:
            points.append((width * (width + 2) + 1, ours["min"]))
    if len(points) < 2:
        return []
    # Least squares for time = fixed + per_weight * weights.
    count = len(points)
    mean_w = sum(w for w, _ in points) / count
    mean_t = sum(t for _, t in points) / count
    spread = sum((w - mean_w) ** 2 for w, _ in points)
    per_weight = sum((w - mean_w) * (t - mean_t) for w, t in points) / spread
    fixed = mean_t - per_weight * mean_w
    worst = max(abs(fixed + per_weight * w - t) for w, t in points)
    return [
        f"The time is close to linear in the number of weights, which grows as the square of "
        f"the width: fitted to the runs above, {fixed:.2f} s plus {per_weight * 1e6:.0f} µs per "
        f"weight (the largest miss {worst:.2f} s). Each weight is an input node, a product "
        "node, two edges and a gradient entry; the path listing stops at 100 000 steps for all "
        "variables together, so past about 11 000 weights (paths of 9 steps: between the "
        "96- and the 128-wide network) it no longer grows. A row of a layer is "
        "one `sum` node with an edge per term, so the path from the loss to any weight has 9 "
        "edges at every width, where the network written with scalars (issue 16's cases) "
        "chains 64 binary additions per row.",
    ]


def splice(results: Path, section: list[str]) -> str:
    """RESULTS.md with its issue-17 section replaced (or added before "All runs"), the rest
    as it was: the other sections come from longer runs that are not repeated here."""
    text = results.read_text() if results.exists() else "# Benchmark results\n\n## All runs\n"
    body = "\n".join(section).rstrip("\n") + "\n\n"
    heading = "## Vector networks (issue 17)"
    if heading in text:
        start = text.index(heading)
        end = text.find("\n## ", start + len(heading))
        end = len(text) if end < 0 else end + 1
        return text[:start] + body + text[end:]
    anchor = text.find("## All runs")
    anchor = len(text) if anchor < 0 else anchor
    return text[:anchor] + body + text[anchor:]


def _verdict(met: bool, shortfall: str) -> str:
    return "met" if met else f"not met: {shortfall}"


def report(
    rows: list[dict],
    command: str,
    start: dict[str, float] | None = None,
    stages: dict[str, dict[str, float]] | None = None,
    before: list[dict] | None = None,
) -> str:
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    lines = [
        "# Benchmark results",
        "",
        f"Machine: {machine}, {time.strftime('%Y-%m-%d')}. Command: `{command}`.",
        "Whole process per measurement (start, parse or build, value and gradient of every "
        "variable, JSON out for adexplain); median of the runs (one run at 100 000), min–max, "
        "peak resident memory.",
    ]
    if before is not None:
        lines.append(
            "Before: the same commands with adexplain built from the code before the change; "
            "with --baseline, run in the same run, in turn with this build."
        )
    lines.append("")
    if start is not None:
        lines += ["## Targets", "", "| target | measured | verdict |", "|---|---|---|"]
        lines += [f"| {t} | {m} | {v} |" for t, m, v in targets(rows, start)]
        lines += [""]
    if stages is not None:
        lines += ["## Where the time goes", ""]
        for family, split in stages.items():
            total = sum(split.values())
            shares = ", ".join(
                f"{name} {seconds:.2f} s ({seconds / total:.0%})" for name, seconds in split.items()
            )
            lines += [f"- {family}, in one process, start-up aside: {shares}."]
        lines += [
            "",
            "Parsing runs Lark's LALR tables (exported to grammar/expr.tables.json) in a lean "
            "driver, about 2 µs a token; building and the passes are Python loops over the "
            "nodes; JSON writes each node and edge as one line of text. Every stage is linear, "
            "which is why the cost per node stays flat. What keeps the large runs above the "
            "targets is the work per node in pure Python: the random family is 500 000 tokens "
            "to parse, 133 000 formulas and 200 000 partials to compute and print, and 57 MB "
            "of JSON (each node with its formula, source text and span), where micrograd "
            "builds one object per node from an operation list it never parses and prints "
            "only the gradient. No single stage can close the gap: even the cheapest part of "
            "parsing, a bare loop over the 690 000 regular-expression matches of the text, "
            "takes 0.2 s.",
            "Start-up: a valid expression imports neither Lark (the tables are plain JSON) nor, "
            "for JSON, rich; what is left is Python, click and the package itself.",
            "",
        ]
    if any(r["family"] in ("network", "variables") for r in rows):
        lines += issue16(rows, before)
    if any(r["family"] == "vector_network" for r in rows):
        lines += issue17(rows)
    lines += [
        "## All runs",
        "",
        "| family | nodes | tool | median | min–max | peak MiB | status | before: median, peak |",
        "|---|---:|---|---:|---|---:|---|---:|",
    ]
    for row in rows:
        old = _best(before or [], row["family"], row["size"], row["tool"])
        was = f"{old['median']:.3f} s, {old['peak_mib']:.0f} MiB" if old else "–"
        lines.append(
            f"| {row['family']} | {row['nodes']} | {row['tool']} | {row['median']:.3f} s | "
            f"{row['min']:.3f}–{row['max']:.3f} s | {row['peak_mib']:.0f} | {row['status']} | "
            f"{was} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--families", default=",".join([*FAMILIES, "network", "variables", "vector_network"])
    )
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-peers", action="store_true")
    parser.add_argument("--output", default=str(HERE / "RESULTS.md"))
    parser.add_argument(
        "--from-json", help="re-render RESULTS.md from a saved RESULTS.json (startup is re-run)"
    )
    parser.add_argument("--before", help="the RESULTS.json of a run on the code before, to compare")
    parser.add_argument(
        "--baseline",
        help="another adexplain executable (the code before a change), run in turn with this one",
    )
    options = parser.parse_args()
    if options.families == "vector_network":
        # Issue 17's cases alone: their section of RESULTS.md is replaced, the rest kept.
        saved = Path(options.from_json or Path(options.output).with_suffix(".json"))
        kept = json.loads(saved.read_text()) if saved.exists() else []
        if options.from_json:
            rows = [r for r in kept if r["family"] == "vector_network"]
        else:
            rows = run(["vector_network"], [], options.runs, not options.no_peers)
            load = os.getloadavg()[1]  # the last five minutes: the run's own span
            rows = [{**r, "load": load} for r in rows]
            others = [r for r in kept if r["family"] != "vector_network"]
            saved.write_text(json.dumps([*others, *rows], indent=1))
        output = Path(options.output)
        load_seen = next((r["load"] for r in rows if "load" in r), None)
        output.write_text(splice(output, issue17(rows, load_seen)))
        return
    before = json.loads(Path(options.before).read_text()) if options.before else None
    if options.from_json:
        rows = json.loads(Path(options.from_json).read_text())
    else:
        rows = run(
            options.families.split(","),
            [int(size) for size in options.sizes.split(",")],
            options.runs,
            not options.no_peers,
            options.baseline,
        )
        Path(options.output).with_suffix(".json").write_text(json.dumps(rows, indent=1))
    if any(r["tool"] == "before" for r in rows):  # measured in this run: compare with those
        before = [
            {**r, "tool": "adexplain"} if r["tool"] == "before" else r
            for r in rows
            if r["tool"] in ("before", "micrograd")
        ]
        rows = [r for r in rows if r["tool"] != "before"]
    start = None
    if any(r["family"] in FAMILIES for r in rows):  # issue 7's targets, for its families
        start = startup(21)
    stages = breakdowns(sorted({r["family"] for r in rows}))
    command = "python bench/run.py " + " ".join(sys.argv[1:])
    if options.from_json:
        command = (
            f"the runs saved in {options.from_json}; {command.strip()} for start-up and the stages"
        )
    Path(options.output).write_text(report(rows, command.strip(), start, stages, before))


if __name__ == "__main__":
    main()
