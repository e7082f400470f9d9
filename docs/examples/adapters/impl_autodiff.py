"""--impl glue for autodiff_numpy.py (docs/ADAPTERS.md, style 3).

    pytest conformance --impl=docs/examples/adapters/impl_autodiff.py
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))  # autodiff_numpy.py sits beside this file
from deltaspec.conformance.adapters import autodiff
import autodiff_numpy as ad

globals().update(vars(autodiff.adapt(ad.loss, transform=ad.grad, forward=ad.predict,  # like jax.grad
                                     hidden="tanh", output="sigmoid", loss_name="bce")))
