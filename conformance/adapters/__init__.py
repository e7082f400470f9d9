"""Ready-made adapters: existing backpropagation code judged through a few lines of glue.

Each module wraps one style of code and returns the plugin interface as a namespace
(functions, conventions, SUPPORTS); an ``--impl`` file takes it with
``globals().update(vars(...))``. docs/ADAPTERS.md has a worked example of each.

* :mod:`.textbook`: a network class with ``sizes``, ``weights``, ``biases``,
  ``feedforward(a)`` and per-sample ``backprop(x, y)`` (Nielsen's network.py style);
* :mod:`.layers`: layer objects with ``forward(x)`` / ``backward(grad)``, activation
  layers and loss objects;
* :mod:`.functional`: CS231n-style ``*_forward(...) -> (out, cache)`` /
  ``*_backward(dout, cache)`` pairs;
* :mod:`.autodiff`: a loss function of the parameters and its gradient (jax.grad,
  HIPS autograd, torch.func.grad, a hand-written reverse mode);
* :mod:`.torch_module`: an ``nn.Sequential`` (or ``nn.Module``) of Linear layers and
  activations with its loss (torch is imported only when it is used);
* :mod:`.update_only`: code that exposes only a training step; the gradients are read
  off one step, (theta - theta') / lr.

No adapter redoes the math of the code it wraps: it builds the code's objects for the
network the suite asks about, calls the code's own forward and backward, and moves
arrays between layouts. A bug in the wrapped code stays in what the suite sees.
"""
