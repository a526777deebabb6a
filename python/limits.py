"""pyarrow against a flightlab server's --max-message-size and --max-connections.

Usage: python limits.py --server grpc://127.0.0.1:PORT --max-message-bytes N --max-connections N

Checks that a DoPut of one batch over the message size is refused with a message naming
--max-message-size (and stores nothing), and that a connection over the cap, once the cap's
worth of connections are open, has its call refused with a message naming --max-connections.
One line per check on stdout, "PASS NAME" or "FAIL NAME: why", then "SUMMARY passed=P failed=F".
Exit code 0 when every check passed, 1 otherwise.
"""

import argparse
import sys

import pyarrow as pa
import pyarrow.flight as flight


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True)
    parser.add_argument("--max-message-bytes", type=int, required=True)
    parser.add_argument("--max-connections", type=int, required=True)
    args = parser.parse_args()
    results = []

    def check(name, fn):
        try:
            fn()
            results.append(True)
            print("PASS " + name)
        except Exception as e:  # noqa: BLE001 - every failure is a FAIL line
            results.append(False)
            print("FAIL %s: %s: %s" % (name, type(e).__name__, e))

    options = flight.FlightCallOptions(timeout=30)

    def message_over_the_size():
        client = flight.FlightClient(args.server)
        rows = args.max_message_bytes // 8 * 2
        table = pa.table({"x": pa.array(range(rows), pa.int64())})
        try:
            writer, _ = client.do_put(
                flight.FlightDescriptor.for_path("/limits/big"), table.schema, options=options
            )
            writer.write_table(table)
            writer.close()
        except pa.ArrowException as e:
            text = str(e)
            assert "resource exhausted" in text, text
            assert "exceeds the server's --max-message-size of" in text, text
            assert "gRPC message exceeds" not in text, text
        else:
            raise AssertionError("a message over the size was accepted")
        names = [f.descriptor.path for f in client.list_flights(options=options)]
        assert names == [], "stored %r" % (names,)
        client.close()

    def connection_over_the_cap():
        held = []
        for _ in range(args.max_connections):
            c = flight.FlightClient(args.server)
            list(c.list_actions(options=options))
            held.append(c)
        extra = flight.FlightClient(args.server)
        try:
            list(extra.list_actions(options=options))
        except pa.ArrowException as e:
            text = str(e)
            assert "--max-connections of %d" % args.max_connections in text, text
        else:
            raise AssertionError("a connection over the cap was served")
        finally:
            extra.close()
        for c in held:
            list(c.list_actions(options=options))
            c.close()

    check("message_over_max_message_size_names_the_flag", message_over_the_size)
    check("connection_over_max_connections_names_the_flag", connection_over_the_cap)
    passed = sum(results)
    print("SUMMARY passed=%d failed=%d" % (passed, len(results) - passed))
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
