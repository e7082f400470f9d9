"""``python -m deltaspec.reference``: list the faithful trainers, or run one.

    python -m deltaspec.reference list
    python -m deltaspec.reference run NAME [--seed N] [--epochs N] [--alpha A] [--hidden H] [--faithful]

``run`` prints the lines the original program printed (Python 3, floats in full).
An unknown name, an unknown option, an option the trainer does not take or a bad
value prints one line to stderr and exits with status 2.
"""
from __future__ import annotations

import argparse
import math
import sys

from deltaspec import commands
from deltaspec.reference.trainers import registry

PROG = "python -m deltaspec.reference"
SEED_MAX = 2**32 - 1  # numpy's legacy seeding takes 0 .. 2**32 - 1


class UsageError(Exception):
    """A bad command line: reported as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse, but an error is one line and no usage block."""

    def error(self, message):
        raise UsageError(message)


def _integer(low: int, high: int | None = None):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
        if value < low or (high is not None and value > high):
            bound = f"between {low} and {high}" if high is not None else f"at least {low}"
            raise argparse.ArgumentTypeError(f"{value} is not {bound}")
        return value

    return parse


def _alpha(text: str):
    """A positive finite step size; an integer literal stays an int (Trask prints ``1``)."""
    try:
        value = int(text)
    except ValueError:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive finite number")
    return value


def parser() -> argparse.ArgumentParser:
    """The command-line parser (``list`` and ``run``)."""
    top = _Parser(prog=PROG, description="Faithful reproductions of the seed programs.")
    commands.add_version_option(top)
    sub = top.add_subparsers(dest="command", required=True, parser_class=_Parser)
    sub.add_parser("list", help="show every trainer: name, seed document, network, loss, conventions")
    run = sub.add_parser("run", help="run one trainer and print what the original printed")
    run.add_argument("name", help="trainer name (see list)")
    run.add_argument("--seed", type=_integer(0, SEED_MAX), help="seed for numpy's legacy RNG")
    run.add_argument("--epochs", type=_integer(1), help="iterations / epochs")
    run.add_argument("--alpha", type=_alpha, help="learning rate (three-layer: Part 2's net)")
    run.add_argument("--hidden", type=_integer(1), help="hidden units (three-layer: Part 2's net)")
    run.add_argument("--faithful", action="store_true", help="keep the original's quirk (per-sample-bias)")
    return top


def _seed_line(key: str) -> str:
    """'003 <title>, <author> (<file>)' from spec.conventions, or just the key."""
    try:
        from deltaspec.spec import conventions

        seed = conventions.seed(key)
    except (ImportError, AttributeError, ValueError):
        return key
    return f"{key} {seed.title}, {seed.author} ({seed.file})"


def listing() -> list[str]:
    """The ``list`` output, one block per trainer."""
    lines = []
    for t in registry.TRAINERS:
        options = ", ".join(
            f"--{o}" if o == "faithful" else f"--{o} (default {'none' if d is None else d})"
            for o, d in t.defaults.items()
        )
        lines += [
            t.name,
            f"  seed document: {_seed_line(t.seed)}",
            f"  program:       {t.program}",
            f"  network:       {t.network}",
            f"  loss:          {t.loss}",
            f"  conventions:   {t.conventions}",
            f"  options:       {options}",
            "",
        ]
    return lines[:-1]


def run_lines(args) -> list[str]:
    """Run the named trainer with the options given; its printed lines."""
    try:
        trainer = registry.get(args.name)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    given = {o: getattr(args, o) for o in registry.OPTIONS if getattr(args, o) is not None}
    given = {o: v for o, v in given.items() if v is not False}  # an absent --faithful (0 is a seed)
    refused = [o for o in given if o not in trainer.options]
    if refused:
        takes = ", ".join(f"--{o}" for o in trainer.options) or "no options"
        raise UsageError(f"{trainer.name} does not take --{refused[0]} (it takes {takes})")
    _bounded({**{k: v for k, v in trainer.defaults.items() if v is not None}, **given})
    return trainer.run(**given).lines


MAX_WORK = 10**8       # epochs x hidden units: 3 to 12 minutes here; the seeds' runs need under 2e6
MAX_HIDDEN = 10**5     # a hidden layer that would not fit in memory is refused before it is made


def _bounded(given: dict) -> None:
    """Refuse a run that would take hours or all the memory, in one line (``given``: the
    options with the trainer's defaults filled in)."""
    hidden = given.get("hidden", 1)
    if hidden > MAX_HIDDEN:
        raise UsageError(f"--hidden {hidden} is too large (at most {MAX_HIDDEN})")
    work = given.get("epochs", 1) * hidden
    if work > MAX_WORK:
        raise UsageError(f"--epochs x --hidden = {work:.3g} is too much work (at most {MAX_WORK:.0e}, "
                         "several minutes); ask for fewer epochs or hidden units")


def main(argv=None) -> int:
    """Entry point; returns the exit status."""
    try:
        args = parser().parse_args(argv)
        lines = listing() if args.command == "list" else run_lines(args)
    except UsageError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    for line in lines:
        print(line)
    return 0


if __name__ == "__main__":
    commands.run(main)  # a reader that stops early (| head) ends it quietly
