"""Helper for the buggy gallery modules: run a correct module's source in the buggy
module's own namespace, so that the one function the buggy module redefines afterwards
replaces the correct one everywhere (the other functions look names up when called),
exactly as an edit of that one function in a copy of the file would."""
from pathlib import Path

HERE = Path(__file__).resolve().parent


def extend(namespace: dict, base: str) -> None:
    """Execute tests/gallery/<base>.py in ``namespace`` (keeping its docstring)."""
    doc = namespace.get("__doc__")
    path = HERE / f"{base}.py"
    exec(compile(path.read_text(), str(path), "exec"), namespace)
    namespace["__doc__"] = doc
