"""--impl glue for textbook_network.Network (docs/ADAPTERS.md, style 1).

    pytest conformance --impl=docs/examples/adapters/impl_textbook.py
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))  # textbook_network.py sits beside this file
from deltaspec.conformance.adapters import textbook
from textbook_network import Network

globals().update(vars(textbook.adapt(Network, hidden="sigmoid", output="sigmoid", loss="half_sse",
                                          update="update_mini_batch")))
