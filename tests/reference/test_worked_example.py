"""The reference network, run on SPEC.md's worked step, finds the numbers the page shows.

``spec.worked_example`` computes the step for the page; this test rebuilds the same
2-2-1 network in ``deltaspec.reference``, runs its forward pass, deltas, gradients and
one gradient-descent step, prints each result the way the page does, and finds those
numbers in docs/SPEC.md's worked-step section, in the page's order.
"""
from pathlib import Path

import pytest

from deltaspec.reference.network import Network
from deltaspec.spec import worked_example as ex

ROOT = Path(__file__).resolve().parents[2]


def _section() -> str:
    """SPEC.md from the worked step's heading to the next section's."""
    text = (ROOT / "docs" / "SPEC.md").read_text()
    start = text.index("## 6. A worked step")
    return text[start:text.index("\n## ", start + 1)]


@pytest.fixture(scope="module")
def reference_step() -> dict:
    """Every network quantity of the step, computed by the reference network."""
    p = ex.given()
    net = Network.from_params([(p["W1"], p["b1"]), (p["W2"], p["b2"])], ex.ACTIVATIONS, ex.LOSS)
    run = net.forward(p["X"])
    delta1, delta2 = net.deltas(run, p["T"])
    (dW1, db1), (dW2, db2) = net.gradients(p["X"], p["T"])
    out = {"Z1": run.Z[0], "A1": run.A[0], "Z2": run.Z[1], "Y": run.output,
           "E": net.error(p["X"], p["T"]), "delta2": delta2, "delta1": delta1,
           "dW2": dW2, "db2": db2, "dW1": dW1, "db1": db1}
    net.step(p["X"], p["T"], ex.ETA)
    (W1, b1), (W2, b2) = net.params()
    out.update(new_W2=W2, new_b2=b2, new_W1=W1, new_b1=b1, E_after=net.error(p["X"], p["T"]))
    return out


def test_every_network_quantity_of_the_page_is_checked(reference_step):
    assert {q.key for q in ex.quantities() if q.network} == set(reference_step)


def test_reference_reproduces_the_page_in_order(reference_step):
    section, at = _section(), 0
    for q in ex.quantities():
        if not q.network:
            continue
        # a bias (1, n) in the reference and (n,) on the page prints as the same row
        text = f"{q.lhs} = {q.formula} = {ex.matrix(reference_step[q.key])}"
        found = section.find(text, at)
        assert found >= 0, f"SPEC.md does not show the reference's {q.key}: {text}"
        at = found + len(text)


def test_reference_step_lowers_the_loss(reference_step):
    assert reference_step["E_after"] < reference_step["E"]
