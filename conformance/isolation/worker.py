"""The isolation subsystem's public names, and the worker process's entry point.

``python -m deltaspec.conformance.isolation.worker READ_FD WRITE_FD REQUESTED CONFIG``
is how :class:`~.process.Worker` starts the worker; :func:`.serve.main` runs there. The
command line keeps this module's name so that the worker process reads as what it is
(its ``sys.argv[0]`` ends in ``worker.py``).

The rest of the suite imports the subsystem from here; what each part defends against
is in the subpackage's docstring (``isolation/__init__.py``) and in each module's.
"""
from __future__ import annotations

import sys

from deltaspec.conformance.isolation.oneline import clean
from deltaspec.conformance.isolation.process import Worker, WorkerFailure
from deltaspec.conformance.isolation.remote import RaisedInWorker, RemoteNamespace
from deltaspec.conformance.isolation.serve import main

__all__ = ["RaisedInWorker", "RemoteNamespace", "Worker", "WorkerFailure", "clean", "main"]

if __name__ == "__main__":
    sys.exit(main())
