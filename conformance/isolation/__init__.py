"""Process isolation: running the implementation under test in a separate, limited
worker process, and what that defends against.

The pytest process never imports student code. It starts ``python -m
deltaspec.conformance.isolation.worker``, which loads the implementation and answers
calls over a private pair of pipes in the plain-data wire format (:mod:`.wire`). A
message carries a batch of calls of one function (one call, or the points of a
finite-difference stage); the worker answers each call as it returns, each answer is
awaited with a call's timeout, and the first call that raises ends the batch. Each side
polls briefly for the other's message before it sleeps (``--deltaspec-spin``).
Verdicts are computed in the pytest process only, after a call has returned, from
decoded plain data (float and int arrays, numbers, strings, lists): nothing the
implementation returns is executed or unpickled there, and everything the worker says is
treated as hostile (sizes, nesting, names, text: see :func:`.remote.checked_report` and
:func:`.oneline.clean`).

The threat: a class of strangers who read the grader's source. Beyond cheating its own
verdict, a submission may try to copy the answers from the grader (import or read the
spec and the reference), to reach another submission graded on the same machine (read
its source or results, kill its worker, overwrite its files), or to hold the grader up.

Limits, each turned into a one-line failure naming the reason; the worker is restarted
for the next check, and nothing makes the run wait longer than a call's timeout:

* a per-call timeout (a hang, an infinite loop, a reply that never finishes, a worker
  that stops reading): the worker's process group and cgroup are killed (SIGKILL);
* a memory limit: RLIMIT_AS per process (a huge allocation raises MemoryError) and, as
  root, a memory cgroup for all the worker's processes together; RLIMIT_FSIZE on what it
  writes, its log included;
* a total time budget for the run, charged for calls, start-ups and restarts alike (a
  restart or a call gets at most what is left); after 3 failures in a row that killed
  the worker, the remaining checks fail at once, with the last reason;
* a crash (os._exit, sys.exit, a segfault, a pipe closed or garbage written on it, a
  reply larger than ``wire.MAX_MESSAGE`` or out of turn): reported, worker restarted;
* child processes: as root, a pids cgroup bounds a fork bomb; processes still running
  after a check are killed and fail that check. The worker dies with the pytest process
  (PR_SET_PDEATHSIG), however that ends.

The grader is invisible to a submission (:mod:`.loading`): the worker imports its own
loader, the wire format and the server, none of which is the spec, the reference or the
checks; it reads the implementation's source with the suite's privileges, drops them,
gets its view of the files (deltaspec's folders not in it), forgets every ``deltaspec``
module (``sys.modules``, import caches, ``sys.path``), answers ``import deltaspec`` with
ModuleNotFoundError, and only then imports the implementation. Reading the installation
from disk fails (file not found in the sandbox, permission denied under Landlock). The
exception is an implementation that is part of deltaspec itself (the bundled reference,
the default ``--impl``): the install is what is judged. ``DELTASPEC_HIDE_SUITE=0`` keeps
the install visible (glue importing ``deltaspec.conformance.adapters`` needs it; such a
submission can then copy the spec). What stays reachable, through ``gc`` or stack
frames, is the worker's own machinery: no expected value is in it, and the pytest
process trusts nothing the worker says, so rewriting it (as load_message_injection does)
gains nothing that raw bytes on the reply pipe would not.

Containment, strongest first (the header's "isolation" line says which one a run got; the
worker reports it in its first message, before any student code runs, so a submission
cannot forge it, nor forge a sandbox failure to be restarted without one):

1. **Namespace sandbox** (Linux, the suite running as root; the default there): the
   worker enters new PID, mount, network, IPC and UTS namespaces and a fresh root
   (pivot_root) holding only its view: the system's libraries, the Python installation
   and the implementation's own folder, read-only; a private 64 MB tmpfs home (also its
   TMPDIR and spec cache, mode 0700), a private /tmp and /dev/shm; /proc showing only
   its own processes; a /dev of null, zero, full, random and urandom; no /sys, no home
   folders, no other job's folder, no results file; no network, not even loopback. The
   implementation then runs as a user id of its own (:mod:`.uids`; ``nobody`` when the
   pool is taken), with no_new_privs and no capabilities, and Landlock (where the kernel
   has it) on top. It cannot see, signal, ptrace or read another run or the pytest
   process; cannot learn the results file's path; cannot write anything on disk but its
   home; cannot leave its cgroups; and every process it starts, daemonized or not, dies
   with the namespace when the worker stops. ``DELTASPEC_SANDBOX=0`` in the suite's
   environment turns this layer off (to compare, or where it misbehaves); when the
   namespaces cannot be made (a container without CAP_SYS_ADMIN, e.g. Docker's default
   profile) the worker falls back to 2.
2. **Root without namespaces**: the worker becomes a user id of its own with
   RLIMIT_NPROC (now counted for it alone) when that user can reach the Python
   installation (a system Python; not a pyenv Python under /root, mode 700), otherwise
   it stays root with every capability dropped; either way it cannot read or write the
   pytest process's memory (no CAP_SYS_PTRACE) or open its file descriptors. Where the
   kernel has Landlock (Linux 5.13+; ABI 6, Linux 6.12+, for signals) it also restricts
   itself to its view: it reads only the system's libraries, the Python installation and
   its own folder, writes only its home (also its TMPDIR, mode 0700), opens no TCP
   connection, and sends no signal and ptraces no process outside its own tree. Then
   another run's files, the results file, the suite's sources, /sys/fs/cgroup and other
   runs' processes are out of reach, even as capability-less root. Without Landlock: as
   a user of its own it still cannot signal, trace or read another run (different users,
   folders of mode 0700), but it reads every world-readable file (the suite, another
   submission left readable) and, as capability-less root, it CAN read
   /proc/<pid>/cmdline (the results file's path), write any root-owned file (the results
   file, the suite's own sources and bytecode, a spec cache under /root), signal the
   pytest process and other runs, and leave the pids cgroup by writing to /sys/fs/cgroup
   (a daemon that does so survives the run): not defended without the sandbox or
   Landlock, and a batch then grades one submission at a time (:mod:`.separation`).
3. **Not root**: the worker runs as the same user, with the limits above but no cgroups
   and no user of its own. It cannot read the pytest process's memory (the pytest
   process makes itself non-dumpable, so /proc/<pid>/mem and ptrace need CAP_SYS_PTRACE,
   which the user lacks). With Landlock it is held to its view as in 2; without it, it
   can do anything else that user can: read the suite, signal the pytest process and
   other runs, write the results file, the suite's files and the spec cache, and leave
   its process group (escaping the stray-process reaper). Not defended: run graders as
   root (in a VM, or a container that allows namespaces) or give the suite a user of its
   own.

Also not defended, in every mode: it may burn CPU (up to 64 processes) until the call's
timeout or the end of the check; it may read the files of its own view (the system's,
the Python installation's, its own folder's: a folder the grader shares with other
submissions, e.g. ``--impl=submissions/alice.py`` on a shared folder, is in the view of
each: ``grade`` copies each submission into a folder of its own); with UDP it may send
packets where there is no network namespace, and connect to unix sockets by path there
(Landlock does not cover ``connect()``: as capability-less root, to sockets only root
may use, e.g. a container runtime's); and with ``--deltaspec-no-isolate`` it runs
inside pytest and can do anything at all (that mode is for debugging one's own code with
pdb, never for grading). The pytest process being non-dumpable (while a worker runs)
also means no core dumps of it and, for a non-root user, no attaching a debugger to it
without privileges.

The worker's stdout and stderr go to a log file, never into pytest's output, so a
submission cannot print fake "passed" lines into the report; text it sends (exception
messages, its origin) is reduced to one printable line before it reaches the report.

The modules, each saying what it defends against:

==============  =========================================================================
``worker``      the public names (``Worker``, ``RemoteNamespace``, ``WorkerFailure``,
                ``RaisedInWorker``, ``clean``) and the worker's ``python -m`` entry point
``process``     ``Worker``, the pytest process's side: start, call, stop, kill strays;
                the time budget and the crashes in a row
``remote``      ``RemoteNamespace``, ``RaisedInWorker``, the load report reduced to what
                it may contain
``wire``        the plain-data wire format: framing, deadlines, size limits, decoding
``oneline``     text that crossed the boundary as one printable line
``serve``       what runs inside the worker process: its process tree, the server
``loading``     inside the worker: reading, hiding the suite, importing the implementation
``paths``       the worker's view of the files, and whether others could reach a path
``sandbox``     the namespaces and the fresh root holding the view
``landlock``    the view, signals and TCP restricted without namespaces or privileges
``privileges``  no_new_privs, capabilities, a user of its own, a non-dumpable parent
``uids``        the pool of user ids, one per running worker
``separation``  whether runs graded side by side are kept apart (asked by a batch)
``reader``      a batch's submission read as the user nobody, never through a link out
``limits``      rlimits and cgroups
``strays``      the worker's own processes, and killing those it left behind
``syscalls``    mount, umount2, pivot_root, prctl, unshare and capset through ctypes
==============  =========================================================================

Why not bubblewrap (measured on this project's grading machine, see docs/AUTOGRADER.md):
the worker must import its own code before its view is fixed and the suite hidden,
which a view fixed before ``exec`` (bwrap's) cannot give without shipping the worker's
code in separately; and bwrap saved nothing (start-up and round trip within the noise of
the worker's own namespaces).
"""
