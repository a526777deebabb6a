#!/usr/bin/env bash
# Loopback TCP against flightlab: iperf3's single-stream throughput on 127.0.0.1, then the issue-5
# rows with `flightlab bench` (server in its own JVM), each row's median as MiB/s and as a ratio
# to the TCP figure. Installs iperf3 from Debian when it is missing (needs root and apt).
#
# Two JVMs on a shared two-core machine land in different steady states from run to run (which
# thread shares a core with which, what the JIT compiled): one process pair's median can sit 20%
# off the next one's. So every row runs in FORKS fresh process pairs (as JMH forks), ITERATIONS
# measured iterations each after WARMUP; the row's figure is the median of all those iterations,
# and each fork's own median is printed beside it. The machine's speed drifts too (loopback TCP
# read 1,430 and 2,170 MiB/s an hour apart on one machine), so iperf3 runs TCP_RUNS times before
# each fork's rows, not only once at the start: the TCP figure is the median of all those runs,
# and each fork's TCP median is printed beside it.
#
# Environment: FORKS (default 3), ITERATIONS (5), WARMUP (45s per fork: steady state, see
# docs/benchmarks.md), ROWS (10000000), TCP_SECONDS (10), TCP_RUNS (1 per fork), CLIENT
# (flightlab or arrow), OUT (bench-out/vs-tcp-<timestamp>).
set -euo pipefail
cd "$(dirname "$0")/.."

forks=${FORKS:-3}
iterations=${ITERATIONS:-5}
warmup=${WARMUP:-45s}
rows=${ROWS:-10000000}
tcp_seconds=${TCP_SECONDS:-10}
tcp_runs=${TCP_RUNS:-1}
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

# One iperf3 run of tcp_seconds into $out/iperf3-<fork>-<run>.json.
tcp_run() {
  local port server_pid
  port=$((20000 + RANDOM % 20000))
  iperf3 -s -1 -B 127.0.0.1 -p "$port" >/dev/null 2>&1 &
  server_pid=$!
  trap 'kill "$server_pid" 2>/dev/null || true' EXIT
  sleep 0.5
  if ! iperf3 -c 127.0.0.1 -p "$port" -t "$tcp_seconds" -J >"$out/iperf3-$1-$2.json"; then
    echo "bench-vs-tcp: iperf3 run $1-$2 failed" >&2
    kill "$server_pid" 2>/dev/null || true
  fi
  wait "$server_pid" 2>/dev/null || true
  trap - EXIT
}

./flightlab --version >/dev/null # builds the jar first if needed

# op streams batch_rows target
rows_spec=(
  "get 1 4096 0.65" "put 1 4096 0.65"
  "get 1 65536 0.70" "put 1 65536 0.70"
  "get 4 4096 0.65" "put 4 4096 0.65"
)
# Forks outermost, so that a slow spell of the machine touches every row alike.
for fork in $(seq 1 "$forks"); do
  for run in $(seq 1 "$tcp_runs"); do
    echo "bench-vs-tcp: fork $fork/$forks: iperf3 run $run/$tcp_runs" >&2
    tcp_run "$fork" "$run"
  done
  for row in "${rows_spec[@]}"; do
    read -r op streams batch target <<<"$row"
    name="$op-${streams}s-${batch}r-fork$fork"
    echo "bench-vs-tcp: fork $fork/$forks: $op, $streams stream(s), $batch rows/batch" >&2
    ./flightlab bench --op "$op" --server-process --client "$client" --schema int64x4 \
      --rows "$rows" --batch-rows "$batch" --streams "$streams" --connections "$streams" \
      --warmup "$warmup" --iterations "$iterations" --quiet \
      --format json --output "$out/$name.json" >"$out/$name.log" 2>&1 ||
      echo "bench-vs-tcp: $name failed, see $out/$name.log" >&2
  done
done

tcp_mibps=$(python3 - "$out" "$forks" "$tcp_runs" <<'PY'
import json, statistics, sys
out, forks, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
all_rates, fork_medians = [], []
for fork in range(1, forks + 1):
    rates = []
    for run in range(1, runs + 1):
        path = f"{out}/iperf3-{fork}-{run}.json"
        try:
            rates.append(json.load(open(path))["end"]["sum_received"]["bits_per_second"] / 8 / 2**20)
        except (OSError, KeyError, ValueError):
            pass
    if rates:
        all_rates += rates
        fork_medians.append(statistics.median(rates))
if not all_rates:
    sys.exit("bench-vs-tcp: no iperf3 run succeeded")
print("%.1f" % statistics.median(all_rates))
print("iperf3 fork medians: " + ", ".join("%.1f" % r for r in fork_medians), file=sys.stderr)
PY
)
echo "loopback TCP (iperf3, 1 stream, ${tcp_seconds}s, median of ${tcp_runs} run(s) before each of ${forks} forks): ${tcp_mibps} MiB/s" \
  | tee "$out/summary.txt"
printf '%-36s %9s %7s %8s  %s\n' "workload" "MiB/s" "ratio" "target" "fork medians" \
  | tee -a "$out/summary.txt"
for row in "${rows_spec[@]}"; do
  read -r op streams batch target <<<"$row"
  python3 - "$out" "$op-${streams}s-${batch}r" "$forks" "$op" "$tcp_mibps" "$target" \
    "$op, $streams stream(s), $batch rows/batch" <<'PY' | tee -a "$out/summary.txt"
import json, os, statistics, sys
out, name, forks, op, tcp, target, label = sys.argv[1:8]
all_rates, fork_medians = [], []
for fork in range(1, int(forks) + 1):
    path = f"{out}/{name}-fork{fork}.json"
    if not os.path.exists(path):
        continue
    point = json.load(open(path))["points"][0]
    rates = [p["ipc_MiBps"] for it in point["iterations"] for p in it["phases"] if p["phase"] == op]
    all_rates += rates
    fork_medians.append(statistics.median(rates))
if not all_rates:
    print("%-36s %9s" % (label, "failed"))
    sys.exit(0)
median = statistics.median(all_rates)
ratio = median / float(tcp)
print("%-36s %9.1f %7.2f %8s  %s%s" % (
    label, median, ratio, ">=" + target, ", ".join("%.0f" % m for m in fork_medians),
    "" if ratio >= float(target) else "  (below target)"))
PY
done
echo "results: $out" >&2
