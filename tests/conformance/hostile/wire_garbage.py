"""Attack: break the protocol between the worker and the pytest process.

In the worker, each function writes something hostile straight to the reply pipe (its
descriptor is on the worker's command line) instead of (or before) answering:

* sigmoid: a header announcing a 2 GB message;
* sigmoid_prime: the start of a message, then silence;
* tanh: a message nested 200000 lists deep (a JSON bomb);
* tanh_prime: a well-formed reply to a call that was never made (a forged id), then
  its (wrong) answer;
* relu: closes the pipe and keeps running;
* relu_prime: bytes that are not JSON;
* softplus: a thread flooding the pipe with forged replies;
* softplus_prime: a 32 MB reply (an array of 4 million zeros).

Every answer it would give is wrong anyway. Isolated, each becomes a failed check that
names the problem (too large, timed out, malformed, out of turn, closed its
connection), the worker is restarted, and the run ends; nothing reaches the verdicts.
"""
import json
import os
import struct
import sys
import threading
import time

import numpy as np

EXPECT_STATUS = 1
EXPECT_REASON = ["larger than", "timed out", "malformed", "out of turn", "closed its connection"]
MUST_FAIL = ["activation sigmoid", "derivative sigmoid_prime", "activation tanh", "derivative tanh_prime",
             "activation relu", "derivative relu_prime", "activation softplus", "derivative softplus_prime"]
SLOW = True
PYTEST_ARGS = ["--deltaspec-call-timeout", "1", "-k", "test_activation_value or test_derivative_matches_spec"]


def _reply_fd():
    if sys.argv and sys.argv[0].endswith("worker.py") and len(sys.argv) > 2:
        return int(sys.argv[2])
    return None


def _frame(body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + body


def _write(data: bytes):
    fd = _reply_fd()
    if fd is not None:
        try:
            os.write(fd, data)
        except OSError:
            pass


def sigmoid(z):
    _write(struct.pack(">I", 2 << 30))
    time.sleep(30)


def sigmoid_prime(z):
    _write(struct.pack(">I", 1000) + b'{"id": 1, "res')
    time.sleep(30)


def tanh(z):
    _write(_frame(b"[" * 200000 + b"]" * 200000))
    time.sleep(30)


def tanh_prime(z):
    forged = {"id": -1, "result": {"float": 0.0}}
    _write(_frame(json.dumps(forged).encode()))
    return 0.5 * (1 - np.tanh(z) ** 2)


def relu(z):
    fd = _reply_fd()
    if fd is not None:
        os.close(fd)
    time.sleep(30)


def relu_prime(z):
    _write(_frame(b"\xff\xfe this is not JSON \x00"))
    time.sleep(30)


def softplus(z):
    def flood():
        message = _frame(json.dumps({"id": 10 ** 9, "result": {"float": 1.0}}).encode())
        for _ in range(100000):
            _write(message)

    threading.Thread(target=flood, daemon=True).start()
    time.sleep(0.1)
    return np.zeros(np.shape(z))


def softplus_prime(z):
    return np.zeros(4 << 20)
