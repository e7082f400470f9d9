"""--impl glue for functional_layers.py (docs/ADAPTERS.md, style 2b).

    pytest conformance --impl=docs/examples/adapters/impl_functional.py
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))  # functional_layers.py sits beside this file
from deltaspec.conformance.adapters import functional
import functional_layers

globals().update(vars(functional.adapt(functional_layers)))  # finds affine_*, <act>_*, <loss>_loss by name
