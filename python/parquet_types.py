"""Parquet files' Arrow types through `flightlab put`, checked against pyarrow's own reading.

Usage:
  python parquet_types.py write DIR
  python parquet_types.py check --server grpc://127.0.0.1:PORT PATH FILE
  python parquet_types.py copy ORIGINAL COPY
  python parquet_types.py stored FILE

`write` writes the cases below into DIR with pyarrow and prints one line per file. `check` fetches
dataset PATH with pyarrow's Flight client and compares it, column by column, with
`pq.read_table(FILE)`: the same types and values, except where a column's types differ, which it
prints as `TYPE name: flightlab=... pyarrow=...` and then compares the values after casting
pyarrow's column to flightlab's type. It prints `OK FILE` when every value matches, and exits 1 if
any differs. `copy` compares COPY (written by `flightlab get -o`) with ORIGINAL (Parquet, or an .arrows
stream), read with `pq.read_table`, in the same way (flightlab=COPY, pyarrow=ORIGINAL). `stored`
prints the fields of the Arrow schema FILE stores under ARROW:schema, one `name: type` a line.

Cases:
- arrow_schema.parquet: every type the Parquet writer takes, with the ARROW:schema key pyarrow
  stores (time zones, durations, large strings, dictionaries restored from it);
- plain.parquet: the same columns without ARROW:schema, as other writers make them;
- format_1_0.parquet: the same, Parquet format 1.0 (legacy converted types, no nanoseconds);
- batches.parquet: 200,000 rows in row groups of 70,000 (several uploaded batches), nulls at the
  start and end of every column, so that buffers are rebuilt at batch edges;
- mixed.arrows (an Arrow IPC stream, for `get -o x.parquet`): a dictionary column beside
  float16, negative durations and a list of float16;
- int96.parquet, int96_arrow.parquet: INT96 timestamps (as Spark writes them), top-level and in a
  list, without and with ARROW:schema;
- int96_far.parquet: an INT96 timestamp in the year 3000, which nanoseconds cannot hold (pyarrow
  wraps it to 1830);
- day1.parquet, day2.parquet: a dictionary column each, with different values, for an append;
- empty.parquet, nulls.parquet: converted types with no rows, and with only nulls (or empty lists);
- wide_decimal.parquet: a decimal256(40, 2) column, which DuckDB would read as DOUBLE (rounded).
"""

import argparse
import base64
import decimal
import os
import sys

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.flight as flight
import pyarrow.parquet as pq


def every_type():
    utc_ms = pa.timestamp("ms", "UTC")
    columns = {
        "ts_s": pa.array([0, -1, None, 1_700_000_000], pa.timestamp("s")),
        "ts_ms": pa.array([0, -1500, None, 1_700_000_000_123], pa.timestamp("ms")),
        "ts_ms_utc": pa.array([0, 1500, None, -86_400_001], utc_ms),
        "ts_us_paris": pa.array([0, 1500, None, 7], pa.timestamp("us", "Europe/Paris")),
        "ts_ns": pa.array([0, 1500, None, 1], pa.timestamp("ns")),
        "t32_s": pa.array([0, 5, None, 86_399], pa.time32("s")),
        "t32_ms": pa.array([0, 5, None, 86_399_999], pa.time32("ms")),
        "t64_us": pa.array([0, 5, None, 86_399_999_999], pa.time64("us")),
        "t64_ns": pa.array([0, 5000, None, 1], pa.time64("ns")),
        "f16": pa.array([1.5, None, -2.0, 65504.0], pa.float16()),
        "fsb": pa.array([b"ab", b"cd", None, b"\x00\xff"], pa.binary(2)),
        "dict": pa.array(["a", "b", None, "a"]).dictionary_encode(),
        "lstr": pa.array(["a", "bb", None, ""], pa.large_string()),
        "lbin": pa.array([b"a", b"bb", None, b""], pa.large_binary()),
        "list": pa.array([[1], [2, None], None, []], pa.list_(pa.int64())),
        "llist": pa.array([[1], [2, 3], None, []], pa.large_list(pa.int64())),
        "fsl": pa.array([[1, 2], [5, 6], [3, 4], [7, 8]], pa.list_(pa.int64(), 2)),
        "dur_ms": pa.array([1, -2, None, 3], pa.duration("ms")),
        "dur_s": pa.array([1, 2, None, 3], pa.duration("s")),
        "req": pa.array([1, 2, 3, 4], pa.int32()),
        "u8": pa.array([1, 255, None, 0], pa.uint8()),
        "u64": pa.array([1, 2**64 - 1, None, 0], pa.uint64()),
        "d32": pa.array([0, 1, None, -1], pa.date32()),
        "dec": pa.array(
            [decimal.Decimal("1.23"), None, decimal.Decimal("-4.56"), decimal.Decimal("0")],
            pa.decimal128(5, 2),
        ),
        "st": pa.array(
            [{"a": 1, "t": 0}, None, {"a": 3, "t": 5}, {"a": None, "t": None}],
            pa.struct([("a", pa.int32()), ("t", pa.timestamp("ms"))]),
        ),
        "mp": pa.array([[("a", 1)], None, [], [("b", None)]], pa.map_(pa.string(), pa.int32())),
        "list_ms": pa.array([[0, None, -1], None, [], [86_400_000]], pa.list_(pa.timestamp("ms"))),
        "st2": pa.array(
            [{"h": 1.5, "f": b"abc", "t": 5}, None, {"h": None, "f": None, "t": None},
             {"h": -0.0, "f": b"xyz", "t": 86_399_999}],
            pa.struct([("h", pa.float16()), ("f", pa.binary(3)), ("t", pa.time32("ms"))]),
        ),
        "map_ms": pa.array(
            [[("a", 1)], None, [], [("b", None), ("c", -1)]],
            pa.map_(pa.string(), pa.timestamp("ms", "UTC")),
        ),
        "list_dur": pa.array([[-1, None], None, [], [2]], pa.list_(pa.duration("ms"))),
        "st_tz": pa.array(
            [{"z": 1, "s": "a"}, None, {"z": None, "s": None}, {"z": -1, "s": ""}],
            pa.struct([("z", pa.timestamp("us", "Asia/Tokyo")), ("s", pa.large_string())]),
        ),
        "list_st": pa.array(
            [[{"t": 1}], None, [None, {"t": None}], []],
            pa.list_(pa.struct([("t", pa.timestamp("ms"))])),
        ),
        "bool": pa.array([True, None, False, True]),
        "str": pa.array(["x", None, "", "yz"]),
    }
    fields = [pa.field(n, a.type, nullable=(n != "req")) for n, a in columns.items()]
    fields = [f.with_metadata({"origin": "flightlab test"}) if f.name == "ts_ms" else f for f in fields]
    return pa.table(
        list(columns.values()), schema=pa.schema(fields, metadata={"origin": "parquet_types.py"})
    )


def batches_table(rows=200_000):
    def nulls_at_edges(values):
        return [None if i % 70_000 in (0, 69_999) or i == rows - 1 else v for i, v in enumerate(values)]

    return pa.table(
        {
            "ts_ms": pa.array(nulls_at_edges(range(rows)), pa.timestamp("ms", "UTC")),
            "t32_ms": pa.array(nulls_at_edges(range(rows)), pa.time32("ms")),
            "lstr": pa.array(nulls_at_edges(f"v{i}" for i in range(rows)), pa.large_string()),
            "fsb": pa.array(nulls_at_edges(i.to_bytes(4, "little") for i in range(rows)), pa.binary(4)),
            "f16": pa.array(nulls_at_edges(float(i % 2048) for i in range(rows)), pa.float16()),
            "dur": pa.array(nulls_at_edges(range(rows)), pa.duration("us")),
            "list_ms": pa.array(
                nulls_at_edges([i, None, -i] for i in range(rows)), pa.list_(pa.timestamp("ms"))
            ),
            "dict": pa.array(nulls_at_edges(f"k{i % 37}" for i in range(rows))).dictionary_encode(),
        }
    )


def write(directory):
    table = every_type()
    pq.write_table(table, os.path.join(directory, "arrow_schema.parquet"))
    pq.write_table(table, os.path.join(directory, "plain.parquet"), store_schema=False)
    legacy = table.drop_columns(["ts_ns", "t64_ns"])
    pq.write_table(
        legacy, os.path.join(directory, "format_1_0.parquet"), store_schema=False, version="1.0"
    )
    pq.write_table(batches_table(), os.path.join(directory, "batches.parquet"), row_group_size=70_000)
    int96 = pa.table(
        {
            "ts": pa.array([0, 1500, None, -86_400_000_001], pa.timestamp("us")),
            "tz": pa.array([0, 1, None, 2], pa.timestamp("ms", "Europe/Paris")),
            "l": pa.array([[0], None, [], [5]], pa.list_(pa.timestamp("us"))),
        }
    )
    for name, store_schema in (("int96.parquet", False), ("int96_arrow.parquet", True)):
        pq.write_table(
            int96,
            os.path.join(directory, name),
            use_deprecated_int96_timestamps=True,
            store_schema=store_schema,
        )
    far = pa.table({"ts": pa.array([0, 32_503_680_000_000_000], pa.timestamp("us"))})
    pq.write_table(
        far,
        os.path.join(directory, "int96_far.parquet"),
        use_deprecated_int96_timestamps=True,
        store_schema=False,
    )
    for name, values in (("day1.parquet", ["a", "b", "a"]), ("day2.parquet", ["b", None, "c"])):
        pq.write_table(
            pa.table({"d": pa.array(values).dictionary_encode()}), os.path.join(directory, name)
        )
    edge_types = {"t": pa.timestamp("ms"), "s": pa.large_string(), "l": pa.list_(pa.time32("ms"))}
    empty = pa.table({n: pa.array([], t) for n, t in edge_types.items()})
    pq.write_table(empty, os.path.join(directory, "empty.parquet"))
    nulls = pa.table(
        {
            "t": pa.array([None] * 5, edge_types["t"]),
            "s": pa.array([None] * 5, edge_types["s"]),
            "l": pa.array([None, [], [None], None, [1]], edge_types["l"]),
        }
    )
    pq.write_table(nulls, os.path.join(directory, "nulls.parquet"))
    mixed = pa.table(
        {
            "d": pa.array(["a", "b", None, "a"]).dictionary_encode(),
            "h": pa.array([1.5, None, 2, 65504], pa.float16()),
            "du": pa.array([-1, 2, None, 4], pa.duration("s")),
            "lh": pa.array([[1.5, None], None, [], [-2]], pa.list_(pa.float16())),
        }
    )
    with pa.OSFile(os.path.join(directory, "mixed.arrows"), "wb") as sink:
        with pa.ipc.new_stream(sink, mixed.schema) as writer:
            writer.write_table(mixed)
    wide = pa.table({"i": pa.array([1, 2], pa.int64()),
                     "dec40": pa.array([decimal.Decimal("1.23"), None], pa.decimal256(40, 2))})
    pq.write_table(wide, os.path.join(directory, "wide_decimal.parquet"))
    for name in sorted(os.listdir(directory)):
        print(f"WROTE {name}")


def read(path):
    if path.endswith(".arrows"):
        with pa.ipc.open_stream(path) as reader:
            return reader.read_all()
    return pq.read_table(path)


def check(server, path, file):
    client = flight.connect(server)
    ours = client.do_get(flight.Ticket(path.encode())).read_all()
    return compare(ours, pq.read_table(file), file)


def compare(ours, theirs, label):
    """0 when `ours` holds `theirs`' values; prints a TYPE line per column whose types differ."""
    bad = 0
    if ours.column_names != theirs.column_names or ours.num_rows != theirs.num_rows:
        print(f"MISMATCH {label}: columns {ours.column_names} ({ours.num_rows} rows)"
              f" vs {theirs.column_names} ({theirs.num_rows} rows)")
        return 1
    if (ours.schema.metadata or None) != (theirs.schema.metadata or None):
        print(f"METADATA {label}: flightlab={ours.schema.metadata} pyarrow={theirs.schema.metadata}")
        bad += 1
    for name in theirs.column_names:
        a = ours.schema.field(name)
        b = theirs.schema.field(name)
        column = theirs.column(name)
        if a.type != b.type or a.nullable != b.nullable:
            print(f"TYPE {name}: flightlab={a.type}{'' if a.nullable else ' not null'}"
                  f" pyarrow={b.type}{'' if b.nullable else ' not null'}")
            column = pc.cast(column, a.type)
        elif (a.metadata or None) != (b.metadata or None):
            print(f"METADATA {name}: flightlab={a.metadata} pyarrow={b.metadata}")
            bad += 1
        mine = ours.column(name)
        if pa.types.is_dictionary(a.type):
            # Compared decoded: each side's dictionary may order its values differently.
            mine = pc.cast(mine, a.type.value_type)
            column = pc.cast(column, a.type.value_type)
        if not mine.combine_chunks().equals(column.combine_chunks()):
            print(f"MISMATCH {label} {name}: {ours.column(name).to_pylist()[:8]}"
                  f" vs {column.to_pylist()[:8]}")
            bad += 1
    if not bad:
        print(f"OK {label}: {ours.num_rows} rows")
    return 1 if bad else 0


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    write_args = sub.add_parser("write")
    write_args.add_argument("directory")
    check_args = sub.add_parser("check")
    check_args.add_argument("--server", required=True)
    check_args.add_argument("path")
    check_args.add_argument("file")
    copy_args = sub.add_parser("copy")
    copy_args.add_argument("original")
    copy_args.add_argument("copy")
    stored_args = sub.add_parser("stored")
    stored_args.add_argument("file")
    args = p.parse_args()
    if args.command == "write":
        write(args.directory)
        return 0
    if args.command == "stored":
        value = pq.ParquetFile(args.file).metadata.metadata[b"ARROW:schema"]
        for field in pa.ipc.read_schema(pa.py_buffer(base64.b64decode(value))):
            print(f"{field.name}: {field.type}")
        return 0
    if args.command == "copy":
        return compare(pq.read_table(args.copy), read(args.original), args.copy)
    return check(args.server, args.path, args.file)


if __name__ == "__main__":
    sys.exit(main())
