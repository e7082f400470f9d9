#!/usr/bin/env bash
# PrairieLearn's entrypoint for an externally graded deltaspec question: it grades the
# student's files in /grade/student and writes /grade/results/results.json.
#
# Put it in the course at serverFilesCourse/deltaspec/run.sh; the question's info.json
# (see info.json beside this file) names it as the entrypoint, and the question's
# tests/weights.toml holds its points. Every path can be overridden from the environment.
set -u
GRADE="${GRADE_ROOT:-/grade}"
STUDENT="${STUDENT_DIR:-$GRADE/student}"
RESULTS="${RESULTS_FILE:-$GRADE/results/results.json}"
WEIGHTS="${WEIGHTS_FILE:-$GRADE/tests/weights.toml}"
PROFILE="${DELTASPEC_PROFILE:-quick}"
TIMEOUT="${DELTASPEC_TIMEOUT:-100}"       # seconds; below info.json's externalGradingOptions.timeout
PYTHON="${PYTHON:-python3}"

rm -f "$RESULTS"
args=(-m deltaspec.conformance run "$STUDENT" --prairielearn "$RESULTS" --profile "$PROFILE" --timeout "$TIMEOUT")
if [ -f "$WEIGHTS" ]; then args+=(--weights "$WEIGHTS"); fi
cd "$(mktemp -d)" || exit 1
"$PYTHON" "${args[@]}"
status=$?

if [ ! -s "$RESULTS" ]; then   # the last line of defence, if Python itself could not run
    mkdir -p "$(dirname "$RESULTS")"
    printf '{"gradable": true, "score": 0, "message": "The grader could not run (exit status %s), so this submission scores 0. Please tell your instructor.", "tests": []}\n' "$status" > "$RESULTS"
fi
exit 0
