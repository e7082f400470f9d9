"""--impl glue for the layer objects of layers.py (docs/ADAPTERS.md, style 2a).

    pytest conformance --impl=docs/examples/adapters/impl_layers.py
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))  # layers.py sits beside this file
from deltaspec.conformance.adapters import layers as adapter
from layers import BCE, CrossEntropy, Dense, Identity, MSE, ReLU, Sigmoid, Softmax, Tanh

globals().update(vars(adapter.adapt(
    dense=Dense, losses={"mse": MSE, "bce": BCE, "cross_entropy": CrossEntropy},
    activations={"identity": Identity, "sigmoid": Sigmoid, "tanh": Tanh, "relu": ReLU, "softmax": Softmax})))
