"""Attack: have the grader grade its own reference.

``--impl ""`` (or only spaces) falls back to the bundled reference, and naming it
(``deltaspec.reference.implementation``, its package, its file, a link to its file)
loads deltaspec's own code: with ``--deltaspec-gradescope`` the reference was graded,
for full marks, where the student's name was meant to be.

Defeated: a grading run refuses an empty ``--impl`` and any implementation that is part
of deltaspec, with one line (pytest's exit status 4, ``run``'s 2), and the results file
still scores 0 with the reason. ``run`` given the reference's file (it is copied before
it is graded, so it could not see the suite) scores 0 as refused, its row saying why.
"""
KIND = "command"
COMMANDS = [
    (["pytest", "--impl=", "--deltaspec-gradescope={results}"], 4, "--impl is missing or empty"),
    (["pytest", "--impl=   ", "--deltaspec-prairielearn={results}"], 4, "--impl is missing or empty"),
    (["pytest", "--impl=deltaspec.reference.implementation", "--deltaspec-gradescope={results}"], 4,
     "is part of deltaspec: the bundled reference is never graded"),
    (["pytest", "--impl=deltaspec.reference", "--deltaspec-gradescope={results}"], 4,
     "is part of deltaspec: the bundled reference is never graded"),
    (["pytest", "--impl={reference}", "--deltaspec-gradescope={results}"], 4,
     "is part of deltaspec: the bundled reference is never graded"),
    (["pytest", "--impl={reference_link}", "--deltaspec-gradescope={results}"], 4,
     "is part of deltaspec: the bundled reference is never graded"),
    (["run", "", "--gradescope", "{results}"], 2, "the submission path is empty"),
    (["run", "{reference}", "--gradescope", "{results}"], 0,
     "implementation.py is part of deltaspec: the bundled reference is never graded"),
]
