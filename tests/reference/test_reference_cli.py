"""``python -m deltaspec.reference``: list, run, and one-line errors with exit status 2."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from deltaspec.reference.trainers import registry
from deltaspec.reference.__main__ import main

ROOT = Path(__file__).resolve().parents[2]


def _cli(*args):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "deltaspec.reference", *args], capture_output=True, text=True, cwd=ROOT, env=env)


def test_list_shows_every_trainer_with_its_seed_network_loss_and_conventions(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    blocks = out.strip().split("\n\n")
    assert [b.splitlines()[0] for b in blocks] == list(registry.names())
    for block, trainer in zip(blocks, registry.TRAINERS):
        assert f"seed document: {trainer.seed}" in block
        for field in ("network:", "loss:", "conventions:", "options:"):
            assert field in block
    expected = {"eleven-line", "two-layer", "three-layer", "rbf", "per-sample-bias", "relu-xor", "class-xor"}
    assert set(registry.names()) == expected


def test_run_prints_the_trainers_lines_in_a_subprocess():
    result = _cli("run", "rbf")
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout == registry.get("rbf").run().text
    assert result.stdout.startswith("final loss is 0.519411073591957")


@pytest.mark.parametrize(
    "argv,expected",
    [
        (["run", "relu-xor", "--epochs", "20"], ["Error: 1.1863874052952548", "Error: 0.5876564712830461"]),
        (["run", "two-layer", "--epochs", "1"], None),
        (["run", "three-layer", "--epochs", "10001"], None),
        (["run", "three-layer", "--alpha", "1", "--epochs", "1"], ["", "Training With Alpha:1", None]),
        (["run", "three-layer", "--alpha", "0.5", "--hidden", "8", "--epochs", "1"], ["", "Training With Alpha:0.5", None]),
        (["run", "class-xor", "--epochs", "1500", "--seed", "0"], ["", "Predictions:", None, None, None, None]),
        (["run", "per-sample-bias", "--epochs", "2", "--faithful"], None),
        (["run", "eleven-line", "--epochs", "10"], []),
    ],
)
def test_run_prints_what_the_original_printed(capsys, argv, expected):
    assert main(argv) == 0
    lines = capsys.readouterr().out.splitlines()
    name = argv[1]
    options = {}
    for key, value in zip(argv[2::2], argv[3::2]):
        options[key.lstrip("-")] = value
    if "--faithful" in argv:
        options = {k: v for k, v in options.items() if k != "faithful"}
        options["faithful"] = True
    for key in ("epochs", "seed", "hidden"):
        if key in options:
            options[key] = int(options[key])
    if "alpha" in options:
        options["alpha"] = float(options["alpha"]) if "." in options["alpha"] else int(options["alpha"])
    assert lines == registry.get(name).run(**options).lines
    if expected is not None:
        assert len(lines) == len(expected)
        assert all(e is None or e == line for e, line in zip(expected, lines))


def test_three_layer_hidden_alone_runs_the_whole_sweep(capsys):
    assert main(["run", "three-layer", "--hidden", "4", "--epochs", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line for line in lines if line.startswith("Training")] == [
        "Training With Alpha:" + a for a in ("0.001", "0.01", "0.1", "1", "10", "100", "1000")
    ]


BAD = [
    (["run", "nope"], "unknown trainer 'nope'"),
    (["run", "relu-xor", "--seed", "3"], "relu-xor does not take --seed"),
    (["run", "rbf", "--alpha", "2"], "rbf does not take --alpha"),
    (["run", "rbf", "--faithful"], "rbf does not take --faithful"),
    (["run", "class-xor", "--hidden", "8"], "class-xor does not take --hidden"),
    (["run", "rbf", "--epochs", "0"], "--epochs"),
    (["run", "rbf", "--epochs", "many"], "--epochs"),
    (["run", "two-layer", "--seed", "-1"], "--seed"),
    (["run", "two-layer", "--seed", str(2**32)], "--seed"),
    (["run", "three-layer", "--alpha", "nan"], "--alpha"),
    (["run", "three-layer", "--alpha", "-1"], "--alpha"),
    (["run", "three-layer", "--hidden", "0"], "--hidden"),
    (["run", "rbf", "--bogus"], "unrecognized arguments"),
    (["run"], "name"),
    ([], "command"),
    (["walk"], "invalid choice"),
]


@pytest.mark.parametrize("argv,needle", BAD)
def test_bad_command_lines_are_one_line_errors_with_status_2(capsys, argv, needle):
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and needle in captured.err
    assert captured.err.startswith("python -m deltaspec.reference: error: ")


@pytest.mark.parametrize("argv", [["run", "nope"], ["run", "rbf", "--alpha", "2"], ["run", "rbf", "--epochs", "x"]])
def test_errors_in_a_subprocess_have_no_traceback(argv):
    result = _cli(*argv)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_every_option_a_trainer_lists_is_accepted(capsys):
    values = {"seed": "2", "epochs": "1", "alpha": "0.5", "hidden": "3"}
    for trainer in registry.TRAINERS:
        argv = ["run", trainer.name]
        for option in trainer.options:
            argv += [f"--{option}"] if option == "faithful" else [f"--{option}", values[option]]
        assert main(argv) == 0, argv
    capsys.readouterr()
