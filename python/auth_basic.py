"""pyarrow's basic-auth handshake against a flightlab server started with --auth-basic.

Usage: python auth_basic.py --server grpc://127.0.0.1:PORT --user USER --password PASSWORD

Checks that client.authenticate_basic_token returns an ("authorization", "Bearer ...") header
pair, that the pair works for a put, a list and a get, that a call without it and a wrong password
are both UNAUTHENTICATED. One line per check on stdout, "PASS NAME" or "FAIL NAME: why", then
"SUMMARY passed=P failed=F". Exit code 0 when every check passed, 1 otherwise.
"""

import argparse
import sys

import pyarrow as pa
import pyarrow.flight as flight

PATH = "/auth/basic_table"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
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

    client = flight.FlightClient(args.server)
    state = {}

    def handshake():
        pair = client.authenticate_basic_token(args.user, args.password)
        key, value = pair
        assert key in (b"authorization", "authorization"), "header name %r" % (key,)
        text = value.decode() if isinstance(value, bytes) else value
        assert text.startswith("Bearer "), "not a bearer token"
        state["options"] = flight.FlightCallOptions(headers=[pair], timeout=30)

    def put_list_get():
        options = state["options"]
        table = pa.table({"id": pa.array([1, 2, 3], pa.int64())})
        descriptor = flight.FlightDescriptor.for_path(PATH)
        writer, _ = client.do_put(descriptor, table.schema, options=options)
        writer.write_table(table)
        writer.close()
        names = ["/".join(p.decode() for p in f.descriptor.path) for f in client.list_flights(options=options)]
        assert PATH in names, "listed %r" % (names,)
        got = client.do_get(flight.Ticket(PATH.encode()), options=options).read_all()
        assert got.equals(table), "read back %r" % (got,)

    def without_token():
        try:
            list(client.list_flights(options=flight.FlightCallOptions(timeout=30)))
        except flight.FlightUnauthenticatedError:
            return
        raise AssertionError("a call without the token was answered")

    def wrong_password():
        try:
            client.authenticate_basic_token(args.user, args.password + "-wrong")
        except flight.FlightUnauthenticatedError:
            return
        raise AssertionError("a wrong password was accepted")

    check("handshake_returns_bearer_header", handshake)
    if "options" in state:
        check("bearer_header_works_for_put_list_get", put_list_get)
    check("call_without_token_unauthenticated", without_token)
    check("wrong_password_unauthenticated", wrong_password)
    passed = sum(results)
    print("SUMMARY passed=%d failed=%d" % (passed, len(results) - passed))
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
