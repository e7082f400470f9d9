"""The implementation under test, seen in the spec's own conventions.

Every check compares in one frame: row layout, delta = +dE/dz, g' taking z. This
adapter translates each call into the implementation's declared conventions and the
answer back:

* LAYOUT = "column": arrays are transposed on the way in and out, W is (n_out, n_in),
  b is (n_out, 1);
* SIGN = -1: every backward quantity it returns is multiplied by -1 (and a delta it
  receives, delta_next, is handed over as -delta_next);
* PRIME_OF = "a": ``<act>_prime`` receives the spec's g(z) rather than z;
* REDUCTION = "sum" | "mean" | "mean_all": the implementation's losses are
  E' = c(1, 1) * r(N, K) * sum l(y, t), with r = 1, 1/N or 1/(N K), where the spec's are
  E = c(N, K) * sum l(y, t) (``spec.losses``). So E' = f E with f = c(1, 1) r(N, K) / c(N, K),
  and every backward quantity (dE/dy, deltas, gradients) scales by the same f: the adapter
  divides by f, and hands train_step the learning rate lr / f.

A convention that the assignment refuses fails every call that depends on it, with the
assignment's one-line reason.

A call that raises, or returns something that is not a float array of the expected
shape, becomes an :class:`ImplementationError` whose message is one line. Results must be
plain data: a ``numpy.ndarray`` of floats or ints (not a subclass, not an object or
structured dtype), a number, or nested lists of numbers; objects with ``__array__`` or
``__eq__`` tricks are refused without calling them. A non-finite value where every input
was finite is refused too (no check needs one, and NaN compares unequal to everything,
which a check must never mistake for agreement). With isolation (the default) the worker's
wire format already allows nothing else; these checks keep ``--deltaspec-no-isolate`` honest about
what it accepts, though not safe (there the implementation runs inside pytest).
"""
from __future__ import annotations

import traceback
from pathlib import Path

import numpy as np

from deltaspec.spec import numeric

from deltaspec.conformance.interface.loader import Loaded


class ImplementationError(AssertionError):
    """The implementation raised, or returned something unusable."""


def _where(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    return f" ({Path(frames[-1].filename).name}, line {frames[-1].lineno})" if frames else ""


def _plain(out, depth: int = 0) -> bool:
    """A number, or (nested) lists and tuples of numbers and plain float arrays; no
    method of ``out`` is called to decide."""
    if type(out) in (int, float) or isinstance(out, (np.floating, np.integer)) and type(out).__module__ == "numpy":
        return True
    if type(out) is np.ndarray:
        return out.dtype.kind in "fiu" and out.dtype.fields is None
    if type(out) in (list, tuple) and depth < 32:
        return all(_plain(v, depth + 1) for v in out)
    return False


def _flat(params) -> list:
    return [p for pair in params for p in pair if p is not None]


def _require_finite(arr: np.ndarray, name: str, inputs) -> None:
    """A non-finite element, where every input array is finite, fails with its place."""
    bad = ~np.isfinite(arr)
    if not bad.any():
        return
    if not all(np.all(np.isfinite(np.asarray(x, dtype=np.float64))) for x in inputs if x is not None):
        return
    idx = tuple(int(i) for i in np.argwhere(bad)[0]) if arr.ndim else ()
    at = f" at [{', '.join(map(str, idx))}]" if idx else ""
    source = np.asarray(inputs[0]) if len(inputs) == 1 and np.shape(inputs[0]) == arr.shape else None
    where = f", where the input is {float(source[idx]):.6g}" if source is not None else ""
    hint = ("subtract each row's max before exp" if name == "softmax"
            else "an overflow, e.g. exp of a large argument? use a numerically stable form")
    raise ImplementationError(f"{name} returned {arr[idx]}{at}{where}: a non-finite value where every input "
                              f"is finite ({bad.sum()} of {arr.size} elements; {hint})")


REDUCTIONS = {"sum": lambda n, k: 1.0, "mean": lambda n, k: 1.0 / n, "mean_all": lambda n, k: 1.0 / (n * k)}


def reduction_factor(loss: str, reduction: str, n: int, k: int) -> float:
    """f = E_implementation / E_spec on an (n, k) batch: c(1, 1) r(n, k) / c(n, k)."""
    if reduction == "spec":
        return 1.0
    return REDUCTIONS[reduction](n, k) * numeric.loss_scale(loss, 1, 1) / numeric.loss_scale(loss, n, k)
# which conventions each interface function depends on (a refused one fails the call)
DEPENDS = {
    "softmax": ("LAYOUT",), "activation_prime": ("PRIME_OF",),
    "loss": ("LAYOUT", "REDUCTION"), "loss_prime": ("LAYOUT", "SIGN", "REDUCTION"),
    "output_delta": ("LAYOUT", "SIGN", "REDUCTION"), "hidden_delta": ("LAYOUT", "SIGN"),
    "forward": ("LAYOUT",), "gradients": ("LAYOUT", "SIGN", "REDUCTION"),
    "train_step": ("LAYOUT", "REDUCTION"), "train": ("LAYOUT",),
}


class Implementation:
    """Calls into a loaded implementation, in canonical conventions.

    ``refused``: convention -> the assignment's reason for refusing the declared value;
    ``allowed``: under an assignment, the only names a check may call (those of the
    capabilities it counts), so that a name outside the assignment changes no score."""

    def __init__(self, loaded: Loaded, refused: dict | None = None, allowed: set | None = None):
        self.loaded = loaded
        self.ns = loaded.namespace
        self.layout = loaded.conventions["LAYOUT"]
        self.sign = loaded.conventions["SIGN"]
        self.prime_of = loaded.conventions["PRIME_OF"]
        self.reduction = loaded.conventions["REDUCTION"]
        self.column = self.layout == "column"
        self.refused = dict(refused or {})
        self.allowed = allowed

    def _accept(self, what: str) -> None:
        """Fail a call that depends on a convention the assignment refuses."""
        for name in DEPENDS.get(what, ()):
            if name in self.refused:
                raise ImplementationError(self.refused[name])

    def reduction_factor(self, loss: str, shape) -> float:
        """f = E_implementation / E_spec for outputs of canonical shape (N, K)."""
        n, k = (shape[0], shape[1]) if len(shape) == 2 else (1, int(np.prod(shape)))
        return reduction_factor(loss, self.reduction, n, k)

    # ------------------------------------------------------------ plumbing

    def provides(self, name: str) -> bool:
        return self.loaded.provides(name) and (self.allowed is None or name in self.allowed)

    def call(self, name: str, *args):
        """ns.name(*args), with any exception turned into a one-line failure."""
        func = getattr(self.ns, name)
        return self._translated(name, lambda: func(*args))

    def call_many(self, name: str, batch: list) -> tuple[list, ImplementationError | None]:
        """``[ns.name(*args) for args in batch]``, in one message where the implementation
        runs in a worker: the same calls in the same order, the first failure ending the
        batch as it would end a loop. Returns (the results of the calls before it, the
        failure or None), so that a caller checks those results before it raises the
        failure, as a loop would have."""
        from deltaspec.conformance.isolation.worker import RaisedInWorker, RemoteNamespace, WorkerFailure

        done: list = []
        if not isinstance(self.ns, RemoteNamespace):
            try:
                for args in batch:
                    done.append(self.call(name, *args))
            except ImplementationError as exc:
                return done, exc
            return done, None
        many = getattr(self.ns, name).many

        def run():
            try:
                return many(batch)
            except (RaisedInWorker, WorkerFailure) as exc:
                done.extend(getattr(exc, "done", ()))
                raise

        try:
            return self._translated(name, run), None
        except ImplementationError as exc:
            return done, exc

    def batch(self, method: str, calls: list[tuple]) -> tuple[list, ImplementationError | None]:
        """``[getattr(self, method)(*args) for args in calls]`` with the implementation's
        calls in one message (see call_many): (the results before the first failure,
        checked as ``method`` checks them, in order; that failure or None)."""
        plans = [getattr(self, f"_plan_{method}")(*args) for args in calls]
        if not plans:
            return [], None
        outs, failure = self.call_many(plans[0][0], [args for _, args, _ in plans])
        results = []
        for out, (_, _, finish) in zip(outs, plans):
            try:
                results.append(finish(out))
            except ImplementationError as exc:
                return results, exc
        return results, failure

    def _many(self, method: str, calls: list[tuple]) -> list:
        results, failure = self.batch(method, calls)
        if failure is not None:
            raise failure
        return results

    def _run(self, name: str, args: tuple, finish):
        """One planned call: (the implementation's function, its arguments, how its
        result is checked and brought into canonical form)."""
        return finish(self.call(name, *args))

    @staticmethod
    def _translated(name: str, thunk):
        """thunk(), with any exception turned into a one-line failure naming ``name``."""
        from deltaspec.conformance.isolation.worker import RaisedInWorker, WorkerFailure

        try:
            with np.errstate(all="ignore"):
                return thunk()
        except RaisedInWorker as exc:
            raise ImplementationError(f"{name} raised {exc.kind}: {exc.message}{exc.where}") from None
        except WorkerFailure as exc:
            message = str(exc)
            raise ImplementationError(message if message.startswith(name + " ") else f"{name}: {message}") from None
        except Exception as exc:  # noqa: BLE001 - the implementation may raise anything
            message = " ".join(str(exc).split())
            raise ImplementationError(
                f"{name} raised {type(exc).__name__}: {message}{_where(exc)}") from None

    def array(self, out, name: str, shape=None, allow_none=False, inputs=()):
        """out as a float ndarray of ``shape`` (canonical orientation already applied);
        finite wherever every array in ``inputs`` is."""
        if out is None and allow_none:
            return None
        if type(out) is np.ndarray:
            if out.dtype.kind not in "fiu" or out.dtype.fields is not None:
                raise ImplementationError(f"{name} returned an array of dtype {out.dtype}, not floats")
            arr = out
        elif isinstance(out, np.ndarray):
            raise ImplementationError(f"{name} returned a {type(out).__name__}, a subclass of numpy.ndarray; "
                                      "return a plain numpy.ndarray of floats")
        elif _plain(out):
            try:
                arr = np.asarray(out)
            except (ValueError, TypeError):
                raise ImplementationError(f"{name} returned a ragged {type(out).__name__}, not an array") from None
            if arr.dtype.kind not in "fiu":
                raise ImplementationError(f"{name} returned an array of dtype {arr.dtype}, not floats")
        else:
            kind = type(out).__name__
            extra = (" (objects with __array__ are not accepted: return a numpy.ndarray)"
                     if hasattr(type(out), "__array__") else "")
            raise ImplementationError(f"{name} returned {kind}, not an array of floats{extra}")
        if arr.dtype.kind != "f":
            arr = arr.astype(np.float64)
        if shape is not None and arr.shape != tuple(shape):
            hint = ""
            if arr.shape == tuple(reversed(tuple(shape))) and len(shape) == 2:
                other = "column" if self.layout == "row" else "row"
                hint = f"; if your arrays are the other way round, declare LAYOUT = {other!r}"
            raise ImplementationError(f"{name} returned shape {arr.shape}, expected {tuple(shape)}{hint}")
        _require_finite(arr, name, inputs)
        return arr

    def _in(self, x):
        """Canonical (row) array -> the implementation's layout."""
        return x.T if self.column and np.ndim(x) == 2 else x

    def _out(self, x):
        return x.T if self.column and np.ndim(x) == 2 else x

    def _params_in(self, params):
        if not self.column:
            return [(W.copy(), None if b is None else b.copy()) for W, b in params]
        return [(W.T.copy(), None if b is None else b.reshape(-1, 1).copy()) for W, b in params]

    def _params_out(self, out, params, name, scale=1, inputs=()):
        """The implementation's [(W, b)] back in canonical form, checked against params' shapes."""
        if type(out) not in (list, tuple) or len(out) != len(params):
            length = f" of length {len(out)}" if type(out) in (list, tuple) else ""
            raise ImplementationError(f"{name} returned {type(out).__name__}{length}, "
                                      f"expected a list of {len(params)} (W, b) pairs")
        result = []
        for i, (pair, (W, b)) in enumerate(zip(out, params)):
            if type(pair) not in (list, tuple) or len(pair) != 2:
                raise ImplementationError(f"{name}[{i}] is not a (W, b) pair")
            dW, db = pair
            dW = self._out(self.array(dW, f"{name}[{i}] W", W.T.shape if self.column else W.shape, inputs=inputs))
            if b is None:
                if db is not None:
                    raise ImplementationError(f"{name}[{i}] has a bias entry where the layer has no bias")
                result.append((scale * dW, None))
                continue
            db = self.array(db, f"{name}[{i}] b", inputs=inputs)
            if db.size != b.size:
                raise ImplementationError(f"{name}[{i}] b returned shape {db.shape}, expected {b.shape}")
            result.append((scale * dW, scale * db.reshape(-1)))
        return result

    # ------------------------------------------------------------ the interface

    def activation(self, name, z):
        """g(z)."""
        if name == "softmax":
            self._accept("softmax")
            zi = self._in(z)
            return self._out(self.array(self.call("softmax", zi), "softmax", zi.shape, inputs=(zi,)))
        return self._run(*self._plan_elementwise(name, z))

    def activation_many(self, name, zs: list) -> list:
        """[activation(name, z) for z in zs] for an elementwise g, its calls in one batch."""
        return self._many("elementwise", [(name, z) for z in zs])

    def _plan_elementwise(self, name, z):
        return name, (z,), lambda out: self.array(out, name, np.shape(z), inputs=(z,))

    def activation_prime(self, name, z):
        """g'(z), whatever the implementation's prime takes."""
        return self._run(*self._plan_activation_prime(name, z))

    def _plan_activation_prime(self, name, z):
        self._accept("activation_prime")
        arg = numeric.activation(name)(z) if self.prime_of == "a" else z
        return f"{name}_prime", (arg,), lambda out: self.array(out, f"{name}_prime", np.shape(z), inputs=(arg,))

    @staticmethod
    def _loss_inputs(name, y, t):
        """The inputs that make a finite loss necessary: y inside the loss's domain (a
        finite-difference step may leave it, where log(y) is rightly not finite)."""
        y = np.asarray(y)
        inside = {"bce": lambda: np.all((y > 0) & (y < 1)), "cross_entropy": lambda: np.all(y > 0)}
        return (y, t) if inside.get(name, lambda: True)() else (np.nan,)

    def loss(self, name, y, t):
        """E(y, t) in the spec's reduction; a float32 result stays float32."""
        return self._run(*self._plan_loss(name, y, t))

    def loss_many(self, name, ys: list, t) -> list:
        """[loss(name, y, t) for y in ys], the calls in one batch."""
        return self._many("loss", [(name, y, t) for y in ys])

    def _plan_loss(self, name, y, t):
        self._accept("loss")

        def finish(out):
            arr = self.array(out, name, inputs=self._loss_inputs(name, y, t))
            if arr.size != 1:
                raise ImplementationError(f"{name} returned shape {arr.shape}, expected a scalar")
            return arr.reshape(()) / arr.dtype.type(self.reduction_factor(name, np.shape(y)))

        return name, (self._in(y), self._in(t)), finish

    def loss_prime(self, name, y, t):
        return self._run(*self._plan_loss_prime(name, y, t))

    def _plan_loss_prime(self, name, y, t):
        self._accept("loss_prime")
        scale = self.sign / self.reduction_factor(name, np.shape(y))
        return (f"{name}_prime", (self._in(y), self._in(t)),
                lambda out: scale * self._out(self.array(out, f"{name}_prime", self._in(y).shape,
                                                         inputs=self._loss_inputs(name, y, t))))

    def output_delta(self, y, t, z, activation, loss):
        return self._run(*self._plan_output_delta(y, t, z, activation, loss))

    def _plan_output_delta(self, y, t, z, activation, loss):
        self._accept("output_delta")
        scale = self.sign / self.reduction_factor(loss, np.shape(y))
        return ("output_delta", (self._in(y), self._in(t), self._in(z), activation, loss),
                lambda out: scale * self._out(self.array(out, "output_delta", self._in(y).shape, inputs=(y, t, z))))

    def hidden_delta(self, delta_next, W_next, z, a, activation):
        return self._run(*self._plan_hidden_delta(delta_next, W_next, z, a, activation))

    def _plan_hidden_delta(self, delta_next, W_next, z, a, activation):
        self._accept("hidden_delta")
        W = W_next.T if self.column else W_next
        return ("hidden_delta", (self._in(self.sign * delta_next), W.copy(), self._in(z), self._in(a), activation),
                lambda out: self.sign * self._out(self.array(out, "hidden_delta", self._in(z).shape,
                                                             inputs=(delta_next, W_next, z, a))))

    def forward(self, params, X, activations):
        return self._run(*self._plan_forward(params, X, activations))

    def forward_many(self, many_params: list, X, activations) -> list:
        """[forward(params, X, activations) for params in many_params], the calls in one batch."""
        return self._many("forward", [(p, X, activations) for p in many_params])

    def _plan_forward(self, params, X, activations):
        self._accept("forward")
        n_out = params[-1][0].shape[1]
        shape = (n_out, X.shape[0]) if self.column else (X.shape[0], n_out)
        return ("forward", (self._params_in(params), self._in(X), list(activations)),
                lambda out: self._out(self.array(out, "forward", shape, inputs=(*_flat(params), X))))

    def gradients(self, params, X, T, activations, loss):
        return self._run(*self._plan_gradients(params, X, T, activations, loss))

    def _plan_gradients(self, params, X, T, activations, loss):
        self._accept("gradients")
        scale = self.sign / self.reduction_factor(loss, np.shape(T))
        return ("gradients", (self._params_in(params), self._in(X), self._in(T), list(activations), loss),
                lambda out: self._params_out(out, params, "gradients", scale=scale, inputs=(*_flat(params), X, T)))

    def train_step(self, params, X, T, lr, activations, loss):
        """One step with the spec's learning rate: the implementation gets lr / f, so that
        its own reduction takes the same step."""
        return self._run(*self._plan_train_step(params, X, T, lr, activations, loss))

    def _plan_train_step(self, params, X, T, lr, activations, loss):
        self._accept("train_step")
        lr_own = lr / self.reduction_factor(loss, np.shape(T))
        return ("train_step", (self._params_in(params), self._in(X), self._in(T), lr_own, list(activations), loss),
                lambda out: self._params_out(out, params, "train_step", inputs=(*_flat(params), X, T, lr)))

    def train(self, X, T, hidden, activations, loss, lr, epochs, seed):
        self._accept("train")
        out = self.call("train", self._in(X), self._in(T), list(hidden), list(activations), loss, lr, epochs, seed)
        sizes = [X.shape[1], *hidden, T.shape[1]]
        template = [(np.empty((i, o)), np.empty(o)) for i, o in zip(sizes, sizes[1:])]
        if type(out) in (list, tuple):
            template = [(W, None if (type(p) in (list, tuple) and len(p) == 2 and p[1] is None) else b)
                        for (W, b), p in zip(template, out)] + template[len(out):]
        return self._params_out(out, template, "train", inputs=(X, T))
