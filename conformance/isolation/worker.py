"""The isolation subsystem's public names, and the worker process's entry point.

``python -m deltaspec.conformance.isolation.worker READ_FD WRITE_FD REQUESTED CONFIG``
is how :class:`~.process.Worker` starts the worker; :func:`.serve.main` runs there. The
command line keeps this module's name so that the worker process reads as what it is
(its ``sys.argv[0]`` ends in ``worker.py``).

Run as the worker, it imports the server and nothing else of the suite: the pytest
side's modules (``process``, ``remote``) import the suite's loader and, through it, the
spec, which a submission would then find in the worker's memory (see :mod:`.loading`).

The rest of the suite imports the subsystem from here; what each part defends against
is in the subpackage's docstring (``isolation/__init__.py``) and in each module's.
"""
from __future__ import annotations

import sys

if __name__ == "__main__":
    from deltaspec.conformance.isolation.serve import main

    sys.exit(main())

from deltaspec.conformance.isolation.oneline import clean  # noqa: E402 - after the worker's entry
from deltaspec.conformance.isolation.process import Worker, WorkerFailure  # noqa: E402
from deltaspec.conformance.isolation.remote import RaisedInWorker, RemoteNamespace  # noqa: E402
from deltaspec.conformance.isolation.serve import main  # noqa: E402

__all__ = ["RaisedInWorker", "RemoteNamespace", "Worker", "WorkerFailure", "clean", "main"]
