"""Text that crossed the process boundary, rendered as one printable line.

Defends the report against what an implementation writes into its messages: newlines
(a forged "110 passed" line of its own), terminal escape sequences (erasing or moving the
cursor over the real report), megabytes of text, and an exception whose ``__str__``
raises. Every message, exception text or origin that reaches the report goes through
:func:`clean` in the pytest process, whatever the worker already did to it.
"""
from __future__ import annotations

UNPRINTABLE = "(its message could not be printed)"


def clean(text, limit: int = 500) -> str:
    """Text from the worker as one printable line of at most ``limit`` characters: no
    newlines (a fake "110 passed" line), no terminal escape sequences."""
    text = "".join(c if c.isprintable() else " " for c in str(text))
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def message(exc: BaseException, limit: int = 500) -> str:
    """An exception's message as one line; the implementation's exceptions may refuse to
    be printed, and that must not stop the worker from reporting them."""
    try:
        return clean(exc, limit)
    except BaseException:  # noqa: BLE001 - an exception whose __str__ raises
        return UNPRINTABLE


def one_line(exc: BaseException, limit: int = 500) -> str:
    """``Kind: message`` as one printable line."""
    return clean(f"{type(exc).__name__}: {message(exc, limit)}", limit)
