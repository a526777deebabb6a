#!/usr/bin/env bash
# Runs the limit tests of LimitsIT at the sizes of issue 17 instead of CI's small ones: three
# concurrent 600 MiB uploads against --memory-limit 256m, 100 DoExchanges that never read (64 MiB
# sent each), 2,000 idle connections against the default --max-connections 1024 and a 5 s
# --idle-timeout. Server and clients share one JVM. Prints one "limits-scale:" line per run with
# its figures (store peak, threads, RSS, time). Takes a few minutes.
# Usage: scripts/limits-scale.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./mvnw -B -o verify -Dit.test='LimitsIT#concurrentUploads*+exchangesThatNeverRead*+manyIdleConnections*' \
  -Dtest=skip -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false \
  -Dflightlab.limits.scale=full -Dspotless.check.skip=true | tee target/limits-scale.log \
  | grep -E '^limits-scale:|Tests run:|FAIL' || true
grep -q '^limits-scale:' target/limits-scale.log
! grep -q 'FAILURE' target/limits-scale.log
