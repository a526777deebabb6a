#!/usr/bin/env bash
# The seed race: the original demo's pyarrow client and server against flightlab's, every pairing
# in fresh processes, interleaved over ROUNDS rounds, and a table of medians with ratios.
#
# Demo rows (the figure is the demo's "Overall Throughput (MB/s)": IPC stream MB = 2^20 bytes over
# the sum of the 100 DoPut call times, 212.54 MB in all):
#   pyarrow client -> pyarrow server        python/seed_client.py -> python/seed_server.py
#   pyarrow client -> flightlab serve       python/seed_client.py -> ./flightlab serve
#   flightlab demo -> pyarrow server        ./flightlab demo --server -> python/seed_server.py
#   flightlab demo -> flightlab serve       ./flightlab demo --server -> ./flightlab serve
#   flightlab demo, embedded                ./flightlab demo
# each with a fresh server (and client) process; and two warm rows: the WARM_RUNS-th pyarrow client
# run in a row against ONE flightlab serve and against ONE pyarrow server (fresh for each round).
#
# Bulk rows: one DoPut or DoGet of BULK_ROWS rows of int64x4 at 4,096 and 65,536 rows per batch,
# cold (fresh server, fresh client): `flightlab bench --op put|get --warmup 0 --iterations 1
# --schema int64x4 --server grpc://...` (puts with --no-batch-latency: no app_metadata per batch,
# as pyarrow sends none) against a fresh `flightlab serve`, and
# `python/seed_client.py --mode bulk` against a fresh python/seed_server.py. The figure is MiB/s
# of the table's 32 bytes a row (2^20), what both send (bench's logical_MiBps, which equals its
# wire body bytes; its ipc_MiBps also counts all-valid bitmaps that it leaves out on the wire).
#
# Ratios: each flightlab row against the pyarrow row of its kind (demo rows against pyarrow client
# -> pyarrow server, warm against warm, bulk against the same op and batch size), and whether each
# meets issue 19's target (embedded demo >= 1.5, the other flightlab rows >= 1.0, none for the
# demo's client against pyarrow's server). A last row gives the median time from launch to
# accepting connections over every fresh `flightlab serve` of the run (target <= 1,500 ms).
#
# The launcher's JVM flags apply (./flightlab demo gets its C1 flags; FLIGHTLAB_JAVA_OPTS replaces
# them). Every process it starts is stopped when it exits, however it exits.
#
# Environment: ROUNDS (default 5), WARM_RUNS (5), BULK_ROWS (10000000), BATCHES (100),
# ROWS_PER_BATCH (131072), OUT (bench-out/seed-race-<UTC timestamp>), ONLY (a bash regular
# expression: run only the rows whose names match it, e.g. ONLY='demo|-> pyarrow server$'; a
# flightlab row's ratio needs its pyarrow row in the same run).
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=${ROUNDS:-5}
warm_runs=${WARM_RUNS:-5}
bulk_rows=${BULK_ROWS:-10000000}
batches=${BATCHES:-100}
rows_per_batch=${ROWS_PER_BATCH:-131072}
out=${OUT:-bench-out/seed-race-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"
results="$out/results.tsv"
: >"$results"

say() { echo "seed-race: $*" >&2; }

# Every background process this script starts, by PID; all stopped on exit.
started=()
stop_all() {
  local pid
  for pid in "${started[@]+"${started[@]}"}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${started[@]+"${started[@]}"}"; do
    wait "$pid" 2>/dev/null || true
  done
  started=()
}
trap 'stop_all' EXIT
trap 'stop_all; exit 130' INT TERM

forget() { # PID: no longer ours to stop
  local kept=() pid
  for pid in "${started[@]+"${started[@]}"}"; do [ "$pid" = "$1" ] || kept+=("$pid"); done
  started=("${kept[@]+"${kept[@]}"}")
}

# Runs a client to its end, in the background so that a signal reaches the traps above at once
# (bash runs a trap only after a foreground command ends). Returns its exit code.
run_client() {
  local pid rc=0
  "$@" &
  pid=$!
  started+=("$pid")
  wait "$pid" || rc=$?
  forget "$pid"
  return "$rc"
}

python="$(scripts/python-env.sh)"
./flightlab --version >/dev/null # builds the jar first if needed

# start_server KIND NAME: starts a flightlab (KIND=flightlab) or pyarrow (KIND=pyarrow) server on a
# free port, logging to $out/NAME.server.log; sets server_pid and server_uri.
start_server() {
  local kind="$1" name="$2" port_file="$out/$2.port" i
  rm -f "$port_file"
  if [ "$kind" = flightlab ]; then
    ./flightlab serve --port 0 --port-file "$port_file" >"$out/$name.server.log" 2>&1 &
  else
    "$python" python/seed_server.py --port 0 --port-file "$port_file" >"$out/$name.server.log" 2>&1 &
  fi
  server_pid=$!
  started+=("$server_pid")
  for i in $(seq 1 300); do
    [ -s "$port_file" ] && break
    kill -0 "$server_pid" 2>/dev/null || { say "$kind server died, see $out/$name.server.log"; return 1; }
    sleep 0.1
  done
  [ -s "$port_file" ] || { say "$kind server did not start in 30 s"; return 1; }
  server_uri="grpc://127.0.0.1:$(tr -d '[:space:]' <"$port_file")"
}

stop_server() {
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  forget "$server_pid"
}

# record ROW ROUND LOG: the demo figure of LOG ("Overall Throughput (MB/s): X MB/s") into results.
record_demo() {
  local row="$1" round="$2" log="$3" value
  value=$(sed -n 's/.*Overall Throughput (MB\/s): \([0-9.]*\) MB\/s.*/\1/p' "$log" | tail -1)
  if [ -z "$value" ] || ! grep -q "Successful do_put operations: $batches of $batches" "$log"; then
    say "$row (round $round) failed, see $log"
    value=failed
  fi
  printf '%s\t%s\t%s\n' "$row" "$round" "$value" >>"$results"
}

pyarrow_client() { # URI LOG
  run_client "$python" python/seed_client.py --server "$1" --batches "$batches" \
    --rows-per-batch "$rows_per_batch" >"$2" 2>&1 || true
}

flightlab_demo() { # URI|"" LOG
  if [ -n "$1" ]; then
    run_client ./flightlab demo --server "$1" --batches "$batches" --rows-per-batch "$rows_per_batch" \
      >"$2" 2>&1 || true
  else
    run_client ./flightlab demo --batches "$batches" --rows-per-batch "$rows_per_batch" >"$2" 2>&1 || true
  fi
}

demo_pair() { # ROW ROUND CLIENT SERVER_KIND
  local row="$1" round="$2" client="$3" kind="$4" name
  name="r$round-${row// /_}"
  name="${name//>/}"
  start_server "$kind" "$name" || { printf '%s\t%s\tfailed\n' "$row" "$round" >>"$results"; return; }
  "$client" "$server_uri" "$out/$name.log"
  stop_server
  record_demo "$row" "$round" "$out/$name.log"
}

run_row() { # ROW ROUND
  local row="$1" round="$2" name i
  case "$row" in
    "pyarrow client -> pyarrow server") demo_pair "$row" "$round" pyarrow_client pyarrow ;;
    "pyarrow client -> flightlab serve") demo_pair "$row" "$round" pyarrow_client flightlab ;;
    "flightlab demo -> pyarrow server") demo_pair "$row" "$round" flightlab_demo pyarrow ;;
    "flightlab demo -> flightlab serve") demo_pair "$row" "$round" flightlab_demo flightlab ;;
    "flightlab demo, embedded")
      name="r$round-demo-embedded"
      flightlab_demo "" "$out/$name.log"
      record_demo "$row" "$round" "$out/$name.log"
      ;;
    "warm: pyarrow client -> one pyarrow server" | "warm: pyarrow client -> one flightlab serve")
      local kind=pyarrow
      [[ "$row" == *flightlab* ]] && kind=flightlab
      name="r$round-warm-$kind"
      start_server "$kind" "$name" || { printf '%s\t%s\tfailed\n' "$row" "$round" >>"$results"; return; }
      for i in $(seq 1 "$warm_runs"); do
        pyarrow_client "$server_uri" "$out/$name-run$i.log"
      done
      stop_server
      record_demo "$row" "$round" "$out/$name-run$warm_runs.log"
      ;;
    bulk:*)
      local op batch impl value
      read -r impl op batch <<<"${row#bulk: }"
      name="r$round-bulk-$impl-$op-$batch"
      if [ "$impl" = flightlab ]; then
        start_server flightlab "$name" || { printf '%s\t%s\tfailed\n' "$row" "$round" >>"$results"; return; }
        # Like for like: pyarrow's do_put sends the batches without app_metadata and reads no acks,
        # so the bench's uploads go without its per-batch sequence numbers (--no-batch-latency),
        # which would have the server acknowledge every batch.
        local like_pyarrow=()
        [ "$op" = put ] && like_pyarrow=(--no-batch-latency)
        run_client ./flightlab bench --op "$op" --warmup 0 --iterations 1 --rows "$bulk_rows" --schema int64x4 \
          --batch-rows "$batch" ${like_pyarrow[@]+"${like_pyarrow[@]}"} --server "$server_uri" --quiet --format json \
          --output "$out/$name.json" >"$out/$name.log" 2>&1 || true
        stop_server
        value=$("$python" -c '
import json, sys
try:
    point = json.load(open(sys.argv[1]))["points"][0]
    print("%.1f" % [p["logical_MiBps"] for it in point["iterations"] for p in it["phases"] if p["phase"] == sys.argv[2]][0])
except Exception:
    print("failed")' "$out/$name.json" "$op")
      else
        start_server pyarrow "$name" || { printf '%s\t%s\tfailed\n' "$row" "$round" >>"$results"; return; }
        run_client "$python" python/seed_client.py --mode bulk --op "$op" --rows "$bulk_rows" --batch-rows "$batch" \
          --server "$server_uri" >"$out/$name.log" 2>&1 || true
        stop_server
        value=$(sed -n 's/^RESULT .* MiBps=\([0-9.]*\)$/\1/p' "$out/$name.log")
        value=${value:-failed}
      fi
      [ "$value" = failed ] && say "$row (round $round) failed, see $out/$name.log"
      printf '%s\t%s\t%s\n' "$row" "$round" "$value" >>"$results"
      ;;
  esac
}

rows_spec=(
  "pyarrow client -> pyarrow server"
  "pyarrow client -> flightlab serve"
  "flightlab demo -> pyarrow server"
  "flightlab demo -> flightlab serve"
  "flightlab demo, embedded"
  "warm: pyarrow client -> one pyarrow server"
  "warm: pyarrow client -> one flightlab serve"
)
for op in put get; do
  for batch in 4096 65536; do
    rows_spec+=("bulk: pyarrow $op $batch" "bulk: flightlab $op $batch")
  done
done
if [ -n "${ONLY:-}" ]; then
  kept=()
  for row in "${rows_spec[@]}"; do
    if [[ "$row" =~ $ONLY ]]; then kept+=("$row"); fi
  done
  [ ${#kept[@]} -gt 0 ] || { say "ONLY='$ONLY' matches no row"; exit 2; }
  rows_spec=("${kept[@]}")
fi

{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "command: ROUNDS=$rounds WARM_RUNS=$warm_runs BULK_ROWS=$bulk_rows BATCHES=$batches ROWS_PER_BATCH=$rows_per_batch${ONLY:+ ONLY='$ONLY'} scripts/seed-race.sh"
  echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1)"
  echo "java: $(java -version 2>&1 | head -1)"
  echo "pyarrow: $("$python" -c 'import pyarrow; print(pyarrow.__version__)')"
  echo "flightlab: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/machine.txt" >&2

# Rounds outermost, each round starting one row further on, so that a slow spell of the machine
# and a row's place in the round touch every row alike.
n=${#rows_spec[@]}
for round in $(seq 1 "$rounds"); do
  for k in $(seq 0 $((n - 1))); do
    row="${rows_spec[$(((k + round - 1) % n))]}"
    say "round $round/$rounds: $row"
    run_row "$row" "$round"
  done
done

sizes="ROUNDS=$rounds WARM_RUNS=$warm_runs BULK_ROWS=$bulk_rows BATCHES=$batches ROWS_PER_BATCH=$rows_per_batch"
"$python" - "$results" "$out" "$sizes" "${rows_spec[@]}" <<'PY' | tee "$out/summary.md"
import glob, re, statistics, sys
results, out, sizes, rows = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
values = {}
for line in open(results):
    row, _, value = line.rstrip("\n").split("\t")
    values.setdefault(row, []).append(value)

def median(row):
    ok = [float(v) for v in values.get(row, []) if v != "failed"]
    return statistics.median(ok) if ok else None

def reference(row):
    if row.startswith("bulk: flightlab"):
        return row.replace("flightlab", "pyarrow")
    if row.startswith("warm:") and "flightlab" in row:
        return "warm: pyarrow client -> one pyarrow server"
    if row.startswith("flightlab") or row == "pyarrow client -> flightlab serve":
        return "pyarrow client -> pyarrow server"
    return None

# Issue 19's targets: each flightlab row's ratio to its pyarrow row (none for the demo's client
# against pyarrow's server, which the issue does not set one for).
def target(row):
    if row == "flightlab demo, embedded":
        return 1.5
    if row == "flightlab demo -> pyarrow server" or reference(row) is None:
        return None
    return 1.0

def verdict(ok):
    return "met" if ok else "**not met**"

print("| pairing | unit | median | ratio | target | runs |")
print("|---|---|---:|---:|---|---|")
for row in rows:
    m = median(row)
    ref = reference(row)
    ratio = ""
    goal = ""
    if ref and m is not None and median(ref):
        r = m / median(ref)
        ratio = "%.2f" % r
        if target(row) is not None:
            goal = ">= %.1f: %s" % (target(row), verdict(r >= target(row)))
    elif target(row) is not None:
        goal = ">= %.1f: no figure" % target(row)
    label = row
    unit = "MB/s (demo)"
    if row.startswith("bulk: "):
        impl, op, batch = row[len("bulk: "):].split()
        label = ("flightlab bench" if impl == "flightlab" else "pyarrow") + \
            f" {'do_put' if op == 'put' else 'do_get'}, {int(batch):,} rows/batch"
        unit = "MiB/s"
    runs = ", ".join(values.get(row, []))
    print(f"| {label} | {unit} | {'%.1f' % m if m is not None else 'failed'} | {ratio} | {goal} | {runs} |")

# Every fresh `flightlab serve` of the run logs how long after launch it accepted connections.
starts = []
for log in sorted(glob.glob(out + "/r*.server.log")):
    found = re.search(r"Accepting connections (\d+) ms after launch", open(log, errors="replace").read())
    if found:
        starts.append(int(found.group(1)))
if starts:
    m = statistics.median(starts)
    print(f"| flightlab serve: launch to accepting connections ({len(starts)} starts) | ms | {m:.0f} | "
          f"| <= 1500: {verdict(m <= 1500)} | {min(starts)}-{max(starts)} |")
ISSUE_SIZES = "ROUNDS=5 WARM_RUNS=5 BULK_ROWS=10000000 BATCHES=100 ROWS_PER_BATCH=131072"
if sizes != ISSUE_SIZES:
    print()
    print(f"The targets are issue 19's, set for {ISSUE_SIZES}; this run used {sizes}.")
PY
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/machine.txt" >&2
say "results: $out"
