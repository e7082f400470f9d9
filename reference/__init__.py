"""deltaspec's reference: one generic network, and every seed program reproduced exactly.

Modules:

* ``network``: the generic fully connected network (any depth and widths, any catalog
  activation per layer, any catalog loss, optional biases, row layout, float64):
  forward pass, deltas, gradients, a gradient-descent step, per-sample or full-batch
  epochs and a seeded training loop, with the seeds' conventions as explicit options;
* ``plugin``: the conformance plugin namespace over ``network`` (the default --impl);
* ``trask`` (seed 003), ``roelants`` (004), ``per_sample`` (000), ``relu_xor`` (001),
  ``class_xor`` (002): the faithful trainers;
* ``equivalents``: each faithful trainer as a configuration of ``network``;
* ``registry``: the trainers' names, seeds, networks, losses, conventions and options;
  ``__main__``: ``python -m deltaspec.reference list | run NAME [options]``;
* ``naive_forms``: naive forms of spec functions that ``spec.numeric`` does not
  compile (the RBF's slope in z and a; relu as one ``numpy.where``);
* ``trajectory`` (what a run returns) and ``printing`` (floats at full precision).

Where the arithmetic comes from. The generic network calls only ``spec``: the stable
activations, slopes, losses and derived output deltas of ``spec.numeric`` and the
matrix rules of ``spec.backprop``. A faithful trainer does the original's arithmetic
op for op: its activations and slopes are the spec's *naive* compiled functions
(``1/(1 + numpy.exp(-z))``, ``a*(1 - a)``, ...) and its products are
``spec.backprop``'s, composed in the original's order. What it keeps from the
original are the lines that are the program's own: the random draws, the stored
error with the original's sign (``y - l2``, ``2*(y - output)``; the tests check each
is the spec's dE/dy, sign aside, bit for bit), the order of updates, the printed
metrics and the print statements. Where the original associates a product
differently from ``spec.backprop`` (seed 000's ``d_activation(net_h) * W_ho.T *
delta_o``), the trainer keeps the original's association; that is what makes its
digits the original's.

Known limits of "digit for digit":

* Trask's Part 2 runs at alpha >= 100, and at alpha 10 with 32 hidden units, are
  chaotic: their last digits (for 32 units at alpha 10, all but the first two or
  three) depend on the order in which the BLAS sums each dot product, so they differ
  from the published 2015 output; every other published digit is reproduced
  (``tests/test_trainers.py``).
* The originals of seeds 000, 002 and the 11-line net call no ``np.random.seed``;
  the trainers take ``--seed`` (default 1) and call it first.
* Seed 001's original is JavaScript (numjs); its trainer is that program in NumPy, with
  the fixed weights and update order ``spec.conventions`` states.
"""
