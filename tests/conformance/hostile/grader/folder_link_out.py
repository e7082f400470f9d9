"""Attack: a folder whose ``submission.py`` is a link to a private solution.

The submission is a folder holding only ``submission.py``, a symbolic link to this file
in a root-only folder of mode 0700. The folder itself lies inside the submissions
folder, so a check of the entries alone lets it through; the file chosen inside it
leads out.

Defeated: a folder's file is read from within that folder, never through a link that
leads out of it: refused with the reason.
"""
KIND = "batch"
PLANT = "folder-link-out"
EXPECT_STATUS = "refused"
EXPECT_REASON = "submission.py is a link that leads out of its folder folder_link_out"
PAYLOAD = "correct"  # the planted file goes on with docs/autograder/samples.py's CORRECT (14/14)
