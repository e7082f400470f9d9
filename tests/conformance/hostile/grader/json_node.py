"""Attack: a named pipe (FIFO) where a submission's results file goes.

The batch writes ``<json-dir>/json_node.json``; a FIFO is planted there first (a
device node, e.g. a copy of /dev/null or a shared device, is the same case). A grader
that replaces it clobbers the node; one that opens it for writing waits for a reader.

Defeated: results are written only to regular files (a device, a FIFO, a folder or a
link is refused, never replaced or followed): the node is left as it was, this row says
why its results could not be written, and the gradebook holds every row.
"""
KIND = "batch"
PLANT = "json-fifo"
EXPECT_STATUS = "error"
EXPECT_REASON = "json_node.json' is not a regular file (a device, pipe or socket); name a regular file"
PAYLOAD = "correct"  # the planted file goes on with docs/autograder/samples.py's CORRECT (14/14)
