"""Attack: a submission file only root may read.

``root_only.py`` lies in the submissions folder with mode 0600, owned by root: no
student could have read it (a hard link to a private solution looks the same). A grader
running as root reads it anyway.

Defeated: submissions are read as the user nobody (a helper process reopens the file
through /proc/self/fd after dropping root): the kernel refuses, and the row says that
the file cannot be read by an unprivileged user, with its mode and owner.
"""
KIND = "batch"
PLANT = "root-only"
NEEDS_ROOT = True
EXPECT_STATUS = "refused"
EXPECT_REASON = "root_only.py cannot be read by an unprivileged user (mode 0600, owner root)"
PAYLOAD = "correct"  # the planted file goes on with docs/autograder/samples.py's CORRECT (14/14)
