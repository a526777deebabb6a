#!/usr/bin/env bash
# kill -9 crash test of `flightlab serve --data-dir`, repeated: CrashRecoveryIT's rounds (a child
# server process killed with SIGKILL while four clients put, replace, append and drop, then a
# restart that must show every acknowledged operation and every unacknowledged one whole or
# absent), ROUNDS times within SECONDS.
#
#   scripts/crash-test.sh [ROUNDS] [SECONDS]        defaults: 50 rounds, 1800 s
#
# Extra Maven flags go in MAVEN_FLAGS (default -o, offline). A failure prints the seed; rerun it
# with MAVEN_FLAGS="-o -Dflightlab.crash.seed=SEED".
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${1:-50}"
seconds="${2:-1800}"
cd "$here"
# shellcheck disable=SC2086 # MAVEN_FLAGS is a list of flags
./mvnw -B ${MAVEN_FLAGS--o} verify \
  -Dit.test='CrashRecoveryIT#everyAcknowledgedOperationSurvivesKill9' \
  -Dtest=skip -Dsurefire.failIfNoSpecifiedTests=false -Dspotless.check.skip=true \
  -Dflightlab.crash.rounds="$rounds" -Dflightlab.crash.seconds="$seconds" \
  | grep -E 'CrashRecoveryIT:|Tests run:|FAIL|BUILD|ERROR\]'
