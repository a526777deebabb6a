"""A pyarrow Flight server that speaks Flight as other servers do, for flightlab's client tests.

Usage: python opaque_server.py [--host 127.0.0.1] [--port 0] [--port-file FILE]
                               [--unix-socket PATH] [--endpoints 4] [--chunk-rows 1000]
                               [--rows 10000] [--fail-endpoint K]

What it does differently from the original demo's server (seed_server.py):
- Tickets are opaque: random tokens the server maps to a slice of a table, never the path.
- Each table is served as --endpoints endpoints (row slices, in order), with every kind of
  location a client must handle, endpoint after endpoint (the kinds repeat past six): none (redeem
  where you asked); arrow-flight-reuse-connection://?; this server under another spelling
  (grpc://localhost:PORT for 127.0.0.1, or the socket's path with a /./ in it); this server's own
  location; an unreachable location, then this server's; and two locations in one endpoint, the
  reuse-connection URI and this server's.
- --unix-socket PATH serves on grpc+unix://PATH instead of TCP.
- --fail-endpoint K makes DoGet of the K-th endpoint (from 1) send one batch, then fail.
- DoGet re-chunks: each slice goes out in batches of --chunk-rows, not as it was uploaded.
- Errors are Python exceptions, whose status pyarrow sends with the remote traceback.

It starts with one table, /demo/numbers (--rows rows: id int64, name utf8), and stores whatever
DoPut sends by path. --port 0 picks a free port; --port-file receives it (written atomically).
Runs until SIGTERM or Ctrl-C.
"""

import argparse
import os
import secrets
import signal
import socket
import sys
import threading

import pyarrow as pa
import pyarrow.flight as flight

REUSE = "arrow-flight-reuse-connection://?"


class OpaqueServer(flight.FlightServerBase):
    def __init__(self, host, port, endpoints, chunk_rows, unix_socket=None, fail_endpoint=0):
        location = f"grpc+unix://{unix_socket}" if unix_socket else f"grpc://{host}:{port}"
        super().__init__(location)
        self.host = host
        self.unix_socket = unix_socket
        self.endpoints = endpoints
        self.chunk_rows = chunk_rows
        self.fail_endpoint = fail_endpoint
        self.dead = dead_location()
        self.tables = {}
        self.tickets = {}
        self.lock = threading.Lock()

    @staticmethod
    def path_of(descriptor):
        return "/".join(p.decode("utf-8") for p in descriptor.path)

    def locations(self, i):
        if self.unix_socket:
            directory, name = os.path.split(os.path.abspath(self.unix_socket))
            own = flight.Location.for_grpc_unix(os.path.abspath(self.unix_socket))
            other_spelling = flight.Location(f"grpc+unix://{directory}/./{name}")
        else:
            own = flight.Location.for_grpc_tcp(self.host, self.port)
            other_host = "localhost" if self.host == "127.0.0.1" else "127.0.0.1"
            other_spelling = flight.Location.for_grpc_tcp(other_host, self.port)
        kinds = [
            [],
            [flight.Location(REUSE)],
            [other_spelling],
            [own],
            [flight.Location(self.dead), own],
            [flight.Location(REUSE), own],
        ]
        return kinds[i % len(kinds)]

    def flight_info(self, path, table):
        n = max(1, self.endpoints)
        per = -(-table.num_rows // n) if table.num_rows else 0
        endpoints = []
        with self.lock:
            for i in range(n):
                token = secrets.token_bytes(16)
                self.tickets[token] = (path, i * per, per, i + 1)
                endpoints.append(flight.FlightEndpoint(token, self.locations(i)))
        descriptor = flight.FlightDescriptor.for_path(path)
        return flight.FlightInfo(table.schema, descriptor, endpoints, table.num_rows, table.nbytes)

    def table(self, path):
        with self.lock:
            table = self.tables.get(path)
        if table is None:
            raise KeyError(f"No dataset '{path}'")
        return table

    def list_flights(self, context, criteria):
        with self.lock:
            items = list(self.tables.items())
        for path, table in items:
            yield self.flight_info(path, table)

    def get_flight_info(self, context, descriptor):
        path = self.path_of(descriptor)
        return self.flight_info(path, self.table(path))

    def do_put(self, context, descriptor, reader, writer):
        path = self.path_of(descriptor)
        table = reader.read_all()
        with self.lock:
            self.tables[path] = table

    def do_get(self, context, ticket):
        with self.lock:
            entry = self.tickets.get(ticket.ticket)
        if entry is None:
            raise KeyError(f"unknown ticket ({len(ticket.ticket)} bytes)")
        path, offset, length, number = entry
        part = self.table(path).slice(offset, length)
        batches = part.to_batches(max_chunksize=self.chunk_rows)
        if number == self.fail_endpoint:
            return flight.GeneratorStream(part.schema, failing(batches[:1], number))
        return flight.RecordBatchStream(pa.Table.from_batches(batches, schema=part.schema))


def failing(batches, number):
    """Yields the batches, then fails as a server that lost its data mid-stream would."""
    yield from batches
    raise flight.FlightServerError(f"endpoint {number} failed on purpose after {len(batches)} batch")


def dead_location():
    """A grpc:// location nothing listens on: a port that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"grpc+tcp://127.0.0.1:{port}"


def numbers(rows):
    ids = pa.array(range(rows), type=pa.int64())
    names = pa.array([f"row-{i}" for i in range(rows)], type=pa.utf8())
    return pa.Table.from_arrays([ids, names], names=["id", "name"])


def write_port_file(path, port):
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w") as f:
        f.write(f"{port}\n")
    os.replace(tmp, path)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--port-file")
    p.add_argument("--endpoints", type=int, default=4)
    p.add_argument("--chunk-rows", type=int, default=1000)
    p.add_argument("--rows", type=int, default=10000)
    p.add_argument("--unix-socket")
    p.add_argument("--fail-endpoint", type=int, default=0)
    args = p.parse_args()
    server = OpaqueServer(
        args.host, args.port, args.endpoints, args.chunk_rows, args.unix_socket, args.fail_endpoint
    )
    server.tables["/demo/numbers"] = numbers(args.rows)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    if args.port_file:
        write_port_file(args.port_file, server.port)
    where = f"grpc+unix://{args.unix_socket}" if args.unix_socket else f"grpc://{args.host}:{server.port}"
    print(f"opaque_server listening on {where}", file=sys.stderr)
    server.serve()


if __name__ == "__main__":
    main()
