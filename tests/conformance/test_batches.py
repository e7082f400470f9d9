"""A batch of calls in one message behaves as a loop of calls: the same calls in the
same order, each with its own timeout, stopped by the first that raises; a batch too
large for one message goes in parts; and the adapter judges the results before a
failure first, as a loop would have."""
from __future__ import annotations

import time

import numpy as np
import pytest

from deltaspec.conformance.interface.adapter import Implementation, ImplementationError
from deltaspec.conformance.interface.loader import Loaded
from deltaspec.conformance.isolation import wire
from deltaspec.conformance.isolation.worker import RaisedInWorker, RemoteNamespace, Worker, WorkerFailure

MODULE = '''
import time
import numpy as np

RAN = []


def double(x):
    RAN.append(x)
    if x == 3:
        raise ValueError("three")
    return 2 * x


def ran():
    return list(RAN)


def nap(seconds):
    time.sleep(seconds)
    return seconds


def total(a):
    return float(np.sum(a))
'''


@pytest.fixture
def worker(tmp_path):
    path = tmp_path / "batchy.py"
    path.write_text(MODULE)
    w = Worker(str(path), timeout=1.0, spin=0.0005)
    assert w.start()["loaded"], w.containment
    yield w
    w.close()


def test_a_batch_is_the_loop_of_its_calls_and_stops_at_the_first_raise(worker):
    assert worker.call_many("double", [(1,), (2,)]) == [2, 4]
    with pytest.raises(RaisedInWorker, match="three") as caught:
        worker.call_many("double", [(5,), (3,), (4,)])
    assert caught.value.done == [10]                      # the results before it
    assert worker.call("ran", ()) == [1, 2, 5, 3]         # 4 never ran
    assert worker.call_many("double", [(7,)]) == [14]     # the worker goes on


def test_each_call_of_a_batch_has_its_own_timeout(worker):
    start = time.monotonic()
    assert worker.call_many("nap", [(0.6,), (0.6,)]) == [0.6, 0.6]  # 1.2 s in all, each under 1 s
    with pytest.raises(WorkerFailure, match="timed out after 1 s") as caught:
        worker.call_many("nap", [(0.1,), (30,), (0.1,)])
    assert caught.value.done == [0.1]
    assert time.monotonic() - start < 5
    assert worker.call_many("double", [(1,)]) == [2]      # restarted for the next call


def test_a_batch_too_large_for_one_message_goes_in_parts(worker, monkeypatch):
    sent = []
    send = wire.send

    def counting(fd, message, deadline=None, limit=None):
        send(fd, message, deadline, limit)
        sent.append(len(message.get("batch", [])))

    arrays = [(np.full(200, float(i)),) for i in range(8)]
    monkeypatch.setattr(wire, "send", counting)
    monkeypatch.setattr(wire, "MAX_MESSAGE", 5000)        # about two arrays a message
    assert worker.call_many("total", arrays) == [200.0 * i for i in range(8)]
    assert len(sent) > 1 and sum(sent) == 8 and max(sent) < 8


def _implementation(namespace):
    conventions = {"LAYOUT": "row", "SIGN": 1, "PRIME_OF": "z", "REDUCTION": "spec"}
    return Implementation(Loaded(namespace, "ns", "ns", "test", conventions))


FORWARD_CALLS: list[float] = []


def _forward(params, X, activations):
    """Wrong shape at the first call, raises at the third: a loop reports the shape."""
    FORWARD_CALLS.append(float(params[0][0][0, 0]))
    if len(FORWARD_CALLS) == 3:
        raise RuntimeError("third call")
    return np.zeros((X.shape[0], 3)) if len(FORWARD_CALLS) == 1 else np.zeros((X.shape[0], 1))


@pytest.mark.parametrize("isolated", [False, True])
def test_the_adapter_judges_the_results_before_a_failure_first(tmp_path, isolated):
    """forward_many over three points: the first result has the wrong shape, the third
    call raises. One by one, the shape is what fails; so it is in a batch."""
    params = [[(np.full((2, 1), v), np.zeros(1))] for v in (1.0, 2.0, 3.0)]
    X = np.ones((4, 2))
    if isolated:
        path = tmp_path / "fwd.py"
        path.write_text("import numpy as np\nFORWARD_CALLS = []\n\n" + _source(_forward))
        w = Worker(str(path), timeout=5.0)
        try:
            info = w.start()
            impl = _implementation(RemoteNamespace(w, info["provides"], {}))
            one = _one_by_one(impl, params, X)
            w.stop()
            results, failure = impl.batch("forward", [(p, X, ["identity"]) for p in params])
        finally:
            w.close()
    else:
        FORWARD_CALLS.clear()
        impl = _implementation(type("NS", (), {"forward": staticmethod(_forward)}))
        one = _one_by_one(impl, params, X)
        FORWARD_CALLS.clear()
        results, failure = impl.batch("forward", [(p, X, ["identity"]) for p in params])
    assert results == [] and isinstance(failure, ImplementationError)
    assert str(failure) == one and "shape" in one


def _one_by_one(impl, params, X) -> str:
    with pytest.raises(ImplementationError) as caught:
        for p in params:
            impl.forward(p, X, ["identity"])
    return str(caught.value)


def _source(func) -> str:
    import inspect

    return inspect.getsource(func).replace("_forward", "forward")
