#!/usr/bin/env bash
# Runs the concurrent load test (SoakIT) for minutes instead of CI's 3 seconds: writers, readers
# that verify every batch, and a saboteur sending malformed uploads, all against one server.
# Usage: scripts/soak.sh [SECONDS]   (default 300)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds="${1:-300}"
./mvnw -B -o verify -Dit.test=SoakIT -Dtest=skip -Dsurefire.failIfNoSpecifiedTests=false \
  -Dfailsafe.failIfNoSpecifiedTests=false -Dflightlab.soak.seconds="$seconds"
