"""``python -m deltaspec.conformance``: grading from the command line.

    python -m deltaspec.conformance grade SUBMISSIONS_DIR --out gradebook.csv [--jobs N] [--weights W]
                                [--profile quick|thorough] [--timeout S] [--json-dir DIR]
    python -m deltaspec.conformance run SUBMISSION [--gradescope F] [--prairielearn F] [--weights W]
                              [--profile quick|thorough] [--timeout S]
    python -m deltaspec.conformance capabilities [--weights W]

``grade`` grades every submission (a .py file or a folder) in SUBMISSIONS_DIR, N at a
time, each in its own isolated run, and writes a CSV gradebook plus one Gradescope JSON
per submission. ``run`` grades one submission into Gradescope's and/or PrairieLearn's
results file (the autograder scripts in docs/autograder/ call it). ``capabilities``
lists every capability with its kind and weight.

Exit status: 0 when the grading completed (whatever the scores), 2 on bad usage.
"""
from __future__ import annotations

import argparse
import os
from pathlib import Path

from deltaspec import commands
from deltaspec.conformance.grading import assignment, batch, scoring as grading


class _Parser(argparse.ArgumentParser):
    """Usage errors in one line, exit status 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be positive")
    return value


def _parser() -> _Parser:
    parser = _Parser(prog="python -m deltaspec.conformance", description="Grade backpropagation implementations.")
    commands.add_version_option(parser)
    sub = parser.add_subparsers(dest="command", metavar="{grade,run,capabilities}", parser_class=_Parser)

    def common(p):
        p.add_argument("--weights", metavar="FILE", help="TOML points per capability kind or capability "
                                                        "(merged over conformance/grading/weights.toml)")
        p.add_argument("--profile", choices=batch.PROFILES, default="quick",
                       help="conformance profile (default quick)")
        p.add_argument("--timeout", type=_positive_float, default=batch.DEFAULT_TIMEOUT, metavar="SECONDS",
                       help=f"wall-clock limit per submission (default {batch.DEFAULT_TIMEOUT:g}); then it scores 0")

    g = sub.add_parser("grade", help="grade a directory of submissions into a CSV gradebook")
    g.add_argument("submissions", metavar="SUBMISSIONS_DIR")
    g.add_argument("--out", required=True, metavar="CSV", help="the gradebook to write")
    g.add_argument("--jobs", type=_positive_int, default=os.cpu_count() or 1, metavar="N",
                   help="submissions graded at a time (default: the number of CPUs)")
    g.add_argument("--json-dir", metavar="DIR", help="where each submission's Gradescope JSON goes "
                                                     "(default: the gradebook's directory)")
    common(g)

    r = sub.add_parser("run", help="grade one submission (a .py file or a folder) into results files")
    r.add_argument("submission", metavar="SUBMISSION")
    r.add_argument("--gradescope", metavar="PATH", help="write Gradescope's results.json here")
    r.add_argument("--prairielearn", metavar="PATH", help="write PrairieLearn's results.json here")
    common(r)

    c = sub.add_parser("capabilities", help="list the capabilities with their kind and weight")
    c.add_argument("--weights", metavar="FILE")
    return parser


def main(argv=None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.error("choose a command: grade, run or capabilities")
    try:
        return _command(parser, args)
    except BrokenPipeError:  # the reader of stdout left (| head): commands.run ends quietly
        raise
    except OSError as exc:  # an output that cannot be written: one line, never a traceback
        parser.exit(2, f"{parser.prog}: error: {exc}\n")


def _check_outputs(parser, args) -> None:
    """Refuse, before any grading, an output path that is not a regular file's."""
    from deltaspec.files import OutputError, check_target

    for option in ("out", "gradescope", "prairielearn"):
        value = getattr(args, option, None)
        if value is not None:
            try:
                check_target(value, parents=True)
            except OutputError as exc:
                parser.exit(2, f"{parser.prog}: error: --{option}: {exc}\n")


def _misconfigured(parser, targets: dict[str, str], weights: dict[str, float], reason: str) -> None:
    """Exit 2 with one line; the results files, if any were asked for, score 0 with the
    reason (they exist in every case)."""
    if targets:
        grading.write_results(targets, grading.zero_grade(weights, "misconfigured",
                                                          f"the grader is misconfigured: {reason}"))
    parser.exit(2, f"{parser.prog}: error: {reason}\n")


def _command(parser, args) -> int:
    _check_outputs(parser, args)
    json_dir = getattr(args, "json_dir", None)
    if json_dir == "":
        parser.exit(2, f"{parser.prog}: error: --json-dir is empty; name a folder\n")
    if json_dir is not None and os.path.exists(json_dir) and not os.path.isdir(json_dir):
        parser.exit(2, f"{parser.prog}: error: --json-dir {json_dir!r} is not a directory\n")
    targets = {fmt: path for fmt in ("gradescope", "prairielearn") if (path := getattr(args, fmt, None))}
    try:
        weights = assignment.load_weights(args.weights)
    except assignment.WeightsError as exc:
        _misconfigured(parser, targets, {}, str(exc))
    if getattr(args, "submission", None) == "":
        _misconfigured(parser, targets, weights, "the submission path is empty (the bundled reference is never "
                                                 "graded)")

    if args.command == "capabilities":
        for cap, weight in weights.items():
            print(f"{cap:32} {assignment.kind_of(cap):13} {weight:g}")
        print(f"{'total':32} {'':13} {sum(weights.values()):g}")
        return 0

    if args.command == "run":
        if not targets:
            parser.exit(2, f"{parser.prog}: error: run needs --gradescope PATH and/or --prairielearn PATH\n")
        row = batch.grade_one(Path(args.submission), targets, weights=weights, weights_path=args.weights,
                              profile=args.profile, timeout=args.timeout)
        print(f"{row.submission}: {row.score:.6g} of {row.max_score:.6g} points ({row.status})"
              + (f": {row.reason}" if row.reason else ""))
        return 0

    root = Path(args.submissions)
    if not args.submissions or not root.is_dir():   # Path("") would be the working folder
        parser.exit(2, f"{parser.prog}: error: {args.submissions!r} is not a directory\n")
    out = Path(args.out)
    if out.exists() and out.is_dir():
        parser.exit(2, f"{parser.prog}: error: --out {args.out!r} is a directory; give a .csv file\n")
    rows = batch.run_batch(root, out, jobs=args.jobs, weights=weights, weights_path=args.weights,
                           profile=args.profile, timeout=args.timeout,
                           json_dir=Path(args.json_dir) if args.json_dir else None)
    graded = sum(1 for r in rows if r.status == "graded")
    print(f"{len(rows)} submissions, {graded} graded, {len(rows) - graded} scored 0 without a full run; "
          f"gradebook {out}")
    return 0


if __name__ == "__main__":
    commands.run(main)
