#!/usr/bin/env bash
# Loopback TCP against flightlab: iperf3's single-stream throughput on 127.0.0.1, then the issue-5
# rows with `flightlab bench` (server in its own JVM), each row's median as MiB/s and as a ratio
# to the TCP figure. Installs iperf3 from Debian when it is missing (needs root and apt).
#
# Environment: ITERATIONS (default 5), WARMUP (default 20s per row: steady state, see docs/benchmarks.md), ROWS (10000000),
# TCP_SECONDS (10), CLIENT (flightlab or arrow), OUT (bench-out/vs-tcp-<timestamp>).
set -euo pipefail
cd "$(dirname "$0")/.."

iterations=${ITERATIONS:-5}
warmup=${WARMUP:-20s}
rows=${ROWS:-10000000}
tcp_seconds=${TCP_SECONDS:-10}
client=${CLIENT:-flightlab}
out=${OUT:-bench-out/vs-tcp-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"

if ! command -v iperf3 >/dev/null; then
  echo "bench-vs-tcp: installing iperf3 (Debian package)" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iperf3 >/dev/null
fi
if ! command -v python3 >/dev/null; then
  echo "bench-vs-tcp: python3 is needed to read the JSON results" >&2
  exit 2
fi

port=$((20000 + RANDOM % 20000))
iperf3 -s -1 -B 127.0.0.1 -p "$port" >/dev/null 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true' EXIT
sleep 0.5
iperf3 -c 127.0.0.1 -p "$port" -t "$tcp_seconds" -J >"$out/iperf3.json"
wait "$server_pid" 2>/dev/null || true
tcp_mibps=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("%.1f" % (d["end"]["sum_received"]["bits_per_second"]/8/2**20))' "$out/iperf3.json")
echo "loopback TCP (iperf3, 1 stream, ${tcp_seconds}s): ${tcp_mibps} MiB/s" | tee "$out/summary.txt"

./flightlab --version >/dev/null # builds the jar first if needed

# op streams batch_rows target
rows_spec=(
  "get 1 4096 0.65" "put 1 4096 0.65"
  "get 1 65536 0.70" "put 1 65536 0.70"
  "get 4 4096 0.65" "put 4 4096 0.65"
)
printf '%-28s %12s %8s %8s\n' "workload" "MiB/s" "ratio" "target" | tee -a "$out/summary.txt"
for row in "${rows_spec[@]}"; do
  read -r op streams batch target <<<"$row"
  name="$op-${streams}s-${batch}r"
  ./flightlab bench --op "$op" --server-process --client "$client" --schema int64x4 \
    --rows "$rows" --batch-rows "$batch" --streams "$streams" --connections "$streams" \
    --warmup "$warmup" --iterations "$iterations" --quiet \
    --format json --output "$out/$name.json" >"$out/$name.log" 2>&1 || {
      echo "bench-vs-tcp: $name failed, see $out/$name.log" >&2
      continue
    }
  python3 - "$out/$name.json" "$op" "$tcp_mibps" "$target" "$op, $streams stream(s), $batch rows/batch" <<'PY' | tee -a "$out/summary.txt"
import json, sys
path, op, tcp, target, label = sys.argv[1:6]
d = json.load(open(path))
median = d["points"][0]["summary"][op]["ipc_MiBps"]["median"]
ratio = median / float(tcp)
print("%-28s %12.1f %8.2f %8s%s" % (label, median, ratio, ">=" + target, "" if ratio >= float(target) else "  (below target)"))
PY
done
echo "results: $out" >&2
