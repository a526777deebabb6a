"""The original demo's pyarrow client, and a bulk DoPut/DoGet timer, against any Flight server.

Usage:
  python seed_client.py [--server grpc://127.0.0.1:50051] [--batches 100] [--rows-per-batch 131072]
  python seed_client.py --mode bulk --op put|get [--server URI] [--rows 10000000] [--batch-rows 65536]

--mode demo (the default) is the original client, as `flightlab demo` re-implements it: upload
/my_app/user_sessions and /reports/daily_sales with FlightDescriptor.for_path, list flights
(joining path segments with "/"), fetch /reports/daily_sales with Ticket(b"/reports/daily_sales"),
then time BATCHES DoPuts of ROWS_PER_BATCH rows of (event_id int64, event_type utf8 "event") to
/benchmark/batch_{i} and log the original's metrics block. Its lines are flightlab demo's. Bytes
are each table's Arrow IPC stream as pyarrow writes it (212.54 MB for the default 100 x 131,072
rows), MB = 2^20 bytes, time = the sum of per-call times from opening the DoPut until
writer.close() returns with the server's final status; table generation is not timed.

--mode bulk moves one table of ROWS rows of four int64 columns (int64x4, 32 bytes a row, no nulls)
in batches of BATCH_ROWS rows, with one DoPut (--op put) or one DoGet (--op get, after an untimed
DoPut of the same table) to /seed/int64x4, and prints its MiB/s: IPC body bytes (2^20) per second
from opening the call to its end, the figure `flightlab bench` prints as ipc_MiBps. Its last line is
"RESULT op=... rows=... batch_rows=... batches=... body_bytes=... seconds=... MiBps=...".

Exit code 0 on success, 1 when a call failed.
"""

import argparse
import array
import logging
import sys
import time

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.flight as flight

MIB = 1024 * 1024
log = logging.getLogger("seed_client")


def user_sessions():
    now = time.time()
    return pa.table(
        {
            "user_id": pa.array([1, 2, 3], pa.int64()),
            "event": pa.array(["login", "logout", "purchase"], pa.utf8()),
            "timestamp": pa.array([now - 100, now - 50, now], pa.float64()),
        }
    )


def daily_sales():
    return pa.table(
        {
            "product_category": pa.array(["A", "B"], pa.utf8()),
            "revenue": pa.array([150.75, 200.0], pa.float32()),
        }
    )


def benchmark_table(index, rows):
    first = index * rows
    return pa.table(
        {
            "event_id": pa.array(range(first, first + rows), pa.int64()),
            "event_type": pa.array(["event"] * rows, pa.utf8()),
        }
    )


def ipc_stream_bytes(table):
    sink = pa.MockOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.size()


def put(client, path, table):
    writer, _ = client.do_put(flight.FlightDescriptor.for_path(path), table.schema)
    writer.write_table(table)
    writer.close()


def schema_line(schema):
    return ", ".join(f"{field.name}: {field.type}" for field in schema)


def run_demo(client, server, batches, rows):
    log.info("Flight client initialized, connecting to %s", server)
    for path, table in (("/my_app/user_sessions", user_sessions()), ("/reports/daily_sales", daily_sales())):
        log.info("Created table for '%s' with %d rows.", path, table.num_rows)
        put(client, path, table)

    log.info("Now calling list_flights to see what's available...")
    flights = list(client.list_flights())
    for info in flights:
        log.info("  Found Flight: '%s'", "/".join(p.decode() for p in info.descriptor.path))
        log.info("    Schema: %s", schema_line(info.schema))
        log.info("    Total records: %d", info.total_records)
        log.info("    Total bytes: %d", info.total_bytes)
        for endpoint in info.endpoints:
            log.info("    Endpoint: [%s]", ", ".join(loc.uri.decode() for loc in endpoint.locations))
    log.info("Successfully listed %d flights.", len(flights))

    sales = client.do_get(flight.Ticket(b"/reports/daily_sales")).read_all()
    log.info("Successfully retrieved %d rows from '/reports/daily_sales'.", sales.num_rows)
    log.info("  %s", "\t".join(sales.column_names))
    for row in sales.to_pylist():
        log.info("  %s", "\t".join(str(v) for v in row.values()))

    log.info("Starting benchmark: %d do_put operations of %s rows each to /benchmark/batch_{i}...",
             batches, f"{rows:,}")
    total_bytes = 0
    put_seconds = 0.0
    ok = 0
    loop_start = time.perf_counter()
    for i in range(batches):
        path = f"/benchmark/batch_{i}"
        table = benchmark_table(i, rows)
        size = ipc_stream_bytes(table)
        try:
            start = time.perf_counter()
            put(client, path, table)
            put_seconds += time.perf_counter() - start
        except (flight.FlightError, pa.ArrowException) as e:
            log.error("do_put to '%s' failed: %s", path, e)
            continue
        total_bytes += size
        ok += 1
    loop_seconds = time.perf_counter() - loop_start
    mb = total_bytes / MIB
    log.info("--- Overall Performance Metrics (Benchmark do_put operations) ---")
    log.info("Total data sent (benchmark): %.2f MB", mb)
    log.info("Total time spent in do_put calls: %.4f seconds", put_seconds)
    log.info("Successful do_put operations: %d of %d", ok, batches)
    log.info("Overall Throughput (MB/s): %.2f MB/s", mb / put_seconds if put_seconds > 0 else 0.0)
    log.info("Overall Rate (DoPut ops/sec): %.2f ops/sec", ok / put_seconds if put_seconds > 0 else 0.0)
    log.info("Total benchmark loop wall-clock time: %.4f seconds", loop_seconds)
    log.info(
        "Counted: bytes = each table's Arrow IPC stream size as pyarrow writes it (schema, record batch,"
        " end marker), MB = 2^20 bytes; time = sum of per-call times from opening the DoPut to the"
        " server's final status (writer.close()); pyarrow %s, no JIT to warm.",
        pa.__version__,
    )
    return 0 if ok == batches else 1


def int64x4(rows):
    """Four int64 columns of distinct values, each in its own buffer, no nulls."""
    ids = array.array("q", range(rows))
    base = pa.Array.from_buffers(pa.int64(), rows, [None, pa.py_buffer(ids)])
    columns = [base] + [pc.add(pc.multiply(base, k + 2), k) for k in range(3)]
    return pa.table({f"c{k}": c for k, c in enumerate(columns)})


def run_bulk(client, op, rows, batch_rows, path):
    table = int64x4(rows)
    batches = table.to_batches(max_chunksize=batch_rows)
    body_bytes = rows * 32
    descriptor = flight.FlightDescriptor.for_path(path)

    def upload():
        writer, _ = client.do_put(descriptor, table.schema)
        for batch in batches:
            writer.write_batch(batch)
        writer.close()

    if op == "put":
        start = time.perf_counter()
        upload()
        seconds = time.perf_counter() - start
        moved = rows
    else:
        upload()
        start = time.perf_counter()
        reader = client.do_get(flight.Ticket(path.encode()))
        moved = 0
        for chunk in reader:
            moved += chunk.data.num_rows
        seconds = time.perf_counter() - start
        if moved != rows:
            print(f"seed_client: do_get returned {moved} rows, expected {rows}", file=sys.stderr)
            return 1
    mibps = body_bytes / MIB / seconds
    call = "do_put" if op == "put" else "do_get"
    print(f"pyarrow {pa.__version__} {call}: {moved:,} rows (int64x4) in {len(batches)} batches of "
          f"{batch_rows:,} rows, {body_bytes:,} IPC body bytes ({body_bytes / MIB:.2f} MiB) in "
          f"{seconds:.4f} s = {mibps:.1f} MiB/s")
    print(f"RESULT op={op} rows={rows} batch_rows={batch_rows} batches={len(batches)} "
          f"body_bytes={body_bytes} seconds={seconds:.6f} MiBps={mibps:.1f}")
    return 0


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="grpc://127.0.0.1:50051")
    parser.add_argument("--mode", choices=("demo", "bulk"), default="demo")
    parser.add_argument("--batches", type=int, default=100, help="demo: DoPuts in the benchmark phase")
    parser.add_argument("--rows-per-batch", type=int, default=131_072, help="demo: rows in each benchmark table")
    parser.add_argument("--op", choices=("put", "get"), default="put", help="bulk: the call timed")
    parser.add_argument("--rows", type=int, default=10_000_000, help="bulk: rows in the table")
    parser.add_argument("--batch-rows", type=int, default=65_536, help="bulk: rows per record batch")
    parser.add_argument("--path", default="/seed/int64x4", help="bulk: the dataset path")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s - %(levelname)s - %(message)s")
    try:
        with flight.FlightClient(args.server) as client:
            if args.mode == "demo":
                return run_demo(client, args.server, args.batches, args.rows_per_batch)
            return run_bulk(client, args.op, args.rows, args.batch_rows, args.path)
    except (flight.FlightError, pa.ArrowException) as e:
        print(f"seed_client: {type(e).__name__}: {' '.join(str(e).split())}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
