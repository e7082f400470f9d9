#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image: it installs
# deltaspec in a virtual environment and checks the spec's shipped compiled functions.
#
# The autograder zip holds, at its root: setup.sh, run_autograder, weights.toml (the
# assignment's points; see docs/AUTOGRADER.md) and deltaspec's wheel
# (`pip wheel --no-deps /path/to/deltaspec -w .`) or its source as a folder deltaspec/.
#
# Every path can be overridden from the environment (the kit's tests do).
set -euo pipefail
SOURCE="${AUTOGRADER_SOURCE:-/autograder/source}"
VENV="${DELTASPEC_VENV:-/autograder/deltaspec-venv}"
INSTALL="${DELTASPEC_INSTALL:-auto}"   # auto: the wheel or folder in SOURCE; none: use $PYTHON as it is

if [ "$INSTALL" = none ]; then
    PYTHON="${PYTHON:-python3}"
else
    if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c "import ensurepip" >/dev/null 2>&1; then
        apt-get install -y python3 python3-venv python3-pip
    fi
    python3 -m venv "$VENV"
    PYTHON="$VENV/bin/python"
    shopt -s nullglob
    wheels=("$SOURCE"/deltaspec-*.whl)
    if [ "$INSTALL" != auto ]; then
        package="$INSTALL"
    elif [ ${#wheels[@]} -gt 0 ]; then
        package="${wheels[0]}"
    elif [ -f "$SOURCE/deltaspec/pyproject.toml" ]; then
        package="$SOURCE/deltaspec"
    else
        echo "setup.sh: put deltaspec's wheel (deltaspec-*.whl) or its source folder deltaspec/ in the zip" >&2
        exit 1
    fi
    "$PYTHON" -m pip install --no-cache-dir --upgrade pip
    "$PYTHON" -m pip install --no-cache-dir "$package"
fi

# The spec's compiled functions ship inside the package: check they match its source, so
# that no grading run has to derive them (a stale copy would fall back to a cache).
"$PYTHON" -m deltaspec.spec source --check

# Fail the build, not every student's run, when the weights file is wrong.
if [ -f "$SOURCE/weights.toml" ]; then
    "$PYTHON" -m deltaspec.conformance capabilities --weights "$SOURCE/weights.toml"
else
    "$PYTHON" -m deltaspec.conformance capabilities
fi
