#!/usr/bin/env bash
# Trains the launcher's class-data archives (target/jvm-cache/, see ./flightlab): runs each command
# family once, through the launcher with FLIGHTLAB_JVM_CACHE=record, on the JDK the launcher would
# use (JAVA_HOME, else java), with real traffic on loopback:
#   serve   a `flightlab serve` taking the original demo's flow, bench uploads and downloads of
#           int64x4 and strings, and a DoExchange, then stopped with SIGTERM (the archive is
#           written as it exits);
#   client  the `flightlab bench` that sent the uploads and downloads (bench and the client
#           commands use its archive);
#   demo    `flightlab demo` with its embedded server.
# `./mvnw package` runs it after building the jar (-Dflightlab.jvmCache.skip=true skips it); run it
# by hand after switching JDKs. Its output goes to target/jvm-cache/train.log; one line here.
# Nothing it sends is timed or reported: the figures of the runs it makes are thrown away.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/target/jvm-cache"
case "$root" in
  *[[:space:]]*)
    echo "train-jvm-cache: skipped: the launcher uses no archive under a path with blanks ($root)"
    exit 0
    ;;
esac
mkdir -p "$out"
# Archives of other JDKs stay (each is named by its JDK); the launcher replaces this JDK's.
stamp="$out/train.stamp"
rm -f "$out/train.log"
touch "$stamp"
log="$out/train.log"
export FLIGHTLAB_NO_BUILD=1
launcher="$root/flightlab"
started=$(date +%s%N)

server_pid=""
stop_server() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}
trap stop_server EXIT

fail() {
  echo "train-jvm-cache: $* (see $log)" >&2
  tail -n 20 "$log" >&2 || true
  exit 1
}

port_file="$out/serve.port"
rm -f "$port_file"
FLIGHTLAB_JVM_CACHE=record "$launcher" serve --host 127.0.0.1 --port 0 --port-file "$port_file" \
  >>"$log" 2>&1 &
server_pid=$!
for _ in $(seq 1 300); do
  [ -s "$port_file" ] && break
  kill -0 "$server_pid" 2>/dev/null || fail "flightlab serve exited before listening"
  sleep 0.1
done
[ -s "$port_file" ] || fail "flightlab serve did not listen within 30 s"
server="grpc://127.0.0.1:$(tr -d '[:space:]' <"$port_file")"

run() { # LABEL CACHE_MODE ARGS...: one launcher run against the server
  local label=$1 mode=$2
  shift 2
  echo "== $label: flightlab $*" >>"$log"
  FLIGHTLAB_JVM_CACHE=$mode "$launcher" "$@" >>"$log" 2>&1 || fail "$label failed"
}
# The client archive: one bench JVM that uploads and downloads (roundtrip) int64x4 and strings.
run client record bench --server "$server" --op roundtrip --schema 'int64x3,utf8' --rows 400000 \
  --batch-rows 65536 --warmup 0 --iterations 2
# More traffic for the server's archive, from JVMs that record nothing.
run demo-client off demo --server "$server"
run exchange off bench --server "$server" --op exchange --rows 200000 --batch-rows 65536 \
  --warmup 0 --iterations 1
stop_server
run demo record demo

written=$(cd "$out" && find . -maxdepth 1 \( -name '*.jsa' -o -name '*.aot' \) -newer "$stamp" |
  sed 's#^\./##' | sort | tr '\n' ' ')
count=$(echo "$written" | wc -w)
[ "$count" -eq 3 ] || fail "expected 3 archives, found $count ($written)"
echo "train-jvm-cache: 3 archives in $((($(date +%s%N) - started) / 1000000)) ms: $written"
