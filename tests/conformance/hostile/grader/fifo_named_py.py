"""Attack: a named pipe (FIFO) in the place of a submission file.

``fifo_named_py.py`` in the submissions folder is a FIFO: this text is never in it. A
grader that opens it waits for a writer forever, and the batch never ends (a device
node in its place would be read without end).

Defeated: the entry is opened without waiting (O_PATH as root, O_NONBLOCK otherwise)
and refused as not a regular file; the batch goes on.
"""
KIND = "batch"
PLANT = "fifo"
EXPECT_STATUS = "refused"
EXPECT_REASON = "fifo_named_py.py is not a regular file"
PAYLOAD = "correct"  # the planted file goes on with docs/autograder/samples.py's CORRECT (14/14)
