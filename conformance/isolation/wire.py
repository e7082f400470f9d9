"""The wire format between the suite and an isolated implementation: plain data only.

A message is a 4-byte big-endian length and a JSON document. Values are None, bools,
ints, floats, strings, lists, and arrays encoded as
``{"ndarray": dtype, "shape": [...], "data": base64}`` with dtype float64, float32 or
int64 and C-ordered bytes. Nothing is unpickled and nothing is evaluated: whatever the
other side sends, decoding yields only these types (exact ``numpy.ndarray``, never a
subclass), checked for dtype, shape, size and nesting, or raises :class:`WireError`.
Non-finite floats travel as the strings "nan", "inf", "-inf" (JSON's non-standard NaN
and Infinity literals are refused).

The worker's side of the conversation is untrusted: the implementation runs there and
can replace :func:`encode_value` or write to the pipe itself. What counts is the
parent's side: :func:`receive` with a deadline and a size limit (a message that never
finishes, or claims to be huge, is refused rather than waited for or read), and
:func:`decode_value`. :func:`send` with a deadline never blocks on a peer that stopped
reading.
"""
from __future__ import annotations

import base64
import json
import math
import os
import select
import struct
import time

import numpy as np

DTYPES = {"float64": np.float64, "float32": np.float32, "int64": np.int64}
MAX_MESSAGE = 16 * 1024 * 1024   # a message larger than this is refused, not read
MAX_DEPTH = 32                   # nesting of lists
MAX_ITEMS = 1_000_000            # values (list items, arrays, numbers) in one message
MAX_NDIM = 8


class WireError(Exception):
    """A message that is not well-formed plain data."""


class TooLarge(WireError):
    """A message larger than the other side accepts, not sent."""


class WireTimeout(WireError):
    """The other side did not finish a message (or did not read one) before the deadline."""


# ---------------------------------------------------------------- encoding


def _float(x: float):
    return x if math.isfinite(x) else repr(x)


def encode_value(value, depth: int = 0):
    """Python/NumPy plain data -> JSON-able structure; anything else is refused: object
    and structured dtypes, ndarray subclasses, objects with ``__array__``."""
    if depth > MAX_DEPTH:
        raise WireError("value nested too deeply")
    if value is None or type(value) in (bool, str):
        return value
    if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
        return int(value)
    if isinstance(value, np.floating) and not isinstance(value, float):
        return encode_value(np.asarray(value), depth)  # a float32 scalar stays float32 (as a 0-d array)
    if isinstance(value, (float, np.floating)):
        return {"float": _float(float(value))}
    if type(value) is np.ndarray:
        kind = value.dtype.kind
        if kind == "f" and value.dtype.itemsize in (4, 8):
            dtype = "float32" if value.dtype.itemsize == 4 else "float64"
        elif kind in "iu" and value.dtype.fields is None:
            dtype = "int64"
        else:
            raise WireError(f"array of dtype {value.dtype} is not plain numbers")
        data = np.ascontiguousarray(value, dtype=DTYPES[dtype]).tobytes()
        return {"ndarray": dtype, "shape": list(value.shape), "data": base64.b64encode(data).decode()}
    if isinstance(value, np.ndarray):
        raise WireError(f"{type(value).__name__} is an ndarray subclass, not a plain numpy.ndarray")
    if type(value) in (list, tuple):
        return [encode_value(v, depth + 1) for v in value]
    if type(value) is dict and all(type(k) is str for k in value):  # a declaration such as SUPPORTS
        return {"dict": [[k, encode_value(v, depth + 1)] for k, v in value.items()]}
    raise WireError(f"{type(value).__name__} is not plain data")


# ---------------------------------------------------------------- decoding


def _decode_array(obj) -> np.ndarray:
    dtype = DTYPES.get(obj.get("ndarray")) if isinstance(obj.get("ndarray"), str) else None
    shape = obj.get("shape")
    if (dtype is None or not isinstance(shape, list) or len(shape) > MAX_NDIM
            or not all(type(n) is int and 0 <= n <= MAX_MESSAGE for n in shape)):
        raise WireError("malformed array header")
    data = obj.get("data", "")
    if not isinstance(data, str):
        raise WireError("array data is not base64")
    count = math.prod(shape)  # Python ints: no overflow
    itemsize = np.dtype(dtype).itemsize
    if count * itemsize > MAX_MESSAGE or len(data) != 4 * ((count * itemsize + 2) // 3):
        raise WireError(f"array data does not fit its shape {tuple(shape)}")
    try:
        raw = base64.b64decode(data, validate=True)
    except (ValueError, TypeError):
        raise WireError("array data is not base64") from None
    if len(raw) != count * itemsize:
        raise WireError(f"array data has {len(raw)} bytes, its shape {tuple(shape)} needs {count * itemsize}")
    return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()


def decode_value(obj, depth: int = 0, budget: list | None = None):
    """The inverse of :func:`encode_value`, accepting nothing else."""
    budget = [MAX_ITEMS] if budget is None else budget
    budget[0] -= 1
    if budget[0] < 0:
        raise WireError(f"message holds more than {MAX_ITEMS} values")
    if depth > MAX_DEPTH:
        raise WireError("value nested too deeply")
    if obj is None or type(obj) in (bool, int, str):
        return obj
    if type(obj) is list:
        return [decode_value(v, depth + 1, budget) for v in obj]
    if type(obj) is dict:
        if set(obj) == {"dict"} and type(obj["dict"]) is list:
            pairs = obj["dict"]
            if not all(type(p) is list and len(p) == 2 and type(p[0]) is str for p in pairs):
                raise WireError("malformed dict")
            return {k: decode_value(v, depth + 1, budget) for k, v in pairs}
        if set(obj) == {"float"}:
            value = obj["float"]
            if isinstance(value, str) and value in ("nan", "inf", "-inf"):
                return float(value)
            if type(value) in (int, float):
                try:
                    return float(value)
                except OverflowError:
                    raise WireError("malformed float") from None
            raise WireError("malformed float")
        if "ndarray" in obj:
            return _decode_array(obj)
    raise WireError(f"unexpected {type(obj).__name__} in message")


# ---------------------------------------------------------------- framing


def _wait(fd: int, deadline: float | None, write: bool) -> None:
    if deadline is None:
        return
    left = deadline - time.monotonic()
    ready = select.select([], [fd], [], max(left, 0))[1] if write else select.select([fd], [], [], max(left, 0))[0]
    if not ready:
        raise WireTimeout("the other side stopped " + ("reading" if write else "in the middle of a message"))


def poll(fd: int, seconds: float) -> bool:
    """Whether ``fd`` becomes readable within ``seconds``, found by polling without
    sleeping (where both sides run at once this answers sooner than a blocking wait)."""
    end = time.perf_counter() + seconds
    while True:
        if select.select([fd], [], [], 0)[0]:
            return True
        if time.perf_counter() >= end:
            return False


def send(fd: int, message: dict, deadline: float | None = None, limit: int | None = None) -> None:
    """Write one framed JSON message. With a deadline (``time.monotonic()``), ``fd``
    should be non-blocking: a peer that stops reading raises WireTimeout. A message
    longer than ``limit`` bytes raises TooLarge, and nothing is written."""
    body = json.dumps(message, allow_nan=False).encode()
    if limit is not None and len(body) > limit:
        raise TooLarge(f"message of {len(body)} bytes is larger than the {limit}-byte limit")
    data = struct.pack(">I", len(body)) + body
    view = memoryview(data)
    while view:
        _wait(fd, deadline, write=True)
        try:
            written = os.write(fd, view)
        except BlockingIOError:
            continue
        view = view[written:]


def _read_exactly(fd: int, n: int, deadline: float | None) -> bytes:
    chunks, left = [], n
    while left:
        _wait(fd, deadline, write=False)
        try:
            chunk = os.read(fd, min(left, 1 << 20))
        except BlockingIOError:
            continue
        if not chunk:
            raise EOFError("the other side closed the connection")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _no_constants(name: str):
    raise ValueError(f"JSON constant {name} is not plain data")


def receive(fd: int, deadline: float | None = None, limit: int = MAX_MESSAGE) -> dict:
    """Read one framed message; a malformed or oversized one raises WireError, one not
    complete by the deadline WireTimeout, a closed pipe EOFError."""
    (length,) = struct.unpack(">I", _read_exactly(fd, 4, deadline))
    if length > limit:
        raise WireError(f"message of {length} bytes is larger than the {limit}-byte limit")
    body = _read_exactly(fd, length, deadline)
    try:
        message = json.loads(body, parse_constant=_no_constants)
    except (ValueError, UnicodeDecodeError):
        raise WireError("message is not JSON") from None
    except RecursionError:
        raise WireError("message is nested too deeply") from None
    if not isinstance(message, dict):
        raise WireError("message is not a JSON object")
    return message
