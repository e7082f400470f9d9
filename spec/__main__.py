"""``python -m deltaspec.spec render`` writes docs/SPEC.md and docs/REPRODUCTION.md; ``check``
checks a hand derivation; ``source`` prints, rewrites (``--write``) or checks (``--check``) the generated module."""
from __future__ import annotations

import argparse
import sys

from deltaspec import commands


def _render(argv) -> int:
    parser = argparse.ArgumentParser(prog="python -m deltaspec.spec render",
                                     description="Write the generated spec (and plots, with matplotlib).")
    parser.add_argument("--out", default="docs/SPEC.md", help="where to write SPEC.md (default: docs/SPEC.md); REPRODUCTION.md goes beside it")
    parser.add_argument("--no-plots", action="store_true", help="do not draw the activation plots")
    args = parser.parse_args(argv)
    from deltaspec.files import OutputError
    from deltaspec.spec import render

    try:
        lines = render.write(args.out, plots=not args.no_plots)
    except OutputError as exc:
        parser.exit(2, f"{parser.prog}: error: --out: {exc}\n")
    for line in lines:
        print(line)
    return 0


def _source(argv) -> int:
    """Print the generated module; --write derives it again into spec/_generated.py;
    --check exits 1 when spec/_generated.py is stale (its KEY is not the spec's)."""
    if argv not in ([], ["--write"], ["--check"]):
        print(f"python -m deltaspec.spec source: takes --write or --check, got {' '.join(argv)!r}", file=sys.stderr)
        return 2
    from deltaspec.spec import numeric

    if argv == ["--write"]:
        print(f"wrote {numeric.ship()}")
    elif argv == ["--check"]:
        if not numeric.shipped_is_fresh():
            print(f"{numeric.SHIPPED} is stale: run python -m deltaspec.spec source --write", file=sys.stderr)
            return 1
        print(f"{numeric.SHIPPED} is fresh (key {numeric.key()})")
    else:
        sys.stdout.write(numeric.source())
    return 0


def _check(argv) -> int:
    from deltaspec.spec.checking import command

    return command.main(argv)


COMMANDS = {"render": _render, "check": _check, "source": _source}


def main(argv=None) -> int:
    """Dispatch to a subcommand; an unknown one is a one-line error with exit status 2."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv == ["--version"]:
        print(commands.version_line())
        return 0
    if not argv or argv[0] in ("-h", "--help"):
        print("usage: python -m deltaspec.spec [--version] {render,check,source} [options]\n"
              "  render  write docs/SPEC.md (and docs/REPRODUCTION.md) from the SymPy derivations\n"
              "  check   check a hand derivation: a derivative, a delta, a matrix rule\n          (python -m deltaspec.spec check --help; --batch FILE for a problem set)\n"
              "  source  print the generated NumPy source of every numeric function\n"
              "          (--write: derive spec/_generated.py again; --check: exit 1 if it is stale)")
        return 0 if argv else 2
    command = COMMANDS.get(argv[0])
    if command is None:
        print(f"python -m deltaspec.spec: unknown command {argv[0]!r}; choose from: {', '.join(COMMANDS)}", file=sys.stderr)
        return 2
    return command(argv[1:])


if __name__ == "__main__":
    commands.run(main)
