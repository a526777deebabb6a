"""pyarrow's side of the checks on flightlab's own data: what the bench's generator uploads, and
Arrow IPC files of every type for `--data-file`.

Usage:
  python interop_generated.py validate --server grpc://127.0.0.1:PORT PATH...
      Fetches each dataset (DoGet Ticket(PATH)), validates every batch with validate(full=True)
      and prints one line per dataset:
        PASS PATH<TAB>ROWS<TAB>NULLS<TAB>TYPE     (TYPE: str() of the first column's pyarrow type)
        FAIL PATH<TAB>what went wrong
  python interop_generated.py fixtures DIR
      Writes DIR/NAME.arrow, an Arrow IPC file of one column of each type, with nulls, in two
      record batches, and DIR/NAME.parquet where Parquet can hold the type, and prints one line
      per type: NAME<TAB>ROWS<TAB>NULLS<TAB>TYPE<TAB>parquet|parquet-refused|no-parquet
      (parquet-refused: a decimal over 38 digits, which flightlab refuses to read from Parquet).
Exit code 0 when every line is PASS (validate) or every file was written (fixtures), 1 otherwise.
"""

import datetime
import decimal
import os
import sys

import pyarrow as pa
import pyarrow.flight as flight
import pyarrow.parquet as pq


def validate(server, paths):
    client = flight.connect(server)
    ok = True
    for path in paths:
        try:
            table = client.do_get(flight.Ticket(path.encode())).read_all()
            for batch in table.to_batches():
                batch.validate(full=True)
            table.validate(full=True)
            column = table.column(0)
            print(f"PASS {path}\t{table.num_rows}\t{column.null_count}\t{column.type}")
        except Exception as e:  # every failure is one FAIL line
            ok = False
            print(f"FAIL {path}\t{type(e).__name__}: {e}")
    return ok


def fixture_columns():
    """One array per fixture, nulls included."""
    utc = datetime.timezone.utc
    strings = ["short", None, "a string longer than twelve bytes", "", "twelve bytes"]
    return {
        "float16": pa.array([1.5, None, -2.25, 65504.0, 0.0], pa.float16()),
        "decimal256": pa.array(
            [decimal.Decimal("1234567890123456789012345678901234567890.12"), None,
             decimal.Decimal("-0.01"), decimal.Decimal(0), decimal.Decimal("7")],
            pa.decimal256(50, 2)),
        "date64": pa.array([datetime.date(2024, 1, 15), None, datetime.date(1969, 12, 31),
                            datetime.date(2000, 2, 29), datetime.date(1, 1, 1)], pa.date64()),
        "time32_s": pa.array([0, None, 86399, 37805, 1], pa.time32("s")),
        "time32_ms": pa.array([0, None, 86399999, 37805123, 1], pa.time32("ms")),
        "time64_us": pa.array([0, None, 86399999999, 37805123456, 1], pa.time64("us")),
        "time64_ns": pa.array([0, None, 86399999999999, 37805123456789, 1], pa.time64("ns")),
        "duration_ms": pa.array([0, None, -5, 86400000, 123], pa.duration("ms")),
        "month_day_nano": pa.array(
            [pa.MonthDayNano([1, 2, 3]), None, pa.MonthDayNano([-1, -2, -3]),
             pa.MonthDayNano([0, 0, 0]), pa.MonthDayNano([12, 31, 86399999999999])],
            pa.month_day_nano_interval()),
        "fixed_size_binary": pa.array([b"abcd", None, b"\x00\x01\x02\xff", b"    ", b"wxyz"],
                                      pa.binary(4)),
        "large_binary": pa.array([b"x", None, b"", b"\xff" * 20, b"yz"], pa.large_binary()),
        "large_string": pa.array(strings, pa.large_string()),
        "string_view": pa.array(strings, pa.string_view()),
        "binary_view": pa.array([None if s is None else s.encode() for s in strings],
                                pa.binary_view()),
        "large_list": pa.array([[1, 2], None, [], [None], [3]], pa.large_list(pa.int32())),
        "list_view": pa.array([["a"], None, [], ["b", None], ["c"]], pa.list_view(pa.string())),
        "large_list_view": pa.array([[1.5], None, [], [2.5, None], [3.5]],
                                    pa.large_list_view(pa.float64())),
        "fixed_size_list": pa.array([[1, 2, 3], None, [4, None, 6], [7, 8, 9], [0, 0, 0]],
                                    pa.list_(pa.int16(), 3)),
        "map": pa.array([[("a", 1)], None, [], [("b", None), ("c", 3)], [("d", 4)]],
                        pa.map_(pa.string(), pa.int64())),
        "sparse_union": pa.UnionArray.from_sparse(
            pa.array([0, 1, 0, 1, 0], pa.int8()),
            [pa.array([1, None, 3, 4, 5], pa.int32()),
             pa.array(["a", "b", None, "d", "e"], pa.string())],
            field_names=["i", "s"]),
        "dense_union": pa.UnionArray.from_dense(
            pa.array([0, 1, 1, 0, 1], pa.int8()),
            pa.array([0, 0, 1, 1, 2], pa.int32()),
            [pa.array([10, None], pa.int64()), pa.array(["x", None, "z"], pa.string())],
            field_names=["i", "s"]),
        "run_end_encoded": pa.RunEndEncodedArray.from_arrays(
            pa.array([2, 3, 5], pa.int32()), pa.array(["a", None, "c"], pa.string())),
        "run_end_encoded_int16": pa.RunEndEncodedArray.from_arrays(
            pa.array([1, 5], pa.int16()), pa.array([1.5, None], pa.float64())),
        "dictionary_int64": pa.array([10, None, 20, 10, 30]).dictionary_encode(),
        "dictionary_float64_int8": pa.DictionaryArray.from_arrays(
            pa.array([0, None, 1, 1, 0], pa.int8()), pa.array([1.5, -2.5], pa.float64())),
        "dictionary_date32_int16": pa.DictionaryArray.from_arrays(
            pa.array([1, 0, None, 1, 0], pa.int16()),
            pa.array([datetime.date(2024, 1, 15), datetime.date(2000, 1, 1)], pa.date32())),
        "timestamp_tz": pa.array([datetime.datetime(2024, 1, 15, 10, 30, tzinfo=utc), None,
                                  datetime.datetime(1970, 1, 1, tzinfo=utc),
                                  datetime.datetime(2000, 6, 1, 12, tzinfo=utc),
                                  datetime.datetime(1999, 12, 31, 23, 59, 59, tzinfo=utc)],
                                 pa.timestamp("us", "Europe/Paris")),
    }


def fixtures(directory):
    os.makedirs(directory, exist_ok=True)
    for name, array in fixture_columns().items():
        table = pa.table({name: array})
        batches = table.to_batches()[0]
        # two record batches: rows 0-1 and 2-4
        parts = [batches.slice(0, 2), batches.slice(2)]
        path = os.path.join(directory, name + ".arrow")
        with pa.OSFile(path, "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
            for part in parts:
                writer.write_batch(part)
        try:
            pq.write_table(table, os.path.join(directory, name + ".parquet"))
            # DuckDB reads a decimal over 38 digits as DOUBLE: flightlab refuses to put it.
            wide = pa.types.is_decimal(array.type) and array.type.precision > 38
            parquet = "parquet-refused" if wide else "parquet"
        except pa.ArrowNotImplementedError:  # unions, run-end encoded, month_day_nano
            parquet = "no-parquet"
        print(f"{name}\t{len(array)}\t{array.null_count}\t{array.type}\t{parquet}")
    return True


def main(argv):
    if len(argv) >= 3 and argv[0] == "validate" and argv[1] == "--server":
        return 0 if validate(argv[2], argv[3:]) else 1
    if len(argv) == 2 and argv[0] == "fixtures":
        return 0 if fixtures(argv[1]) else 1
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
