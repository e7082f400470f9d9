"""The wire format between the suite and an isolated implementation: plain data only.

A message is a 4-byte big-endian length and a JSON document. Values are None, bools,
ints, floats, strings, lists, and arrays encoded as
``{"ndarray": dtype, "shape": [...], "data": base64}`` with dtype float64, float32 or
int64 and C-ordered bytes. Nothing is unpickled and nothing is evaluated: whatever the
other side sends, decoding yields only these types, checked for dtype, shape and size,
or raises :class:`WireError`. Non-finite floats travel as the strings "nan", "inf",
"-inf".
"""
from __future__ import annotations

import base64
import json
import math
import os
import struct

import numpy as np

DTYPES = {"float64": np.float64, "float32": np.float32, "int64": np.int64}
MAX_MESSAGE = 256 * 1024 * 1024   # a reply larger than this is refused, not read
MAX_DEPTH = 32


class WireError(Exception):
    """A message that is not well-formed plain data."""


# ---------------------------------------------------------------- encoding


def _float(x: float):
    return x if math.isfinite(x) else repr(x)


def encode_value(value, depth: int = 0):
    """Python/NumPy plain data -> JSON-able structure; anything else is refused."""
    if depth > MAX_DEPTH:
        raise WireError("value nested too deeply")
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return {"float": _float(float(value))}
    if type(value) is np.ndarray:
        kind = value.dtype.kind
        if kind == "f":
            dtype = "float32" if value.dtype == np.float32 else "float64"
        elif kind in "iub":
            dtype = "int64"
        else:
            raise WireError(f"array of dtype {value.dtype} is not plain numbers")
        data = np.ascontiguousarray(value, dtype=DTYPES[dtype]).tobytes()
        return {"ndarray": dtype, "shape": list(value.shape), "data": base64.b64encode(data).decode()}
    if isinstance(value, (list, tuple)):
        return [encode_value(v, depth + 1) for v in value]
    raise WireError(f"{type(value).__name__} is not plain data")


# ---------------------------------------------------------------- decoding


def _decode_array(obj) -> np.ndarray:
    dtype = DTYPES.get(obj.get("ndarray"))
    shape = obj.get("shape")
    if dtype is None or not isinstance(shape, list) or not all(
            isinstance(n, int) and not isinstance(n, bool) and 0 <= n for n in shape) or len(shape) > 8:
        raise WireError("malformed array header")
    try:
        raw = base64.b64decode(obj.get("data", ""), validate=True)
    except (ValueError, TypeError):
        raise WireError("array data is not base64") from None
    count = int(np.prod(shape)) if shape else 1
    if len(raw) != count * np.dtype(dtype).itemsize:
        raise WireError(f"array data has {len(raw)} bytes, its shape {tuple(shape)} needs "
                        f"{count * np.dtype(dtype).itemsize}")
    return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()


def decode_value(obj, depth: int = 0):
    """The inverse of :func:`encode_value`, accepting nothing else."""
    if depth > MAX_DEPTH:
        raise WireError("value nested too deeply")
    if obj is None or isinstance(obj, (bool, int, str)):
        return obj
    if isinstance(obj, list):
        return [decode_value(v, depth + 1) for v in obj]
    if isinstance(obj, dict):
        if set(obj) == {"float"}:
            value = obj["float"]
            if isinstance(value, str) and value in ("nan", "inf", "-inf"):
                return float(value)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return float(value)
            raise WireError("malformed float")
        if "ndarray" in obj:
            return _decode_array(obj)
    raise WireError(f"unexpected {type(obj).__name__} in message")


# ---------------------------------------------------------------- framing


def send(fd: int, message: dict) -> None:
    """Write one framed JSON message to a file descriptor."""
    body = json.dumps(message, allow_nan=False).encode()
    data = struct.pack(">I", len(body)) + body
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _read_exactly(fd: int, n: int) -> bytes:
    chunks, left = [], n
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise EOFError("the other side closed the connection")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def receive(fd: int) -> dict:
    """Read one framed message; a malformed or oversized one raises WireError."""
    (length,) = struct.unpack(">I", _read_exactly(fd, 4))
    if length > MAX_MESSAGE:
        raise WireError(f"message of {length} bytes is larger than the {MAX_MESSAGE}-byte limit")
    try:
        message = json.loads(_read_exactly(fd, length))
    except (ValueError, UnicodeDecodeError):
        raise WireError("message is not JSON") from None
    if not isinstance(message, dict):
        raise WireError("message is not a JSON object")
    return message
