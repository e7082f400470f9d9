"""Attack: an assignment file that breaks the grader, or grades nothing.

Four weights files (``--weights`` for ``run`` and ``grade``, ``--deltaspec-assignment``
under pytest): weights of 1e308, whose total is infinite (``"max_score": Infinity`` is
not JSON); a 400-digit integer; ``only = []``, which grades "0 of 0"; and a file that is
not UTF-8. Each gave a traceback, an invalid results file, or none at all.

Defeated: each is one line naming the problem (exit status 2, or 4 under pytest), no
gradebook is written, and the results file is valid JSON that scores 0 with the reason.
(The submission is this module followed by the sample correct solution: PAYLOAD.)
"""
KIND = "command"
# name: (the file's text or bytes, words of the one line it must give)
WEIGHTS = {
    "infinite": ("[kinds]\nforward = 1e308\ngradients = 1e308\n", "the points add up to inf"),
    "huge": ("[kinds]\nforward = "
             "99999999999999999999999999999999999999999999999999999999999999999999999999999999"
             "99999999999999999999999999999999999999999999999999999999999999999999999999999999"
             "99999999999999999999999999999999999999999999999999999999999999999999999999999999"
             "99999999999999999999999999999999999999999999999999999999999999999999999999999999"
             "99999999999999999999999999999999999999999999999999999999999999999999999999999999"
             "\n", "[kinds] forward is too large"),
    "only_empty": ("only = []\n", "only = [] counts nothing"),
    "not_utf8": (b"# caf\xe9\n[kinds]\nforward = 2\n", "can't decode byte 0xe9"),
}
# {weights} is each of WEIGHTS in turn (its words are added to the command's)
COMMANDS = [
    (["run", "{self}", "--weights", "{weights}", "--gradescope", "{results}"], 2, "weights file"),
    (["grade", "{folder}", "--weights", "{weights}", "--out", "{out}"], 2, "weights file"),
    (["pytest", "--impl={self}", "--deltaspec-assignment={weights}", "--deltaspec-gradescope={results}"], 4,
     "weights file"),
]
PAYLOAD = "correct"  # the planted file goes on with docs/autograder/samples.py's CORRECT (14/14)
