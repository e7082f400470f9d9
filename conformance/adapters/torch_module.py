"""A PyTorch model of Linear layers and activations, with its loss.

torch is an optional extra: it is imported when an adapter is built, never when this
module is, and a missing torch is one line saying so.

What the wrapped code provides:

* ``model``: an ``nn.Sequential`` (nested ones are flattened) of ``nn.Linear`` layers,
  each followed by at most one activation module: ``nn.Identity``, ``nn.Sigmoid``,
  ``nn.Tanh``, ``nn.ReLU``, ``nn.LeakyReLU``, ``nn.Softplus``, ``nn.Softmax(dim=1)``, or
  one of the code's own modules named in ``activations={MyTanh: "tanh"}``; no module
  after a Linear is the identity. Any other ``nn.Module`` works too when its Linear
  layers are registered in the order its forward uses them and ``hidden=`` and
  ``output=`` say which activations that forward applies (its code cannot be read);
* ``loss``: ``nn.MSELoss`` (mse, or sse for reduction="sum"), ``nn.BCELoss`` (bce),
  ``nn.CrossEntropyLoss`` (cross_entropy on the model's logits: the catalog's output
  activation is then softmax, applied by ``torch.softmax`` in ``forward``),
  ``nn.BCEWithLogitsLoss`` (bce on logits, output sigmoid); their ``reduction`` ("mean"
  or "sum") gives REDUCTION. Any other callable ``loss(output, target)`` needs
  ``loss_name=`` and ``reduction=``.

Each call deep-copies the model, converts it to float64, and replaces every Linear's
``weight`` by W^T (torch stores (out, in); the interface here is the row layout, W
(n_in, n_out)) and its ``bias`` by b (or None); then torch runs:

* ``forward``: model(X) (through torch's softmax or sigmoid for a logits loss);
* ``gradients``: loss(model(X), T).backward(); each Linear's weight.grad^T and bias.grad;
* ``<act>`` and ``<act>_prime`` for each activation module in the model: the module on
  z, and the gradient of sum(module(z)) with respect to z (softmax: no prime);
* ``<loss>`` and ``<loss>_prime`` (not for a logits loss): the loss on y and its autograd
  gradient; ``output_delta`` (an nn.Sequential without a logits loss): the gradient with
  respect to z of the loss on the model's own output module of z.

Scope (SUPPORTS): the model's depth (its number of Linear layers: a fixed
architecture), its hidden and output activations, its loss; with and without biases.
"""
from __future__ import annotations

import copy

import numpy as np
from deltaspec.conformance.adapters import declare

# torch module class name -> catalog name (checked against the instance where a parameter matters)
KNOWN = {"Identity": "identity", "Sigmoid": "sigmoid", "Tanh": "tanh", "ReLU": "relu", "LeakyReLU": "leaky_relu",
         "Softplus": "softplus", "Softmax": "softmax"}
# torch loss class name -> (catalog name for reduction "mean", for "sum", output activation when on logits)
LOSSES = {"MSELoss": ("mse", "sse", None), "BCELoss": ("bce", "bce", None),
          "CrossEntropyLoss": ("cross_entropy", "cross_entropy", "softmax"),
          "BCEWithLogitsLoss": ("bce", "bce", "sigmoid")}


def _torch():
    try:
        import torch
    except ImportError:
        raise declare.AdapterError("the torch adapter needs PyTorch, which is not installed (pip install torch)") \
            from None
    return torch


def adapt(model, loss, *, activations=None, hidden=None, output=None, loss_name=None, reduction=None,
          supports=None):
    """The implementation namespace over ``model`` and ``loss`` (see the module docstring)."""
    torch = _torch()
    if not isinstance(model, torch.nn.Module):
        raise declare.AdapterError(f"{declare.describe(model)} is not a torch.nn.Module")
    extra = dict(activations or {})
    linears = [m for m in model.modules() if isinstance(m, torch.nn.Linear)]
    if not linears:
        raise declare.AdapterError(f"{declare.describe(model)} has no nn.Linear layer")
    name, reduction, logits = _loss(loss, loss_name, reduction)
    acts, modules = _activations(model, len(linears), extra, hidden, output, torch)
    if logits:
        if acts[-1] != "identity":
            raise declare.AdapterError(f"{type(loss).__name__} takes logits, but the model's output goes through "
                                       f"{acts[-1]}: remove it, or use the loss on probabilities")
        acts = acts[:-1] + [logits]
    scope = declare.supports(acts[:-1], acts[-1:], [name], depths=[len(linears)], biases=(True, False),
                             override=supports)
    net = Model(model, loss, acts, name, logits, torch)
    functions = {"forward": net.forward, "gradients": net.gradients}
    if not logits:
        functions.update({name: net.loss_value, f"{name}_prime": net.loss_prime})
        if isinstance(model, torch.nn.Sequential):  # elsewhere the output activation is code, not a module
            functions["output_delta"] = net.output_delta
    for act, module in modules.items():
        functions[act] = net.activation_function(module)
        if act != declare.SOFTMAX:
            functions[f"{act}_prime"] = net.activation_prime(module)
    return declare.namespace(functions, layout="row", reduction=reduction, scope=scope)


def _loss(loss, loss_name, reduction):
    """(catalog name, REDUCTION, output activation if the loss takes logits)."""
    kind = type(loss).__name__
    if kind in LOSSES and loss_name is None:
        own = getattr(loss, "reduction", "mean")
        if own not in ("mean", "sum"):
            raise declare.AdapterError(f"{kind}(reduction={own!r}) returns no single number; use 'mean' or 'sum'")
        mean_name, sum_name, logits = LOSSES[kind]
        name = mean_name if own == "mean" else sum_name
        # MSELoss sums into sse, which the spec sums too; the others keep their own sum
        spec_sum = kind == "MSELoss"
        return name, "spec" if own == "mean" or spec_sum else "sum", logits
    if loss_name is None or reduction is None:
        raise declare.AdapterError(f"cannot tell which catalog loss {kind} is; pass loss_name='...' and "
                                   "reduction='spec'|'sum'|'mean'|'mean_all'")
    return loss_name, reduction, None


def _activations(model, depth, extra, hidden, output, torch):
    """(catalog activation per layer, {catalog name: a module computing it})."""
    if not isinstance(model, torch.nn.Sequential):
        if hidden is None or output is None:
            raise declare.AdapterError(f"{declare.describe(model)} is not an nn.Sequential: its activations are in "
                                       "its forward code; pass hidden='...' and output='...'")
        return [hidden] * (depth - 1) + [output], {}
    leaves = [m for m in model.modules() if not list(m.children())]
    per_layer, modules = [], {}
    for m in leaves:
        if isinstance(m, torch.nn.Linear):
            per_layer.append([])
            continue
        if not per_layer:
            raise declare.AdapterError(f"{declare.describe(model)} starts with {type(m).__name__}, not a Linear layer")
        per_layer[-1].append(m)
    names = []
    for l, after in enumerate(per_layer):
        if len(after) > 1:
            raise declare.AdapterError(f"{declare.describe(model)}: Linear layer {l} is followed by "
                                       f"{[type(m).__name__ for m in after]}; one activation module at most")
        names.append(_catalog_name(after[0], extra) if after else "identity")
        if after:
            modules.setdefault(names[-1], after[0])
    return names, modules


def _catalog_name(module, extra):
    for cls, name in extra.items():
        if isinstance(module, cls):
            return name
    kind = type(module).__name__
    if kind not in KNOWN:
        raise declare.AdapterError(f"cannot tell which catalog activation {kind} is; pass activations={{{kind}: "
                                   "'...'}}")
    if kind == "Softmax" and module.dim not in (1, -1):
        raise declare.AdapterError(f"nn.Softmax(dim={module.dim}) does not normalize each sample's row; "
                                   "use dim=1")
    return KNOWN[kind]


class Model:
    """A float64 copy of the model per call, holding the suite's params; torch does the rest."""

    def __init__(self, model, loss, activations, loss_name, logits, torch):
        self.model, self.loss, self.activations = model, loss, list(activations)
        self.loss_name, self.logits, self.torch = loss_name, logits, torch

    def _tensor(self, a, grad=False):
        return self.torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=grad)

    def _check(self, activations, loss=None):
        where = declare.describe(self.model)
        if list(activations) != self.activations:
            raise declare.AdapterError(f"{where} runs activations {self.activations}, not {list(activations)} "
                                       "(outside the adapter's SUPPORTS)")
        if loss is not None:
            declare.check_names("losses", loss, [self.loss_name], where)

    def build(self, params):
        """A float64 copy with weight = W^T and bias = b (None drops it) in every Linear."""
        nn = self.torch.nn
        model = copy.deepcopy(self.model).double()
        linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
        for lin, (W, b) in zip(linears, params, strict=True):
            lin.weight = nn.Parameter(self._tensor(np.asarray(W).T))  # torch keeps (out, in)
            lin.bias = None if b is None else nn.Parameter(self._tensor(b))
        return model, linears

    def _output(self, out):
        """The catalog output: the model's own, or torch's softmax / sigmoid of its logits."""
        if self.logits == "softmax":
            return self.torch.softmax(out, dim=1)
        return self.torch.sigmoid(out) if self.logits == "sigmoid" else out

    def forward(self, params, X, activations):
        self._check(activations)
        model, _ = self.build(params)
        with self.torch.no_grad():
            return self._output(model(self._tensor(X))).numpy()

    def gradients(self, params, X, T, activations, loss):
        """[(weight.grad^T, bias.grad)] after loss(model(X), T).backward()."""
        self._check(activations, loss)
        model, linears = self.build(params)
        self.loss(model(self._tensor(X)), self._tensor(T)).backward()
        return [(lin.weight.grad.numpy().T, None if b is None else lin.bias.grad.numpy())
                for lin, (_, b) in zip(linears, params)]

    def activation_function(self, module):
        def activation(z):
            with self.torch.no_grad():
                return copy.deepcopy(module).double()(self._tensor(z)).numpy()
        return activation

    def activation_prime(self, module):
        def prime(z):
            """d sum(module(z)) / dz: g'(z) for an elementwise module."""
            zt = self._tensor(z, grad=True)
            copy.deepcopy(module).double()(zt).sum().backward()
            return zt.grad.numpy()
        return prime

    def loss_value(self, y, t):
        with self.torch.no_grad():
            return float(self.loss(self._tensor(y), self._tensor(t)))

    def loss_prime(self, y, t):
        yt = self._tensor(y, grad=True)
        self.loss(yt, self._tensor(t)).backward()
        return yt.grad.numpy()

    def output_delta(self, y, t, z, activation, loss):
        """dE/dz through the model's own output module (identity when it has none)."""
        where = declare.describe(self.model)
        declare.check_names("output activations", activation, self.activations[-1:], where)
        declare.check_names("losses", loss, [self.loss_name], where)
        zt = self._tensor(z, grad=True)
        module = next(iter(self._output_modules()), None)
        out = zt if module is None else copy.deepcopy(module).double()(zt)
        self.loss(out, self._tensor(t)).backward()
        return zt.grad.numpy()

    def _output_modules(self):
        """The activation module after the last Linear, if any (Sequential models only)."""
        nn = self.torch.nn
        leaves = [m for m in self.model.modules() if not list(m.children())]
        last = max((i for i, m in enumerate(leaves) if isinstance(m, nn.Linear)), default=len(leaves))
        return leaves[last + 1:]
