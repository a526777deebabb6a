#!/usr/bin/env bash
# The memory target of issue 5: a `flightlab serve` process stores N bytes of batches uploaded by
# `flightlab bench` (one DoPut of 2 GiB of IPC body by default), then the `clear` action. Prints
# the server's resident memory (VmRSS) empty, holding N and after `clear`, the store's accounted
# direct memory at each step, and the checks: RSS holding N <= 1.15 x N + 150 MB, and the
# store's direct memory after `clear` within 5% of where it started.
#
# Environment: ROWS (67108864 rows of int64x4 = 2 GiB), BATCH_ROWS (65536), OUT
# (bench-out/memory-<timestamp>).
set -euo pipefail
cd "$(dirname "$0")/.."

rows=${ROWS:-67108864}
batch_rows=${BATCH_ROWS:-65536}
out=${OUT:-bench-out/memory-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"

./flightlab --version >/dev/null # builds the jar first if needed
rm -f "$out/port"
./flightlab serve --port 0 --port-file "$out/port" >"$out/server.log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  [ -s "$out/port" ] && break
  sleep 0.1
done
server="grpc://127.0.0.1:$(cat "$out/port")"
# The launcher execs java: the server's pid is the JVM's.

rss_bytes() { awk '/^VmRSS:/ {printf "%.0f\n", $2 * 1024}' "/proc/$server_pid/status"; }
store_bytes() {
  ./flightlab actions stats --server "$server" | python3 -c \
    'import json, sys; print(json.loads(sys.stdin.read())["memory_used_bytes"])'
}

sleep 1
rss_empty=$(rss_bytes)
store_empty=$(store_bytes)
./flightlab bench --op put --server "$server" --schema int64x4 --rows "$rows" \
  --batch-rows "$batch_rows" --warmup 0 --iterations 1 --keep --quiet \
  --format json --output "$out/put.json" >"$out/put.log" 2>&1
sleep 1
rss_full=$(rss_bytes)
store_full=$(store_bytes)
./flightlab actions clear --server "$server" >/dev/null
sleep 1
rss_cleared=$(rss_bytes)
store_cleared=$(store_bytes)

python3 - "$rss_empty" "$store_empty" "$rss_full" "$store_full" "$rss_cleared" "$store_cleared" \
  <<'PY' | tee "$out/summary.txt"
import sys
rss_empty, store_empty, rss_full, n, rss_cleared, store_cleared = (int(float(a)) for a in sys.argv[1:7])
mb = 1e6
limit = 1.15 * n + 150 * mb
print("N (stored IPC body, store's direct memory): %d bytes" % n)
print("server RSS empty:        %9.1f MB   store %d bytes" % (rss_empty / mb, store_empty))
print("server RSS holding N:    %9.1f MB   (%.2f x N; target <= 1.15 x N + 150 MB = %.1f MB: %s)"
      % (rss_full / mb, rss_full / n, limit / mb, "met" if rss_full <= limit else "NOT met"))
ok = abs(store_cleared - store_empty) <= 0.05 * max(n, 1)
print("server RSS after clear:  %9.1f MB   store %d bytes (target: back within 5%% of %d: %s)"
      % (rss_cleared / mb, store_cleared, store_empty, "met" if ok else "NOT met"))
PY
echo "results: $out" >&2
