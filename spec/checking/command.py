"""``python -m deltaspec.spec check``: one check from flags, or a problem set with --batch.

Exit status: 0 proved, 1 incorrect (also wrong only at a kink), 2 bad input or too
complex to decide in time, 3 agrees numerically but not proved. A --batch run exits with
the worst of its lines (2, then 1, then 3, then 0) and ends with a one-line summary.

A batch file holds one check per line, written as the flags of a single call;
blank lines and lines starting with # are skipped::

    --activation sigmoid --derivative "σ(z)(1 - σ(z))"
    --hidden-delta "(delta @ W.T) * g'(Z)" --layout row
"""
from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from deltaspec.spec import losses
from deltaspec.spec.checking import check, deadline, notation
from deltaspec.spec.checking.errors import CheckError

FORMULAS = {"--derivative": "derivative", "--loss-derivative": "loss_derivative", "--delta": "delta",
            "--hidden-delta": "hidden_delta", "--weight-gradient": "weight_gradient",
            "--bias-gradient": "bias_gradient", "--layer-backward": "layer_backward"}
_SETTINGS = ("--activation", "--of", "--loss", "--layout", "--time-limit")
FLAG_LABELS = {"answer": "", "activation": "--activation", "loss": "--loss", "of": "--of",
               "layout": "--layout", "mean": "--mean"}
MAX_BATCH_BYTES = 1_000_000
SEVERITY = (2, 1, 3, 0)  # the worst first


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line and exit 2 (via CheckError), never usage + traceback
        raise CheckError(message)


class _Once(argparse.Action):
    def __call__(self, parser, namespace, values, option_string=None):
        if getattr(namespace, self.dest) is not None:
            raise CheckError(f"{option_string} given more than once")
        setattr(namespace, self.dest, values)


def _parser(add_help: bool = True) -> _Parser:
    p = _Parser(prog="python -m deltaspec.spec check", allow_abbrev=False, add_help=add_help,
                description="Check a hand-derived formula against the spec. Exit 0 proved, 1 incorrect, "
                            "2 bad input or too complex, 3 agrees numerically but not proved.")
    p.add_argument("--activation", action=_Once, help="catalog name or an expression in z (or x)")
    p.add_argument("--derivative", action=_Once, help="g'(z) in z (or in a with --of a)")
    p.add_argument("--of", action=_Once, help="z (default) or a: the variable of --derivative")
    p.add_argument("--loss", action=_Once, help=f"one of {', '.join(losses.NAMES)}")
    p.add_argument("--delta", action=_Once, help="output delta dE/dz in y, t, z, N, K")
    p.add_argument("--loss-derivative", action=_Once, help="dE/dy per element in y, t, N, K")
    p.add_argument("--hidden-delta", action=_Once, help="δ_l in numpy notation: delta, W, Z, A, A_prev, Z_next")
    p.add_argument("--weight-gradient", action=_Once, help="dE/dW_l: delta, A_prev, A, Z, W, N")
    p.add_argument("--bias-gradient", action=_Once, help="dE/db_l: delta, N")
    p.add_argument("--layer-backward", action=_Once, help="'dZ = ...; dW = ...; db = ...; dA_prev = ...'")
    p.add_argument("--layout", action=_Once, help="row (default: samples are rows) or column")
    p.add_argument("--mean", action="store_true", help="the loss is averaged over the N samples")
    p.add_argument("--time-limit", action=_Once, help=f"seconds for SymPy (default {deadline.DEFAULT_SECONDS:g})")
    p.add_argument("--batch", action=_Once, help="a file of checks, one per line, written as these flags")
    return p


def _join_values(argv):
    """--opt value -> --opt=value, so a value like "-2*z*exp(-z**2)" is not taken for an option."""
    out, i = [], 0
    takes_value = (*FORMULAS, *_SETTINGS, "--batch")
    while i < len(argv):
        if argv[i] in takes_value and i + 1 < len(argv):
            out.append(f"{argv[i]}={argv[i + 1]}")
            i += 2
        else:
            out.append(argv[i])
            i += 1
    return out


def _seconds(text) -> float:
    if text is None:
        return deadline.DEFAULT_SECONDS
    try:
        return deadline.validate(float(text))
    except (ValueError, CheckError):
        raise CheckError(f"--time-limit must be a number of seconds in (0, {deadline.MAX_SECONDS:g}], "
                         f"not {text!r}") from None


def _one(args):
    """The verdict for one parsed command line (no --batch)."""
    given = [flag for flag in FORMULAS if getattr(args, flag[2:].replace("-", "_")) is not None]
    if len(given) != 1:
        which = "none" if not given else " and ".join(given)
        raise CheckError(f"give exactly one of {', '.join(FORMULAS)} (got {which})")
    flag = given[0]
    answer = getattr(args, flag[2:].replace("-", "_"))
    labels = {**FLAG_LABELS, "answer": flag}
    kwargs = {"activation": args.activation, "loss": args.loss, "of": args.of or "z",
              "layout": args.layout or "row", "mean": args.mean}
    return check(FORMULAS[flag], answer, time_limit=_seconds(args.time_limit), labels=labels, **kwargs)


def _batch_lines(path: str) -> list[str]:
    try:
        data = Path(path).read_bytes() if Path(path).is_file() else None
    except OSError as exc:
        raise CheckError(f"--batch: cannot read {path!r} ({exc.strerror})") from None
    if data is None:
        raise CheckError(f"--batch: {path!r} is not a regular file")
    if len(data) > MAX_BATCH_BYTES:
        raise CheckError(f"--batch: {path!r} is too large ({len(data)} bytes; at most {MAX_BATCH_BYTES})")
    try:
        return data.decode("utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise CheckError(f"--batch: {path!r} is not UTF-8 (byte {exc.start})") from None


def _batch(args, parser) -> int:
    """Each line checked in this one process; a bad line is reported and the rest go on."""
    others = [k for k, v in vars(args).items() if k not in ("batch", "mean", "time_limit") and v is not None]
    if others or args.mean:
        raise CheckError("--batch takes the checks from the file; give no other flag but --time-limit")
    counts = {0: 0, 1: 0, 2: 0, 3: 0}
    parser = _parser(add_help=False)  # --help on a line is an error there, not a help page that ends the batch
    for number, line in enumerate(_batch_lines(args.batch), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        status = _batch_line(number, line, parser, args.time_limit)
        counts[status] += 1
    total = sum(counts.values())
    if not total:
        raise CheckError(f"--batch: {args.batch!r} holds no checks")
    print(f"{total} checks: {counts[0]} proved, {counts[1]} incorrect, {counts[3]} not proved, {counts[2]} errors")
    return next(code for code in SEVERITY if counts[code])


def _batch_line(number: int, line: str, parser, time_limit) -> int:
    try:
        argv = shlex.split(line)
        args = parser.parse_args(_join_values(argv))
        if args.batch is not None:
            raise CheckError("--batch inside a batch file")
        if args.time_limit is None:
            args.time_limit = time_limit
        verdict = _one(args)
    except ValueError as exc:  # CheckError, and shlex's "No closing quotation"
        print(f"line {number}: error: {' '.join(str(exc).split())}")
        return 2
    except Exception as exc:  # one line whatever went wrong: the other lines still get checked
        print(f"line {number}: error: could not check this input ({type(exc).__name__}: {notation.first_line(exc)})")
        return 2
    print(f"line {number}: {verdict.report()}")
    return verdict.exit_status


def main(argv=None) -> int:
    """Print the verdict's report (or each line's, with --batch); exit as the module says."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = _parser()
    try:
        args = parser.parse_args(_join_values(argv))
        if args.batch is not None:
            return _batch(args, parser)
        verdict = _one(args)
    except SystemExit as exc:  # --help
        return exc.code if isinstance(exc.code, int) else 0
    except CheckError as exc:
        print(f"error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2
    except Exception as exc:  # never a traceback for a student; say what failed, in one line
        print(f"error: could not check this input ({type(exc).__name__}: {notation.first_line(exc)})",
              file=sys.stderr)
        return 2
    print(verdict.report())
    return verdict.exit_status
