"""A pyarrow Flight server that speaks Flight as other servers do, for flightlab's client tests.

Usage: python opaque_server.py [--host 127.0.0.1] [--port 0] [--port-file FILE]
                               [--endpoints 4] [--chunk-rows 1000] [--rows 10000]

What it does differently from the original demo's server (seed_server.py):
- Tickets are opaque: random tokens the server maps to a slice of a table, never the path.
- Each table is served as --endpoints endpoints (row slices, in order), with every kind of
  location a client must handle: none (redeem where you asked), arrow-flight-reuse-connection://?,
  this server under another name (grpc://localhost:PORT, so a client opens a second connection),
  and this server's own location.
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
import sys
import threading

import pyarrow as pa
import pyarrow.flight as flight

REUSE = "arrow-flight-reuse-connection://?"


class OpaqueServer(flight.FlightServerBase):
    def __init__(self, host, port, endpoints, chunk_rows):
        super().__init__(f"grpc://{host}:{port}")
        self.host = host
        self.endpoints = endpoints
        self.chunk_rows = chunk_rows
        self.tables = {}
        self.tickets = {}
        self.lock = threading.Lock()

    @staticmethod
    def path_of(descriptor):
        return "/".join(p.decode("utf-8") for p in descriptor.path)

    def locations(self, i):
        kinds = [
            [],
            [flight.Location(REUSE)],
            [flight.Location.for_grpc_tcp("localhost", self.port)],
            [flight.Location.for_grpc_tcp(self.host, self.port)],
        ]
        return kinds[i % len(kinds)]

    def flight_info(self, path, table):
        n = max(1, self.endpoints)
        per = -(-table.num_rows // n) if table.num_rows else 0
        endpoints = []
        with self.lock:
            for i in range(n):
                token = secrets.token_bytes(16)
                self.tickets[token] = (path, i * per, per)
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
        path, offset, length = entry
        part = self.table(path).slice(offset, length)
        batches = part.to_batches(max_chunksize=self.chunk_rows)
        return flight.RecordBatchStream(pa.Table.from_batches(batches, schema=part.schema))


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
    args = p.parse_args()
    server = OpaqueServer(args.host, args.port, args.endpoints, args.chunk_rows)
    server.tables["/demo/numbers"] = numbers(args.rows)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    if args.port_file:
        write_port_file(args.port_file, server.port)
    print(f"opaque_server listening on grpc://{args.host}:{server.port}", file=sys.stderr)
    server.serve()


if __name__ == "__main__":
    main()
