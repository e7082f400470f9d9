"""--impl glue for torch_model.py (docs/ADAPTERS.md, style 4).

    pytest conformance --impl=docs/examples/adapters/impl_torch.py
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))  # torch_model.py sits beside this file
from deltaspec.conformance.adapters import torch_module
from torch_model import HandTanh, loss_fn, model

globals().update(vars(torch_module.adapt(model, loss_fn, activations={HandTanh: "tanh"})))
