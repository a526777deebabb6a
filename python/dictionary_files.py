"""Dictionary replacements and deltas through `flightlab get -o`, checked with pyarrow.

Usage:
  python dictionary_files.py put --server grpc://127.0.0.1:PORT
  python dictionary_files.py check NAME FILE...

`put` uploads each case with pyarrow's own Flight client to /dict/NAME, writing with
IpcWriteOptions(emit_dictionary_deltas=True): pyarrow then sends a delta where a batch's dictionary
extends the one before, and a replacement where it does not. `check` reads each FILE with pyarrow
(.arrow Arrow IPC file, .arrows stream, .parquet, .csv) and compares its rows, decoded, with what
case NAME uploaded; it prints one line per file and exits 1 if any differs.

Cases (every batch has an int64 "i" and a dictionary-encoded utf8 "v"):
- deltas: [a, b] then [a, b, c] then [a, b, c, d, e]: two deltas, no replacement;
- mixed: [a, b], [a, b, c] (delta), [x, y] (replacement), [x, y, w] (delta).
"""

import argparse
import sys

import pyarrow as pa
import pyarrow.csv as csv
import pyarrow.flight as flight
import pyarrow.parquet as pq


def batch(first_i, indices, dictionary):
    v = pa.DictionaryArray.from_arrays(pa.array(indices, pa.int32()), pa.array(dictionary, pa.utf8()))
    i = pa.array(range(first_i, first_i + len(indices)), pa.int64())
    return pa.record_batch([i, v], names=["i", "v"])


def cases():
    return {
        "deltas": [
            batch(0, [0, 1, 1, None], ["a", "b"]),
            batch(4, [2, 0, 2], ["a", "b", "c"]),
            batch(7, [4, 3, 1, 0], ["a", "b", "c", "d", "e"]),
        ],
        "mixed": [
            batch(0, [1, 0], ["a", "b"]),
            batch(2, [2, 2, 0], ["a", "b", "c"]),
            batch(5, [1, 0, None], ["x", "y"]),
            batch(8, [2, 0], ["x", "y", "w"]),
        ],
    }


def rows(batches):
    """The rows as (i, decoded v) pairs."""
    out = []
    for b in batches:
        out.extend(zip(b.column("i").to_pylist(), b.column("v").to_pylist()))
    return out


def put(server):
    client = flight.connect(server)
    options = flight.FlightCallOptions(
        timeout=60, write_options=pa.ipc.IpcWriteOptions(emit_dictionary_deltas=True)
    )
    for name, batches in cases().items():
        descriptor = flight.FlightDescriptor.for_path(f"/dict/{name}")
        writer, _ = client.do_put(descriptor, batches[0].schema, options=options)
        for b in batches:
            writer.write_batch(b)
        writer.close()
        stats = writer.stats
        print(
            f"PUT {name}: {stats.num_record_batches} batches,"
            f" {stats.num_dictionary_deltas} deltas, {stats.num_replaced_dictionaries} replacements"
        )


def read(path):
    if path.endswith(".arrow"):
        with pa.ipc.open_file(path) as reader:
            return [reader.get_batch(k) for k in range(reader.num_record_batches)]
    if path.endswith(".arrows"):
        with pa.ipc.open_stream(path) as reader:
            return list(reader)
    if path.endswith(".parquet"):
        return pq.read_table(path).to_batches()
    if path.endswith(".csv"):
        types = {"i": pa.int64(), "v": pa.utf8()}
        options = csv.ConvertOptions(column_types=types, strings_can_be_null=True)
        return csv.read_csv(path, convert_options=options).to_batches()
    raise SystemExit(f"unknown extension: {path}")


def check(name, files):
    expected = rows(cases()[name])
    bad = 0
    for path in files:
        got = rows(read(path))
        if got == expected:
            print(f"OK {path}: {len(got)} rows")
        else:
            bad += 1
            print(f"MISMATCH {path}: expected {expected}, got {got}")
    return 1 if bad else 0


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    put_args = sub.add_parser("put")
    put_args.add_argument("--server", required=True)
    check_args = sub.add_parser("check")
    check_args.add_argument("name", choices=sorted(cases()))
    check_args.add_argument("files", nargs="+")
    args = p.parse_args()
    if args.command == "put":
        put(args.server)
        return 0
    return check(args.name, args.files)


if __name__ == "__main__":
    sys.exit(main())
