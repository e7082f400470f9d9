"""What the three command lines (``python -m deltaspec.spec``, ``.reference``,
``.conformance``) share: ``--version``, and a quiet end when the reader leaves.
"""
from __future__ import annotations

import argparse
import os
import sys
from typing import Callable, NoReturn


def version_line() -> str:
    """``deltaspec <version>``, what ``--version`` prints."""
    import deltaspec

    return f"deltaspec {deltaspec.__version__}"


class _Version(argparse.Action):
    """argparse's ``version`` action, but the version is looked up only when asked."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, **kwargs):
        super().__init__(option_strings, dest=dest, default=argparse.SUPPRESS, nargs=0,
                         help="print deltaspec's version and exit")

    def __call__(self, parser, namespace, values, option_string=None):
        print(version_line())
        parser.exit()


def add_version_option(parser: argparse.ArgumentParser) -> None:
    """Give ``parser`` a ``--version`` option that prints :func:`version_line`."""
    parser.add_argument("--version", action=_Version)


def run(main: Callable[[], int | None]) -> NoReturn:
    """Exit with ``main()``'s status. A reader that closes the pipe early
    (``... | head -1``) ends the program quietly, with status 0: it has read all it
    wanted, which is no error of ours, and a traceback would only bury its output."""
    try:
        status = main()
        sys.stdout.flush()  # the last lines may still be buffered: meet a closed pipe here
    except BrokenPipeError:
        # the interpreter flushes stdout once more on the way out; give it somewhere to go
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        status = 0
    sys.exit(status)
