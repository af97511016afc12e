#!/usr/bin/env bash
# The whole test suite on a fresh machine: venv, install, PostgreSQL, pytest.
# This is the README's test command; .ci/run calls it after the linters.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ ! -x .venv/bin/python ]]; then
    python3 -m venv .venv
fi
# shellcheck disable=SC1091
. .venv/bin/activate
python -m pip install --quiet --upgrade pip
python -m pip install --quiet -e '.[test]'

OPSMANUAL_TEST_PG_URL="$(bash .ci/start-postgres.sh)"
export OPSMANUAL_TEST_PG_URL
# PostgreSQL tests fail rather than skip here: a green run means both backends passed.
export OPSMANUAL_REQUIRE_PG=1

python -m pytest "$@"
