"""Consistency checks for spec.conventions against the seed files it describes."""
from __future__ import annotations

import ast
import dataclasses
import os
import re
import sys
from collections import Counter
from pathlib import Path

import pytest

import deltaspec.spec.conventions as conv

# The seed tutorials' copies are not part of the repository: the checks against their
# text run where DELTASPEC_SEEDS_DIR names a folder holding them.
SEEDS_DIR = Path(os.environ["DELTASPEC_SEEDS_DIR"]) if os.environ.get("DELTASPEC_SEEDS_DIR") else None
KEYS = ("000", "001", "002", "003", "004")
CONVENTION_NAMES = {"sign", "loss_factor", "prime_of", "bias", "layout", "update"}

needs_seeds = pytest.mark.skipif(SEEDS_DIR is None or not SEEDS_DIR.is_dir(),
                                 reason="the seed texts are not here (set DELTASPEC_SEEDS_DIR to their folder)")


def _seed_text(key: str) -> str:
    return (SEEDS_DIR / conv.seed(key).file).read_text(encoding="utf-8")


# Seed 001's copy has none of its JavaScript program's code: the program's own names
# cannot be found in the copy's text, only the names its prose uses.
PROGRAM_ONLY_001 = {"x", "t", "W_ih", "W_ho", "h", "o", "relu", "relu′", "δ_o", "δ_h", "α"}


def _occurs_as_name(name: str, text: str) -> bool:
    """name occurs in text, not as part of a longer identifier."""
    pattern = rf"(?<![\w]){re.escape(name)}(?![\w])"
    return re.search(pattern, text) is not None


# ------------------------------------------------------------------ seeds


def test_every_seed_key_once_in_order():
    assert tuple(s.key for s in conv.SEEDS) == KEYS


def test_seed_files_named_after_their_key():
    for s in conv.SEEDS:
        assert re.fullmatch(rf"{s.key}_[0-9a-f]{{16}}\.txt", s.file), s.file


@needs_seeds
def test_seed_files_exist():
    for s in conv.SEEDS:
        assert (SEEDS_DIR / s.file).is_file(), s.file


def test_seed_fields_filled():
    for s in conv.SEEDS:
        assert s.title and s.author and s.network
        assert isinstance(s.programs, tuple) and s.programs
        assert all(isinstance(p, str) and p for p in s.programs)
        assert len(set(s.programs)) == len(s.programs)


def test_seed_lookup():
    for s in conv.SEEDS:
        assert conv.seed(s.key) is s
    assert conv.seed(3) is conv.seed("003")


@pytest.mark.parametrize("bad", ["999", "3", "", None, ["000"]])
def test_unknown_seed_raises_one_line_value_error(bad):
    with pytest.raises(ValueError) as info:
        conv.seed(bad)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith("unknown seed ")
    assert "known: 000, 001, 002, 003, 004" in message


def test_unknown_seed_message_quotes_key():
    with pytest.raises(ValueError, match=r"^unknown seed '999'; known: "):
        conv.seed("999")


# ------------------------------------------------------------ conventions


def test_convention_names():
    names = [c.name for c in conv.CONVENTIONS]
    assert len(names) == len(set(names))
    assert set(names) == CONVENTION_NAMES


def test_every_convention_covers_every_seed_once():
    for c in conv.CONVENTIONS:
        assert c.question and c.spec_choice, c.name
        keys = [k for k, _ in c.per_seed]
        assert sorted(keys) == list(KEYS), (c.name, keys)
        for key, text in c.per_seed:
            assert text.strip(), (c.name, key)


# --------------------------------------------------------------- notation

REQUIRED = {
    "000": {"W_ih", "W_ho", "b_h", "b_o", "net_h", "out_h", "net_o", "prediction",
            "delta_o", "delta_h", "learning_rate", "d_activation"},
    "001": {"W_ih", "W_ho", "h", "o", "δ_o", "δ_h", "α", "relu′"},
    "002": {"weights1", "weights2", "layer1", "output", "d_weights1", "d_weights2",
            "sigmoid_derivative", "learning_rate"},
    "003": {"syn0", "syn1", "l0", "l1", "l2", "l1_error", "l2_error", "l1_delta", "l2_delta",
            "nonlin", "synapse_0", "synapse_1", "layer_1", "layer_2", "layer_1_error",
            "layer_2_error", "layer_1_delta", "layer_2_delta", "alpha", "hiddenSize",
            "sigmoid_output_to_derivative"},
    "004": {"wh", "bo", "zh", "h", "y", "t", "x", "grad_output", "d_bo", "d_wh",
            "learning_rate", "rbf", "logistic"},
}


def test_required_variables_present():
    have = {k: {n.variable for n in conv.NOTATION if n.seed == k} for k in KEYS}
    for key, names in REQUIRED.items():
        assert names <= have[key], (key, sorted(names - have[key]))


def test_notation_seeds_known_and_names_unique_per_seed():
    counts = Counter((n.seed, n.variable) for n in conv.NOTATION)
    assert {n.seed for n in conv.NOTATION} == set(KEYS)
    duplicates = [k for k, v in counts.items() if v > 1]
    assert not duplicates, duplicates
    for n in conv.NOTATION:
        assert n.symbol and n.meaning, n


@needs_seeds
def test_notation_variables_occur_in_their_seed():
    missing = []
    for n in conv.NOTATION:
        if n.seed == "001" and n.variable in PROGRAM_ONLY_001:
            continue
        if not _occurs_as_name(n.variable, _seed_text(n.seed)):
            missing.append((n.seed, n.variable))
    assert not missing, missing


def _braces_balanced(s: str) -> bool:
    depth = 0
    i = 0
    while i < len(s):
        ch = s[i]
        if ch == "\\":  # skip the escaped character (\{ \} \#)
            i += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth < 0:
                return False
        i += 1
    return depth == 0


def test_symbols_are_plausible_latex():
    for n in conv.NOTATION:
        assert _braces_balanced(n.symbol), n
        assert n.symbol == n.symbol.strip(), n
        # a symbol is LaTeX, not a code expression from the seed
        assert "np." not in n.symbol and "*" not in n.symbol, n


def _symbol(seed_key: str, variable: str) -> str:
    (hit,) = [n for n in conv.NOTATION if n.seed == seed_key and n.variable == variable]
    return hit.symbol


@pytest.mark.parametrize(
    "seed_key, variable, expected",
    [
        # tutorial sign (target - output, +=): the negatives of the spec's deltas
        ("000", "delta_o", "-\\delta_2"),
        ("000", "delta_h", "-\\delta_1"),
        ("003", "l2_delta", "-\\delta_2"),
        ("003", "l1_delta", "-\\delta_1"),
        ("002", "d_weights2", "-\\frac{\\partial E}{\\partial W_2}"),
        ("002", "d_weights1", "-\\frac{\\partial E}{\\partial W_1}"),
        # spec sign (output - target, -=)
        ("001", "δ_o", "\\delta_2"),
        ("003", "layer_2_delta", "\\delta_2"),
        ("003", "layer_1_delta", "\\delta_1"),
        ("003", "synapse_0_derivative", "\\frac{\\partial E}{\\partial W_1}"),
        # y is the target in 000/002/003 and the output in 004
        ("000", "y", "T"),
        ("002", "y", "T"),
        ("002", "Y", "T"),
        ("003", "y", "T"),
        ("004", "y", "Y"),
        ("004", "t", "T"),
        ("004", "bo", "b_2"),
    ],
)
def test_key_signs_and_roles(seed_key, variable, expected):
    assert _symbol(seed_key, variable) == expected


def test_scaled_quantities_say_so():
    # 004's per-sample terms include the learning rate; 001's printed error is twice E
    assert "\\eta" in _symbol("004", "d_wh")
    assert "\\eta" in _symbol("004", "d_bo")
    assert _symbol("001", "error").startswith("2")


def test_same_symbol_for_same_role_within_seed():
    # tutorial weight names map to distinct layers within one seed
    for key in KEYS:
        weights = [n for n in conv.NOTATION if n.seed == key and n.symbol in ("W_1", "W_2")]
        assert weights, key
    assert _symbol("003", "syn0") == _symbol("003", "synapse_0") == "W_1"
    assert _symbol("003", "syn1") == _symbol("003", "synapse_1") == "W_2"


# ----------------------------------------------------------------- quirks


def test_quirks_reference_known_seeds_and_titles_unique():
    assert {q.seed for q in conv.QUIRKS} == set(KEYS)
    counts = Counter((q.seed, q.title) for q in conv.QUIRKS)
    assert all(v == 1 for v in counts.values()), [k for k, v in counts.items() if v > 1]
    for q in conv.QUIRKS:
        assert q.title and q.detail, q
        assert q.detail.rstrip().endswith((".", "'", '"', ")")), q.title


@pytest.mark.parametrize(
    "seed_key, word",
    [
        ("000", "already-updated W_ho"),
        ("000", "np.random.seed"),
        ("000", "Halving"),
        ("000", "Stopping"),
        ("001", "JavaScript"),
        ("002", "1500"),
        ("002", "seed"),
        ("003", "- layer_2"),
        ("003", "alpha >= 100"),
        ("003", "mean absolute error"),
        ("003", "deriv=True"),
        ("004", "20 iterations"),
        ("004", "np.mean(wh - d_wh)"),
        ("004", "No output weight"),
    ],
)
def test_required_quirks_present(seed_key, word):
    texts = [q.title + " " + q.detail for q in conv.QUIRKS if q.seed == seed_key]
    assert any(word.lower() in t.lower() for t in texts), (seed_key, word)


# ------------------------------------------------------------ module shape


def test_records_are_frozen_and_hold_only_str_and_tuples():
    for record in (*conv.SEEDS, *conv.CONVENTIONS, *conv.NOTATION, *conv.QUIRKS):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(record, dataclasses.fields(record)[0].name, "x")
        for field in dataclasses.fields(record):
            value = getattr(record, field.name)
            assert isinstance(value, (str, tuple)), (record, field.name)
        hash(record)  # everything nested is hashable
    for table in (conv.SEEDS, conv.CONVENTIONS, conv.NOTATION, conv.QUIRKS):
        assert isinstance(table, tuple)


def test_module_imports_standard_library_only():
    tree = ast.parse(Path(conv.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "relative import"
            imported.add(node.module.split(".")[0])
    assert imported <= set(sys.stdlib_module_names), imported - set(sys.stdlib_module_names)
