"""Attack: an output path that names a device node, a FIFO or a link.

``--out``, ``--gradescope`` and ``--deltaspec-gradescope`` are each pointed at a node
planted first: a FIFO, a character device (a twin of /dev/null, made with mknod; as
root only) and a symbolic link to a file. Run as root, a grader that writes through a
temporary file and ``os.replace`` replaced the node with a regular file (a shared
device was clobbered this way); one that opens the path follows the link, or waits on
the FIFO.

Defeated: outputs go only to regular files. Each command is refused before anything
is graded, with one line naming the path and exit status 2 (4 under pytest), and the
node is left exactly as it was. (This file, a correct solution, is the submission.)
"""
KIND = "command"
NODES = ["fifo", "device", "link"]
# (the command, its exit status, words of its one line); {node} is each of NODES in turn
COMMANDS = [
    (["grade", "{folder}", "--out", "{node}"], 2, "name a regular file"),
    (["run", "{self}", "--gradescope", "{node}"], 2, "name a regular file"),
    (["run", "{self}", "--prairielearn", "{node}"], 2, "name a regular file"),
    (["pytest", "--impl={self}", "--deltaspec-gradescope={node}"], 4, "name a regular file"),
]
PAYLOAD = "correct"  # the planted file goes on with docs/autograder/samples.py's CORRECT (14/14)
