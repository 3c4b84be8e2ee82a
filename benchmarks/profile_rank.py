"""Where the time of ``netinfluence rank`` goes: a py-spy profile folded into a call tree.

Usage (from the repository root; ``pip install py-spy``)::

    python benchmarks/profile_rank.py --size 1e6          # writes results/profile-1e6.md
    python benchmarks/profile_rank.py --raw p.txt         # summarise an existing raw profile

The end-to-end command of ``run.py`` runs under ``py-spy record --format raw`` (sampling, so
the run is barely slowed down). Every sample's stack is cut to the frames inside the
``netinfluence`` package (CLI plumbing above ``rank_cmd`` dropped) plus the first library frame
they call (pandas, numpy, igraph, ...), then merged into a tree of inclusive seconds; the
frame label keeps the line number, which tells the three ``reach`` calls of
``score_inputs`` apart. Code that releases the GIL (igraph's C routines) is charged to the
Python frame that called it.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

FRAME = re.compile(r"^(?P<func>.*) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")
ROOTS = ("rank_cmd",)


def _parse(frame: str) -> tuple[str, str, str]:
    m = FRAME.match(frame)
    if not m:
        return frame, "", ""
    return m["func"], m["file"], m["line"] or ""


def _is_ours(file: str) -> bool:
    return file.startswith("netinfluence/")


def _label(func: str, file: str, line: str, ours: bool) -> str:
    if ours:
        return f"{func} ({file.removeprefix('netinfluence/')}:{line})"
    top = file.split("/")[0].removesuffix(".py") if file else "?"
    return f"{func} [{top}]"


def fold(raw: str) -> tuple[dict, Counter, int]:
    """Raw py-spy lines -> (tree of sample counts, self samples per leaf function, total)."""
    tree: dict = {"n": 0, "kids": {}}
    leaves: Counter = Counter()
    total = 0
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        k = int(count)
        total += k
        frames = [_parse(f) for f in stack.split(";")]
        start = next((i for i, f in enumerate(frames) if f[0] in ROOTS), 0)
        path = []
        for func, file, ln in frames[start:]:
            ours = _is_ours(file) or func in ROOTS
            path.append(_label(func, file, ln, ours))
            if not ours:
                break  # the first library frame below our code
        func, file, _ = frames[-1]
        leaves[
            _label(func, file, "", False)
            if not _is_ours(file)
            else _label(func, file, frames[-1][2], True)
        ] += k
        node = tree
        node["n"] += k
        for p in path:
            node = node["kids"].setdefault(p, {"n": 0, "kids": {}})
            node["n"] += k
    return tree, leaves, total


def render(
    tree: dict,
    leaves: Counter,
    total: int,
    rate: float,
    *,
    title: str,
    threshold: float = 0.01,
    depth: int = 14,
) -> str:
    """Markdown: the call tree (inclusive seconds, share of the run) and the top leaves."""
    lines = [
        f"# {title}",
        "",
        f"{total} samples at {rate:g} Hz = {total / rate:.1f} s of the process's wall "
        f"time. Tree: inclusive seconds and share of all samples; branches under "
        f"{threshold:.0%} are folded away. Leaves: the function on top of the stack.",
        "",
        "```",
    ]

    def walk(node: dict, indent: int):
        kids = sorted(node["kids"].items(), key=lambda kv: -kv[1]["n"])
        shown = 0
        for name, kid in kids:
            if kid["n"] < threshold * total or indent >= depth:
                continue
            shown += kid["n"]
            lines.append(f"{kid['n'] / rate:8.1f} s {kid['n'] / total:6.1%}  {'  ' * indent}{name}")
            walk(kid, indent + 1)

    outside = total - sum(k["n"] for k in tree["kids"].values())
    if outside:
        lines.append(
            f"{outside / rate:8.1f} s {outside / total:6.1%}  "
            "(outside rank_cmd: interpreter start, imports, argument parsing)"
        )
    walk(tree, 0)
    top = pd.DataFrame(
        [
            (f"{n / rate:.1f}", f"{n / total:.1%}", f"`{name}`")
            for name, n in leaves.most_common(25)
        ],
        columns=["self s", "share", "function on top of the stack"],
    )
    table = top.to_markdown(index=False, disable_numparse=True, colalign=("right", "right", "left"))
    lines += ["```", "", table]
    return "\n".join(lines) + "\n"


def record(size: str, out: Path, *, rate: float, fmt: str = "csv", seed: int = 0) -> Path:
    """Run the end-to-end command under py-spy; returns the raw profile file."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(spy).exists():
        sys.exit("py-spy not found: pip install py-spy")
    edges = generate.parse_size(size)
    folder = generate.ensure(edges, seed=seed)
    exe = Path(sys.executable).with_name("netinfluence")
    scratch = HERE / "out" / generate.size_label(edges)
    scratch.mkdir(parents=True, exist_ok=True)
    raw = out.with_suffix(".raw.txt")
    cmd = [
        spy,
        "record",
        "-r",
        str(rate),
        "-f",
        "raw",
        "-o",
        str(raw),
        "--",
        str(exe),
        "--quiet",
        "rank",
        "--follows",
        str(folder / f"follows.{fmt}"),
        "--interactions",
        str(folder / f"interactions.{fmt}"),
        "--users",
        str(folder / f"users.{fmt}"),
        "--out",
        str(scratch / "ranked-prof.csv"),
        "--top",
        "0",
        "--seed",
        str(seed),
    ]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return raw


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", default="1e6", help="Input size to profile (default 1e6).")
    ap.add_argument("--rate", type=int, default=20, help="Samples per second.")
    ap.add_argument("--raw", help="Summarise this raw py-spy file instead of recording.")
    ap.add_argument("--out", help="Markdown output (default results/profile-<size>.md).")
    ap.add_argument("--depth", type=int, default=14, help="Deepest tree level shown.")
    ap.add_argument("--keep-raw", action="store_true", help="Keep the raw samples file.")
    args = ap.parse_args(argv)
    label = generate.size_label(generate.parse_size(args.size))
    out = Path(args.out) if args.out else HERE / "results" / f"profile-{label}.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    raw = Path(args.raw) if args.raw else record(args.size, out, rate=args.rate)
    tree, leaves, total = fold(raw.read_text(encoding="utf-8"))
    title = f"Profile of `netinfluence --quiet rank` at {label} follow edges"
    text = render(tree, leaves, total, args.rate, title=title, depth=args.depth)
    out.write_text(text, encoding="utf-8")
    if not args.raw and not args.keep_raw:
        raw.unlink(missing_ok=True)
    print(out.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
