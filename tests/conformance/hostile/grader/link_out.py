"""Attack: hand in a link to a solution the grading machine keeps private.

The submissions folder holds ``link_out.py``, a symbolic link to this file kept in a
folder of mode 0700 that only root may enter (an instructor's solutions, say). Root can
follow it: a grader that does grades the solution, for full marks.

Defeated: the batch resolves the entry and refuses it, before reading anything behind
it, because it leads out of the submissions folder (``isolation/reader.py``); its row
scores 0 with the reason, and every other submission is graded.
"""
KIND = "batch"
PLANT = "link-out"
EXPECT_STATUS = "refused"
EXPECT_REASON = "link_out.py is a link that leads out of the submissions folder"
PAYLOAD = "correct"  # the planted file goes on with docs/autograder/samples.py's CORRECT (14/14)
