"""The original pyarrow demo client's calls against a flightlab server, each checked.

Usage: python interop_flow.py --server grpc://127.0.0.1:PORT

The original client uploads with FlightDescriptor.for_path("/reports/daily_sales") (one path
segment holding the whole path), lists flights and joins each descriptor's path segments with "/",
and fetches with Ticket(b"/reports/daily_sales"). On top of that, flightlab's own conventions as a
pyarrow user meets them: the flightlab-put-mode call header (replace | append | create), the
PutResult that echoes each batch's app_metadata, DoExchange's echo, and the statuses of a missing
dataset.

Expects an empty server. One line per check on stdout, "PASS NAME" or "FAIL NAME: why", then
"SUMMARY passed=P failed=F". Exit code 0 when every check passed, 1 otherwise.
"""

import argparse
import sys
import time

import pyarrow as pa
import pyarrow.flight as flight

SESSIONS = "/my_app/user_sessions"
SALES = "/reports/daily_sales"
OPTIONS = flight.FlightCallOptions(timeout=30)


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


def put(client, path, table, mode=None):
    headers = [(b"flightlab-put-mode", mode.encode())] if mode else []
    options = flight.FlightCallOptions(timeout=30, headers=headers)
    writer, _ = client.do_put(flight.FlightDescriptor.for_path(path), table.schema, options=options)
    writer.write_table(table)
    writer.close()


def get(client, path):
    return client.do_get(flight.Ticket(path.encode()), options=OPTIONS).read_all()


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def check_for_path_upload(client, state):
    state["sessions"], state["sales"] = user_sessions(), daily_sales()
    put(client, SESSIONS, state["sessions"])
    put(client, SALES, state["sales"])


def check_list_flights_joins_segments(client, state):
    flights = {"/".join(p.decode() for p in info.descriptor.path): info for info in client.list_flights()}
    expect(sorted(flights) == [SESSIONS, SALES], f"listed {sorted(flights)}")
    for path, table in ((SESSIONS, state["sessions"]), (SALES, state["sales"])):
        info = flights[path]
        expect(info.descriptor.descriptor_type == flight.DescriptorType.PATH, f"{path}: not a path descriptor")
        expect([p.decode() for p in info.descriptor.path] == [path], f"{path}: segments {info.descriptor.path}")
        expect(info.schema.equals(table.schema), f"{path}: schema {info.schema}")
        expect(info.total_records == table.num_rows, f"{path}: total_records {info.total_records}")
        expect(info.total_bytes > 0, f"{path}: total_bytes {info.total_bytes}")
        expect(len(info.endpoints) >= 1, f"{path}: no endpoint")
        expect(info.endpoints[0].ticket.ticket == path.encode(), f"{path}: ticket {info.endpoints[0].ticket}")


def check_get_flight_info_by_path(client, state):
    info = client.get_flight_info(flight.FlightDescriptor.for_path(SALES), options=OPTIONS)
    expect(info.total_records == 2, f"total_records {info.total_records}")
    segments = client.get_flight_info(flight.FlightDescriptor.for_path("reports", "daily_sales"), options=OPTIONS)
    expect(segments.total_records == 2, "for_path('reports', 'daily_sales') names another dataset")


def check_ticket_path_fetch(client, state):
    got = get(client, SALES)
    expect(got.equals(state["sales"]), f"got {got.to_pydict()}")
    expect(got.to_pydict() == {"product_category": ["A", "B"], "revenue": [150.75, 200.0]}, str(got.to_pydict()))
    expect(get(client, SESSIONS).equals(state["sessions"]), "user_sessions differ")


def check_listed_endpoint_ticket_fetches(client, state):
    info = client.get_flight_info(flight.FlightDescriptor.for_path(SESSIONS), options=OPTIONS)
    got = client.do_get(info.endpoints[0].ticket, options=OPTIONS).read_all()
    expect(got.equals(state["sessions"]), "the endpoint's ticket fetched something else")


def check_put_mode_append(client, state):
    put(client, SALES, state["sales"], mode="append")
    got = get(client, SALES)
    expect(got.num_rows == 4, f"{got.num_rows} rows after append")
    expect(got.to_pydict()["product_category"] == ["A", "B", "A", "B"], str(got.to_pydict()))


def check_put_mode_replace(client, state):
    put(client, SALES, state["sales"], mode="replace")
    expect(get(client, SALES).equals(state["sales"]), "replace did not replace")
    put(client, SALES, state["sales"])  # no header: replace as well
    expect(get(client, SALES).num_rows == 2, "an upload without the header appended")


def check_put_mode_create_refuses_existing(client, state):
    try:
        put(client, SALES, state["sales"], mode="create")
    except flight.FlightError as e:
        expect("already exists" in str(e), f"create answered: {e}")
    except pa.ArrowException as e:
        expect("already exists" in str(e), f"create answered: {e}")
    else:
        raise AssertionError("create over an existing dataset succeeded")
    put(client, "/interop/created", state["sales"], mode="create")
    expect(get(client, "/interop/created").num_rows == 2, "create of a new path stored nothing")


def check_app_metadata_echo(client, state):
    table = pa.table({"n": pa.array(range(30), pa.int64())})
    writer, acks = client.do_put(flight.FlightDescriptor.for_path("/interop/metadata"), table.schema, options=OPTIONS)
    echoed = []
    for i, batch in enumerate(table.to_batches(max_chunksize=10)):
        writer.write_with_metadata(batch, pa.py_buffer(f"batch-{i}".encode()))
        echoed.append(acks.read())
    writer.done_writing()
    writer.close()
    got = [None if b is None else b.to_pybytes() for b in echoed]
    expect(got == [b"batch-0", b"batch-1", b"batch-2"], f"acks {got}")
    # A batch without app_metadata gets no PutResult, as from Arrow C++'s servers.
    writer, acks = client.do_put(flight.FlightDescriptor.for_path("/interop/metadata"), table.schema, options=OPTIONS)
    for i, batch in enumerate(table.to_batches(max_chunksize=10)):
        if i == 1:
            writer.write_batch(batch)
        else:
            writer.write_with_metadata(batch, pa.py_buffer(f"batch-{i}".encode()))
    writer.done_writing()
    rest = []
    while (ack := acks.read()) is not None:
        rest.append(ack.to_pybytes())
    writer.close()
    expect(rest == [b"batch-0", b"batch-2"], f"acks of a stream with a batch without app_metadata {rest}")
    expect(get(client, "/interop/metadata").equals(table), "the second upload did not replace the first")


def check_do_exchange_echo(client, state):
    table = pa.table(
        {
            "n": pa.array(range(30), pa.int64()),
            "tag": pa.array(["a", "b", None] * 10).dictionary_encode(),
        }
    )
    writer, reader = client.do_exchange(flight.FlightDescriptor.for_path("/interop/echo"), options=OPTIONS)
    writer.begin(table.schema)
    echoed = []
    # Full duplex: each batch's echo is read before the next batch is written.
    for i, batch in enumerate(table.to_batches(max_chunksize=10)):
        writer.write_with_metadata(batch, pa.py_buffer(f"echo-{i}".encode()))
        chunk = reader.read_chunk()
        echoed.append((chunk.data, chunk.app_metadata.to_pybytes()))
    writer.done_writing()
    try:
        extra = reader.read_chunk()
    except StopIteration:
        extra = None
    writer.close()
    expect(extra is None, f"more came back than was sent: {extra}")
    expect([m for _, m in echoed] == [b"echo-0", b"echo-1", b"echo-2"], f"app_metadata {echoed}")
    got = pa.Table.from_batches([b for b, _ in echoed])
    expect(got.equals(table), f"echo differs: {got} vs {table}")
    listed = ["/".join(p.decode() for p in info.descriptor.path) for info in client.list_flights()]
    expect("/interop/echo" not in listed, f"an exchange stored something: {listed}")


def check_missing_dataset_not_found(client, state):
    try:
        get(client, "/no/such/dataset")
    except (flight.FlightError, pa.ArrowException) as e:
        expect("/no/such/dataset" in str(e), f"the error does not name the path: {e}")
        expect(isinstance(e, KeyError), f"{type(e).__name__} is not NOT_FOUND (KeyError): {e}")
    else:
        raise AssertionError("a missing dataset was fetched")


def check_drop_action(client, state):
    results = list(client.do_action(flight.Action("drop", b"/interop/created"), options=OPTIONS))
    expect(len(results) == 1 and b"/interop/created" in results[0].body.to_pybytes(), f"drop answered {results}")
    listed = ["/".join(p.decode() for p in info.descriptor.path) for info in client.list_flights()]
    expect("/interop/created" not in listed, f"still listed: {listed}")


CHECKS = [
    check_for_path_upload,
    check_list_flights_joins_segments,
    check_get_flight_info_by_path,
    check_ticket_path_fetch,
    check_listed_endpoint_ticket_fetches,
    check_put_mode_append,
    check_put_mode_replace,
    check_put_mode_create_refuses_existing,
    check_app_metadata_echo,
    check_do_exchange_echo,
    check_missing_dataset_not_found,
    check_drop_action,
]


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="grpc://127.0.0.1:50051")
    args = parser.parse_args(argv)
    passed = failed = 0
    state = {}
    with flight.FlightClient(args.server) as client:
        for check in CHECKS:
            name = check.__name__[len("check_"):]
            try:
                check(client, state)
            except Exception as e:  # noqa: BLE001 - every failure becomes a FAIL line
                failed += 1
                print(f"FAIL {name}: {type(e).__name__}: {' '.join(str(e).split())}", flush=True)
            else:
                passed += 1
                print(f"PASS {name}", flush=True)
    print(f"SUMMARY passed={passed} failed={failed}", flush=True)
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
