#!/usr/bin/env bash
# Durable datasets, measured (docs/benchmarks.md, "Durable datasets"):
#   put      DoPut throughput against a `flightlab serve --data-dir` and a memory-only one, same
#            run, alternating, at 4,096 and 65,536 rows/batch (bench --op put --server ...);
#   get      DoGet of a 1 GiB dataset from a --memory-limit 256m server with --data-dir (built by
#            8 appends of 128 MiB), beside the same dataset from a memory-only server;
#   startup  start-up time of a --data-dir server vs what the directory holds: 1, 10 and 100
#            datasets of 1 MiB, one dataset of 100 MiB and of 4 GiB; page cache warm, then cold
#            when /proc/sys/vm/drop_caches can be written (root).
#
#   scripts/bench-durable.sh [put] [get] [startup]        (default: all three)
#
# Environment: OUT (bench-out/durable-<timestamp>), the data dirs go under $OUT/data (deleted at
# the end unless KEEP=1). Servers are started and stopped by this script only (by pid).
set -euo pipefail
cd "$(dirname "$0")/.."

out=${OUT:-bench-out/durable-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"
out=$(cd "$out" && pwd)
data="$out/data"
parts=("$@")
[ ${#parts[@]} -eq 0 ] && parts=(put get startup)
./flightlab --version >/dev/null # builds the jar first if needed
# A copy: a source edit during the run would otherwise rebuild the jar under running servers.
cp target/flightlab.jar "$out/flightlab.jar"
flightlab() { java ${FLIGHTLAB_JAVA_OPTS:-} -jar "$out/flightlab.jar" "$@"; }

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ "${KEEP:-0}" = 1 ] || rm -rf "$data"
}
trap cleanup EXIT

# start_server NAME ARGS...: sets server_url, server_pid, server_ms (launch to listening).
start_server() {
  local name=$1
  shift
  rm -f "$out/$name.port"
  local t0
  t0=$(date +%s%N)
  java ${FLIGHTLAB_JAVA_OPTS:-} -jar "$out/flightlab.jar" serve --port 0 --port-file "$out/$name.port" \
    "$@" >"$out/$name.log" 2>&1 &
  server_pid=$!
  pids+=("$server_pid")
  for _ in $(seq 1 3000); do
    [ -s "$out/$name.port" ] && break
    sleep 0.02
  done
  server_ms=$((($(date +%s%N) - t0) / 1000000))
  server_url="grpc://127.0.0.1:$(cat "$out/$name.port")"
}
stop_server() {
  kill "$1"
  wait "$1" 2>/dev/null || true
}
median() { grep -m1 'throughput   median' "$1" | sed -E 's/.*median ([0-9.,]+ MB\/s).*/\1/'; }
stats() { flightlab actions stats --server "$1"; }

for part in "${parts[@]}"; do
  case $part in
  put)
    echo "== DoPut, 10,000,000 rows of int64x4 (320 MB of IPC body) per iteration, 10 s warm-up, 5 iterations"
    start_server put-memory
    mem_url=$server_url mem_pid=$server_pid
    start_server put-durable --data-dir "$data/put"
    dur_url=$server_url dur_pid=$server_pid
    for rows in 4096 65536; do
      for round in 1 2; do
        for kind in memory durable; do
          url=$mem_url
          [ "$kind" = durable ] && url=$dur_url
          f="$out/put-$kind-$rows-$round.txt"
          flightlab bench --op put --server "$url" --schema int64x4 --rows 10000000 \
            --batch-rows "$rows" --warmup 10s --iterations 5 --quiet >"$f" 2>&1
          printf '%-8s batch-rows %6d round %d: median %s\n' "$kind" "$rows" "$round" "$(median "$f")"
        done
      done
    done
    stop_server "$mem_pid"
    stop_server "$dur_pid"
    ;;
  get)
    echo "== DoGet of a 1 GiB dataset (8 appends of 128 MiB of int64x4)"
    start_server get-helper
    flightlab bench --op put --server "$server_url" --rows 4194304 --warmup 0 --iterations 1 \
      --keep --path-prefix /part --quiet >/dev/null 2>&1
    flightlab get /part/put-0 --server "$server_url" --output "$out/part.arrows" >/dev/null
    stop_server "$server_pid"
    start_server get-durable --memory-limit 256m --data-dir "$data/get"
    dur_url=$server_url dur_pid=$server_pid
    start_server get-memory
    mem_url=$server_url mem_pid=$server_pid
    for url in "$dur_url" "$mem_url"; do
      for _ in 1 2 3 4 5 6 7 8; do
        flightlab put "$out/part.arrows" /big --mode append --server "$url" >/dev/null
      done
    done
    echo "durable server (--memory-limit 256m) stats: $(stats "$dur_url")"
    for round in 1 2; do
      for kind in durable memory; do
        url=$mem_url
        [ "$kind" = durable ] && url=$dur_url
        f="$out/get-$kind-$round.txt"
        flightlab bench --op get --dataset /big --server "$url" --warmup 3 --iterations 5 \
          --quiet >"$f" 2>&1
        printf '%-8s round %d: median %s\n' "$kind" "$round" "$(median "$f")"
      done
    done
    echo "durable server stats after: $(stats "$dur_url")"
    stop_server "$dur_pid"
    stop_server "$mem_pid"
    ;;
  startup)
    echo "== start-up of a --data-dir server vs what it holds (ms: store load / of it CRC32C checks / launch to listening)"
    start_server fill --data-dir "$data/n100"
    flightlab bench --op put --server "$server_url" --rows 32768 --streams 100 --warmup 0 \
      --iterations 1 --keep --path-prefix /n --quiet >/dev/null 2>&1
    stop_server "$server_pid"
    start_server fill --data-dir "$data/n10"
    flightlab bench --op put --server "$server_url" --rows 32768 --streams 10 --warmup 0 \
      --iterations 1 --keep --path-prefix /n --quiet >/dev/null 2>&1
    stop_server "$server_pid"
    start_server fill --data-dir "$data/n1"
    flightlab bench --op put --server "$server_url" --rows 32768 --streams 1 --warmup 0 \
      --iterations 1 --keep --path-prefix /n --quiet >/dev/null 2>&1
    stop_server "$server_pid"
    start_server fill --data-dir "$data/mb100"
    flightlab bench --op put --server "$server_url" --rows 3276800 --warmup 0 \
      --iterations 1 --keep --path-prefix /one --quiet >/dev/null 2>&1
    stop_server "$server_pid"
    if [ ! -f "$out/part.arrows" ]; then
      start_server get-helper
      flightlab bench --op put --server "$server_url" --rows 4194304 --warmup 0 \
        --iterations 1 --keep --path-prefix /part --quiet >/dev/null 2>&1
      flightlab get /part/put-0 --server "$server_url" --output "$out/part.arrows" >/dev/null
      stop_server "$server_pid"
    fi
    start_server fill --data-dir "$data/gb4"
    for _ in $(seq 1 32); do
      flightlab put "$out/part.arrows" /four --mode append --server "$server_url" >/dev/null
    done
    stop_server "$server_pid"
    # Each run: load as logged / of it, checking CRC32Cs / launch to listening, in ms.
    load_figures() {
      grep -o 'in [0-9]* ms ([0-9]* ms of it' "$1" | sed -E 's/in ([0-9]+) ms \(([0-9]+) ms of it/\1\/\2/'
    }
    for d in n1 n10 n100 mb100 gb4; do
      du=$(du -sh "$data/$d/datasets" | cut -f1)
      runs=""
      for _ in 1 2 3 4 5; do
        start_server "startup-$d" --data-dir "$data/$d"
        runs="$runs $(load_figures "$out/startup-$d.log")/$server_ms"
        stop_server "$server_pid"
      done
      cold="-"
      if sync && echo 3 >/proc/sys/vm/drop_caches 2>/dev/null; then
        start_server "startup-$d" --data-dir "$data/$d"
        cold="$(load_figures "$out/startup-$d.log")/$server_ms"
        stop_server "$server_pid"
      fi
      line=$(grep -o 'loaded [0-9]* datasets ([0-9]* rows, [0-9]* bytes in [0-9]* segment files' "$out/startup-$d.log")
      printf '%-6s %6s on disk, %s: page cache warm%s; cold %s\n' "$d" "$du" "$line" "$runs" "$cold"
    done
    ;;
  *)
    echo "unknown part '$part' (put, get, startup)" >&2
    exit 2
    ;;
  esac
done
echo "raw output in $out"
