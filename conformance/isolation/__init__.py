"""Process isolation: running the implementation under test in a separate, limited
worker process, and what that defends against.

The pytest process never imports student code. It starts ``python -m
deltaspec.conformance.isolation.worker``, which loads the implementation and answers
calls over a private pair of pipes in the plain-data wire format (:mod:`.wire`).
Verdicts are computed in the pytest process only, after a call has returned, from
decoded plain data (float and int arrays, numbers, strings, lists): nothing the
implementation returns is executed or unpickled there, and everything the worker says is
treated as hostile (sizes, nesting, names, text: see :func:`.remote.checked_report` and
:func:`.oneline.clean`).

Limits, each turned into a one-line failure naming the reason; the worker is restarted
for the next check, and nothing makes the run wait longer than a call's timeout:

* a per-call timeout (a hang, an infinite loop, a reply that never finishes, a worker
  that stops reading): the worker's process group and cgroup are killed (SIGKILL);
* a memory limit: RLIMIT_AS per process (a huge allocation raises MemoryError) and, as
  root, a memory cgroup for all the worker's processes together; RLIMIT_FSIZE on what it
  writes, its log included;
* a total time budget for the run;
* a crash (os._exit, sys.exit, a segfault, a pipe closed or garbage written on it, a
  reply larger than ``wire.MAX_MESSAGE`` or out of turn): reported, worker restarted;
* child processes: as root, a pids cgroup bounds a fork bomb; processes still running
  after a check are killed and fail that check. The worker dies with the pytest process
  (PR_SET_PDEATHSIG), however that ends.

Containment, strongest first (the header's "isolation" line says which one a run got; the
worker reports it in its first message, before any student code runs, so a submission
cannot forge it, nor forge a sandbox failure to be restarted without one):

1. **Namespace sandbox** (Linux, the suite running as root; the default there): the
   worker enters new PID, mount, network, IPC and UTS namespaces. Its file system is
   read-only except a private 64 MB tmpfs home (also its TMPDIR and spec cache) and a
   private /dev/shm; /proc shows only its own processes; /dev holds only null, zero,
   full, random and urandom; there is no network, not even loopback; directories others
   cannot enter (e.g. /root) are hidden behind an empty tmpfs with only what the worker
   needs (the Python installation, sys.path, the implementation's directory) bound back
   in. The implementation then runs as the user ``nobody`` (or, when its own file is not
   world-readable, as root with every capability dropped), with no_new_privs. It cannot
   see, signal, ptrace or read the memory of the pytest process; cannot learn its command
   line (the results file's path); cannot write the results file, the suite's sources or
   bytecode, the spec's cache, or anything else on disk; cannot leave its cgroups; and
   every process it starts, daemonized or not, dies with the namespace when the worker
   stops. ``DELTASPEC_SANDBOX=0`` in the suite's environment turns this layer off (to
   compare, or where it misbehaves); when the namespaces cannot be made (a container
   without CAP_SYS_ADMIN, e.g. Docker's default profile) the worker falls back to 2.
2. **Root without namespaces**: the worker drops to ``nobody`` with RLIMIT_NPROC when
   the interpreter, the suite and the implementation are reachable for that user (a
   system Python; not a pyenv Python under /root, mode 700), otherwise it stays root
   with every capability dropped; either way it cannot read or write the pytest
   process's memory (no CAP_SYS_PTRACE) or open its file descriptors. As capability-less
   root it CAN still: read /proc/<pid>/cmdline (the results file's path), write any
   root-owned file (the results file, the suite's own sources and bytecode, a spec cache
   under /root), signal the pytest process, and leave the pids cgroup by writing to
   /sys/fs/cgroup (a daemon that does so survives the run and can overwrite the results
   file afterwards): not defended without the sandbox. As ``nobody`` those writes fail.
3. **Not root**: the worker runs as the same user, with the limits above but no cgroups.
   It cannot read the pytest process's memory (the pytest process makes itself
   non-dumpable, so /proc/<pid>/mem and ptrace need CAP_SYS_PTRACE, which the user
   lacks), but it can do anything else that user can: signal the pytest process, write
   the results file, the suite's files and the spec cache, and leave its process group
   (escaping the stray-process reaper). Not defended: run graders as root (in a VM, or a
   container that allows namespaces) or give the suite a user of its own.

Also not defended, in every mode: an implementation may import and call the spec or the
reference bundled with the suite (``spec``, ``reference``): isolation keeps the verdict
honest, not the source of the answer; it may read whatever its user may read (world-
readable files; as capability-less root in mode 1, also root-owned files the owner bits
allow); it may burn CPU (up to 64 processes) until the call's timeout or the end of the
check; and with ``--deltaspec-no-isolate`` it runs inside pytest and can do anything at all (that
mode is for debugging one's own code with pdb, never for grading). The pytest process
being non-dumpable (while a worker runs) also means no core dumps of it and, for a
non-root user, no attaching a debugger to it without privileges.

The worker's stdout and stderr go to a log file, never into pytest's output, so a
submission cannot print fake "passed" lines into the report; text it sends (exception
messages, its origin) is reduced to one printable line before it reaches the report.

The modules, each saying what it defends against:

=============  ==========================================================================
``worker``     the public names (``Worker``, ``RemoteNamespace``, ``WorkerFailure``,
               ``RaisedInWorker``, ``clean``) and the worker's ``python -m`` entry point
``process``    ``Worker``, the pytest process's side: start, call, stop, kill strays
``remote``     ``RemoteNamespace``, ``RaisedInWorker``, the load report reduced to what
               it may contain
``wire``       the plain-data wire format: framing, deadlines, size limits, decoding
``oneline``    text that crossed the boundary as one printable line
``serve``      what runs inside the worker process: its process tree, the server
``sandbox``    the namespaces and the file system the worker sees
``privileges`` no_new_privs, capabilities, the user ``nobody``, a non-dumpable parent
``paths``      what the worker must reach on disk, and whether others could
``limits``     rlimits and cgroups
``strays``     the worker's own processes, and killing those it left behind
``syscalls``   mount, umount2, prctl, unshare and capset through ctypes
=============  ==========================================================================
"""
