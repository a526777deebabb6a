"""The original demo's pyarrow Flight server: uploaded tables kept in memory by path.

Usage: python seed_server.py [--host 127.0.0.1] [--port 50051] [--port-file FILE]

The design of the original: DoPut reads the whole stream into a pyarrow Table (reader.read_all())
and keeps it in a dict under its path; ListFlights and GetFlightInfo describe every table (schema,
rows, Table.nbytes) with one endpoint whose ticket is the path's UTF-8 bytes; DoGet streams the
table named by Ticket(b"/path"). The path is the descriptor's segments joined with "/", so
FlightDescriptor.for_path("/reports/daily_sales") is stored, listed and fetched as
"/reports/daily_sales", as the original client expects. No put modes, no actions: a new upload to a
path replaces the table.

--port 0 picks a free port; --port-file then receives it (written atomically, as `flightlab serve
--port-file` does), for scripts. Runs until SIGTERM or Ctrl-C.
"""

import argparse
import logging
import os
import sys
import threading

import pyarrow as pa
import pyarrow.flight as flight

log = logging.getLogger("seed_server")


class SeedServer(flight.FlightServerBase):
    def __init__(self, host, port):
        super().__init__(f"grpc://{host}:{port}")
        self.location = flight.Location.for_grpc_tcp(host, self.port)
        self.tables = {}
        self.lock = threading.Lock()

    @staticmethod
    def path_of(descriptor):
        return "/".join(p.decode("utf-8") for p in descriptor.path)

    def flight_info(self, path, table):
        descriptor = flight.FlightDescriptor.for_path(path)
        endpoints = [flight.FlightEndpoint(path.encode("utf-8"), [self.location])]
        return flight.FlightInfo(table.schema, descriptor, endpoints, table.num_rows, table.nbytes)

    def list_flights(self, context, criteria):
        with self.lock:
            items = list(self.tables.items())
        for path, table in items:
            yield self.flight_info(path, table)

    def get_flight_info(self, context, descriptor):
        path = self.path_of(descriptor)
        with self.lock:
            table = self.tables.get(path)
        if table is None:
            raise KeyError(f"No dataset '{path}'")
        return self.flight_info(path, table)

    def do_put(self, context, descriptor, reader, writer):
        path = self.path_of(descriptor)
        table = reader.read_all()
        with self.lock:
            self.tables[path] = table
        log.debug("stored %s: %d rows", path, table.num_rows)

    def do_get(self, context, ticket):
        path = ticket.ticket.decode("utf-8")
        with self.lock:
            table = self.tables.get(path)
        if table is None:
            raise KeyError(f"No dataset '{path}'")
        return flight.RecordBatchStream(table)


def write_port_file(path, port):
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w") as f:
        f.write(f"{port}\n")
    os.replace(tmp, path)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=50051, help="0 picks a free port")
    parser.add_argument("--port-file", help="write the bound port here once listening")
    parser.add_argument("--log-level", default="info")
    args = parser.parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s - %(levelname)s - %(message)s")
    server = SeedServer(args.host, args.port)
    log.info("pyarrow %s Flight server serving on grpc://%s:%d", pa.__version__, args.host, server.port)
    if args.port_file:
        write_port_file(args.port_file, server.port)
    server.serve()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
