#!/usr/bin/env bash
# DoExchange against DoPut + DoGet of the same data, on one fresh `flightlab serve`, interleaved:
# every round runs put, get and exchange with flightlab's client, then exchange with Arrow Java's
# client, each a fresh `flightlab bench` JVM. Prints each run's median ipc MiB/s, the medians over
# the rounds, and exchange time / (put time + get time) = (1/E) / (1/P + 1/G) per client (bytes
# count once per round trip, so that ratio is 1.0 when an exchange costs exactly a put plus a get).
#
# Environment: ROUNDS (default 3), ITERATIONS (5), WARMUP (10s), ROWS (10000000), BATCH_ROWS
# (65536), SCHEMA (int64x4), OUT (bench-out/exchange-<timestamp>).
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=${ROUNDS:-3}
iterations=${ITERATIONS:-5}
warmup=${WARMUP:-10s}
rows=${ROWS:-10000000}
batch_rows=${BATCH_ROWS:-65536}
schema=${SCHEMA:-int64x4}
out=${OUT:-bench-out/exchange-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"

./flightlab --version >/dev/null # builds the jar first if needed

./flightlab serve --port 0 --port-file "$out/port" >"$out/serve.log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  [[ -s "$out/port" ]] && break
  sleep 0.1
done
port=$(cat "$out/port")
echo "server: grpc://127.0.0.1:$port (pid $server_pid); load: $(cut -d' ' -f1-3 /proc/loadavg)"

runs=("put flightlab" "get flightlab" "exchange flightlab" "exchange arrow")
for round in $(seq "$rounds"); do
  for run in "${runs[@]}"; do
    read -r op client <<<"$run"
    json="$out/$op-$client-$round.json"
    ./flightlab bench --server "grpc://127.0.0.1:$port" --op "$op" --client "$client" \
      --schema "$schema" --rows "$rows" --batch-rows "$batch_rows" --warmup "$warmup" \
      --iterations "$iterations" -q -o "$json"
    python3 - "$json" "$op" "$client" "$round" <<'PY'
import json, sys
path, op, client, rnd = sys.argv[1:]
median = json.load(open(path))["points"][0]["summary"][op]["ipc_MiBps"]["median"]
print(f"round {rnd}  {op:8s} --client {client:9s} {median:8.0f} MiB/s", flush=True)
PY
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$out" "$rounds" <<'PY'
import json, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
def med(op, client):
    values = [json.load(open(f"{out}/{op}-{client}-{r}.json"))["points"][0]["summary"][op]["ipc_MiBps"]["median"]
              for r in range(1, rounds + 1)]
    return statistics.median(values), values
p, pv = med("put", "flightlab")
g, gv = med("get", "flightlab")
print()
print("| run | median ipc MiB/s | per round | exchange time / (put + get) |")
print("|---|---:|---|---:|")
print(f"| put (flightlab client) | {p:,.0f} | {', '.join(f'{v:,.0f}' for v in pv)} | |")
print(f"| get (flightlab client) | {g:,.0f} | {', '.join(f'{v:,.0f}' for v in gv)} | |")
for client in ("flightlab", "arrow"):
    e, ev = med("exchange", client)
    ratio = (1 / e) / (1 / p + 1 / g)
    print(f"| exchange (--client {client}) | {e:,.0f} | {', '.join(f'{v:,.0f}' for v in ev)} | {ratio:.2f} |")
PY
