"""--impl glue for update_only.Regressor (docs/ADAPTERS.md, style 5).

    pytest conformance --impl=docs/examples/adapters/impl_update_only.py
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))  # update_only.py sits beside this file
from deltaspec.conformance.adapters import update_only
from update_only import Regressor

globals().update(vars(update_only.adapt(Regressor, weights="W", biases="b", step="fit_batch", predict="predict",
                                        hidden="tanh", output="identity", loss="half_sse", reduction="mean")))
