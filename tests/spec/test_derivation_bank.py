"""The student's checker against a bank of derivations it was not written around
(tests/spec/derivation_bank.py): every correct form proved, every wrong form judged
wrong, and the slip named in at least 90% of the wrong ones."""
from __future__ import annotations

import functools

import pytest

from deltaspec.spec import check
from derivation_bank import BANK  # beside this file: pytest puts its folder on sys.path

CORRECT = [d for d in BANK if d.slip is None]
WRONG = [d for d in BANK if d.slip is not None]
MATRIX = {"hidden_delta", "weight_gradient", "bias_gradient", "layer_backward"}


def _id(d) -> str:
    return f"{d.rule}:{d.answer}"[:60]


@functools.lru_cache(maxsize=None)
def _verdict(index: int):
    d = BANK[index]
    return check(d.rule, d.answer, **d.params)


def test_the_bank_is_big_and_balanced():
    assert len(BANK) >= 100 and len(CORRECT) >= 50 and len(WRONG) >= 50
    assert {d.rule for d in BANK} == {"derivative", "loss_derivative", "delta"} | MATRIX
    assert sum(d.rule in MATRIX for d in WRONG) >= 25


@pytest.mark.parametrize("index", [i for i, d in enumerate(BANK) if d.slip is None],
                         ids=lambda i: _id(BANK[i]))
def test_every_correct_form_is_proved(index):
    v = _verdict(index)
    assert v.status == "proved", v.report()


@pytest.mark.parametrize("index", [i for i, d in enumerate(BANK) if d.slip is not None],
                         ids=lambda i: _id(BANK[i]))
def test_every_wrong_form_is_judged_wrong(index):
    v = _verdict(index)
    assert v.status in ("incorrect", "kink") and not v.correct, v.report()
    assert v.exit_status == 1


def test_the_slip_is_named_nine_times_in_ten():
    wrong = [i for i, d in enumerate(BANK) if d.slip is not None]
    missed = [(BANK[i].answer, BANK[i].slip, _verdict(i).slips) for i in wrong
              if BANK[i].slip not in _verdict(i).slips]
    rate = 1 - len(missed) / len(wrong)
    assert rate >= 0.9, f"slip named in {rate:.0%}; missed: {missed}"
