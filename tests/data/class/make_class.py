"""Writes tests/data/class/submissions: one file per student, each a perfect sheet worked by
hand (math, not adexplain) with the student's own mistakes written in."""

import json
import math
from pathlib import Path

E2 = math.exp(2)
SIG = 1 / (1 + math.exp(-4))
DSIG = SIG * (1 - SIG)
COS2, SIN2 = math.cos(2), math.sin(2)
TRUE = {
    "values": {
        "w3": E2,
        "w4": 2 * E2,
        "w5": 4,
        "w6": SIG,
        "w7": 2 * E2 + SIG,
        "w8": COS2,
        "w9": 2 * E2 + SIG + COS2,
        "w10": 0,
        "w11": 0,
        "w12": 2 * E2 + SIG + COS2,
    },
    "partials": {
        "w3/w2": E2,
        "w4/w3": 2,
        "w4/w1": E2,
        "w5/w1": 4,
        "w6/w5": DSIG,
        "w7/w4": 1,
        "w7/w6": 1,
        "w8/w2": -SIN2,
        "w9/w7": 1,
        "w9/w8": 1,
        "w10/w2": 1,
        "w11/w10": 0,
        "w12/w9": 1,
        "w12/w11": 1,
    },
    "gradient": {"x": E2 + 4 * DSIG, "y": 2 * E2 - SIN2},
}
HEADER = (
    'expr = "exp(y) * x + sigmoid(x*x) + cos(y) + relu(y - 2)"\n'
    'at = { x = 2, y = 2 }\nwrt = "all"\n'
)


def sig6(v):
    return float(f"{v:.6g}")


def fmt(v):
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, bool):
        return "true" if v else "false"
    v = sig6(v)
    return str(int(v)) if v == int(v) else repr(v)


def sheet(changes=None, drop=(), sections=("values", "partials", "gradient"), rounding=sig6):
    s = {
        sec: {k: (rounding(v) if not isinstance(v, str) else v) for k, v in TRUE[sec].items()}
        for sec in sections
    }
    for key, value in (changes or {}).items():
        sec = "gradient" if key in ("x", "y", "dZ/dx") else "partials" if "/" in key else "values"
        s.setdefault(sec, {})[key] = value
    for key in drop:
        for sec in s.values():
            sec.pop(key, None)
    return s


def write(name, student, s, header=HEADER, extra=""):
    lines = [f'student = "{student}"'] if student else []
    lines.append(header.rstrip("\n"))
    if extra:
        lines.append(extra.rstrip("\n"))
    for sec in ("values", "partials", "gradient"):
        if sec in s:
            lines.append(f"\n[{sec}]")
            lines += [f"{json.dumps(k)} = {fmt(v)}" for k, v in s[sec].items()]
    path = Path("submissions") / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def r3(v):
    return float(f"{v:.3g}")


def r2(v):
    return round(v, 2)


write("s01.toml", "Ada", sheet())
write("s02.toml", "Ben", sheet(rounding=r3))
write("s03.toml", "Cleo", sheet(rounding=r2))
write("s04.toml", "Dev", sheet(sections=("gradient",)))
# s05: a blank template, as quiz writes one (answers commented out)
Path("submissions/s05.toml").write_text(
    'student = ""\n'
    + HEADER
    + '\n[values]\n# "w3" = \n\n[partials]\n# "w3/w2" = \n\n[gradient]\n# "x" = \n',
    encoding="utf-8",
)
write("s06.toml", "Finn", sheet({"w1": 2, "w2": 2}))
# s07: changed the point to x = 1, y = 1 and worked it consistently
E1, S1 = math.e, 1 / (1 + math.exp(-1))
at11 = {
    "values": {
        "w3": E1,
        "w4": E1,
        "w5": 1,
        "w6": S1,
        "w7": E1 + S1,
        "w8": math.cos(1),
        "w9": E1 + S1 + math.cos(1),
        "w10": -1,
        "w11": 0,
        "w12": E1 + S1 + math.cos(1),
    },
    "partials": {
        "w3/w2": E1,
        "w4/w3": 1,
        "w4/w1": E1,
        "w5/w1": 2,
        "w6/w5": S1 * (1 - S1),
        "w7/w4": 1,
        "w7/w6": 1,
        "w8/w2": -math.sin(1),
        "w9/w7": 1,
        "w9/w8": 1,
        "w10/w2": 1,
        "w11/w10": 0,
        "w12/w9": 1,
        "w12/w11": 1,
    },
    "gradient": {"x": E1 + 2 * S1 * (1 - S1), "y": E1 - math.sin(1)},
}
write("s07.toml", "Gus", at11, header=HEADER.replace("x = 2, y = 2", "x = 1, y = 1"))
write(
    "s08.toml",
    "Hana",
    {"values": {"w3": 4}, "partials": {"w3/w1": 1, "w3/w2": 1}, "gradient": {"x": 1, "y": 1}},
    header=HEADER.replace("exp(y) * x + sigmoid(x*x) + cos(y) + relu(y - 2)", "x + y"),
)
write(
    "s09.toml",
    "Ivo",
    sheet(
        {"w3": "e²", "w4": "2×e²", "w8/w2": "−sin 2", "w6": "0,982", "w9": "15,34", "w3/w2": "e^2"}
    ),
)
write("s10.toml", "Jo", sheet({"w10": "−1/2"}))
write("s11.toml", "Kai", sheet({"w3": "about 7.4"}))
s12 = sheet()
s12["values"]["w13"] = s12["values"].pop("w12")
write("s12.toml", "Lena", s12)
s13 = sheet()
s13["gradient"] = {"dZ/dx": s13["gradient"]["x"], "y": s13["gradient"]["y"]}
write("s13.toml", "Mo", s13)
write("s14.toml", "Nia", sheet({"w4": True}))
write("s15.toml", "Omar", sheet({"w3": "7,389", "w3/w2": "7,389", "w4/w1": "7,389"}))
write(
    "s16.toml",
    "Pia",
    sheet(
        {
            "w6": 1,
            "w7": 2 * E2 + 1,
            "w9": 2 * E2 + 1 + COS2,
            "w12": 2 * E2 + 1 + COS2,
            "w6/w5": 0,
            "x": E2,
        }
    ),
)
write(
    "s17.toml",
    "Quin",
    sheet({"w6": 0.98, "w7": 2 * E2 + 0.98, "w6/w5": 0.98 * 0.02, "x": E2 + 4 * 0.0196}),
)
write(
    "s18.toml",
    "Rae",
    sheet(
        {
            "w3": 7,
            "w3/w2": 7,
            "w4": 14,
            "w4/w1": 7,
            "w7": 14 + SIG,
            "w9": 14 + SIG + COS2,
            "w12": 14 + SIG + COS2,
            "x": 7 + 4 * DSIG,
            "y": 14 - SIN2,
        }
    ),
)
zeros = {sec: {k: 0 for k in TRUE[sec]} for sec in TRUE}
write("s19.toml", "Sam", zeros)
sevens = {sec: {k: 7 for k in TRUE[sec]} for sec in TRUE}
write("s20.toml", "Tess", sevens)
write("s21.toml", "Uma", sheet({"w11/w10": 1, "y": 2 * E2 - SIN2 + 1}))
write("s22.toml", "Vic", sheet({"w11/w10": 0.5, "y": 2 * E2 - SIN2 + 0.5}))
write("s23.toml", "Wen", sheet({"w11/w10": 2, "y": 2 * E2 - SIN2 + 2}))
# the forgotten product rule: ∂(x*x)/∂x taken as one edge's x = 2
write("s24.toml", "Xia", sheet({"w5/w1": 2, "x": E2 + 2 * DSIG}))
write("s25.toml", "Yan", sheet({"w5/w1": 2}))
write("s26.toml", "Zed", sheet({"w5/w1": 2, "x": E2 + 2 * DSIG}))
write("s27.toml", "Abe", sheet({"w5/w1": 2, "x": E2 + 2 * DSIG}))
write("s28.toml", "Bea", sheet({"w5/w1": 2, "x": E2 + 2 * DSIG}))
write("s29.toml", "Cal", sheet({"w5/w1": 2, "x": 7}))
write("s30.toml", "Dot", sheet({"w5/w1": 2, "w8/w2": SIN2, "x": E2 + 2 * DSIG, "y": 2 * E2 + SIN2}))
write("s31.toml", "Eli", sheet({"w8/w2": SIN2, "y": 2 * E2 + SIN2}))
write("s32.toml", "Fay", sheet({"w8": SIN2, "w9": 2 * E2 + SIG + SIN2, "w12": 2 * E2 + SIG + SIN2}))
write("s33.toml", "Gil", sheet({"x": E2}))
write(
    "s35.toml",
    "Ike",
    sheet({"w4": 14.0, "w7": 14 + SIG, "w9": 14 + SIG + COS2, "w12": 14 + SIG + COS2}),
)
S5 = 1 / (1 + math.exp(-5))
write(
    "s36.toml",
    "Jay",
    sheet(
        {
            "w5": 5,
            "w6": S5,
            "w7": 2 * E2 + S5,
            "w9": 2 * E2 + S5 + COS2,
            "w12": 2 * E2 + S5 + COS2,
            "w6/w5": S5 * (1 - S5),
            "x": E2 + 4 * S5 * (1 - S5),
        }
    ),
)
write("s37.toml", "Kim", sheet(sections=("values",)))
write("s38.toml", "Lou", sheet(sections=("partials",)))
write("s39-draft.toml", "Ada", sheet(sections=("values",)))
write("S40.TOML", "Max", sheet())
write("folders/s41/submission.toml", "Ned", sheet({"w12": 15}))
Path("submissions/s42.toml").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
write("s43.toml", "Oli", sheet(drop=("y",)), header=HEADER.replace('wrt = "all"', 'wrt = ["x"]'))
write(
    "s44.toml",
    "Pat",
    sheet({"w6/w5": "sigmoid(4) * (1 − sigmoid(4))", "w5/w1": "2 × 2", "x": "e² + 4·0.0177"}),
)
Path("submissions/notes.txt").write_text("scanned sheets are in the LMS\n")
