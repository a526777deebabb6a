"""Writes the expected strings of ValueFormatterPyarrowTest: a table of values of many types (top
level and nested in lists, structs, maps, unions, run-end encoded and dictionary columns), as an
Arrow IPC file, and what pyarrow 25 prints for each of its cells, str(table.column(c)[r]).

Usage: python formatter_cases.py OUT_DIR
Writes OUT_DIR/formatter-cases.arrow and OUT_DIR/formatter-cases.tsv (COLUMN<TAB>ROW<TAB>TEXT,
with backslash, tab and newline escaped as \\\\, \\t and \\n). The test resources were made with
  .venv/bin/python python/formatter_cases.py src/test/resources/dev/flightlab/data
using pyarrow 25.0.1; rerun it and commit both files when a case changes.

Where str() of a scalar raises (a nanosecond time or timestamp that Python's datetime cannot hold,
with or without nesting), the case is left out: flightlab prints the digits pyarrow prints inside
an array there, which ValueFormatterTest pins.
"""

import datetime
import decimal
import os
import sys

import pyarrow as pa

utc = datetime.timezone.utc


def dt(*args):
    return datetime.datetime(*args, tzinfo=utc)


def columns():
    ts = [dt(2024, 1, 15, 10, 30), None, dt(1969, 12, 31, 23, 59, 59, 500000), dt(2000, 2, 29, 0, 0, 0, 1)]
    dates = [datetime.date(2024, 1, 15), None, datetime.date(1969, 12, 31), datetime.date(1, 1, 1)]
    times = [datetime.time(10, 30, 5), None, datetime.time(0, 0), datetime.time(23, 59, 59, 999999)]
    durations = [datetime.timedelta(days=1, seconds=5, microseconds=7), None,
                 datetime.timedelta(seconds=-5), datetime.timedelta(0)]
    mdn = [pa.MonthDayNano([1, 2, 3]), None, pa.MonthDayNano([-1, -2, -3000]), pa.MonthDayNano([0, 0, 0])]
    strings = ["it's", None, "a \"quoted\"\ttab", "twelve bytes"]
    cols = {
        "float16": pa.array([1.5, None, -0.0999755859375, 65504.0], pa.float16()),
        "decimal256": pa.array([decimal.Decimal("12345678901234567890123456789012345678901.5"), None,
                                decimal.Decimal("-0.01"), decimal.Decimal("0.00")], pa.decimal256(50, 2)),
        "date64": pa.array(dates, pa.date64()),
        "time32_s": pa.array(times[:3] + [datetime.time(23, 59, 59)], pa.time32("s")),
        "time32_ms": pa.array(times[:3] + [datetime.time(23, 59, 59, 999000)], pa.time32("ms")),
        "time64_us": pa.array(times, pa.time64("us")),
        "time64_ns": pa.array([37805123456000, None, 0, 1000], pa.time64("ns")),
        "duration_s": pa.array([86405, None, -5, 0], pa.duration("s")),
        "duration_ms": pa.array([86405123, None, -1, 0], pa.duration("ms")),
        "duration_us": pa.array(durations, pa.duration("us")),
        "duration_ns": pa.array([86405000007000, None, -1000, 0], pa.duration("ns")),
        "month_day_nano": pa.array(mdn, pa.month_day_nano_interval()),
        "fixed_size_binary": pa.array([b"ab'c", None, b"\x00\x01\x02\xff", b"    "], pa.binary(4)),
        "large_binary": pa.array([b"x", None, b"", b"\xffa\\"], pa.large_binary()),
        "large_string": pa.array(strings, pa.large_string()),
        "string_view": pa.array(strings, pa.string_view()),
        "binary_view": pa.array([None if s is None else s.encode() for s in strings], pa.binary_view()),
        "ts_us_paris": pa.array(ts, pa.timestamp("us", "Europe/Paris")),
        "ts_ms_offset": pa.array(ts, pa.timestamp("ms", "+05:30")),
        "ts_s_utc": pa.array([dt(2024, 1, 15, 10, 30), None, dt(1970, 1, 1), dt(1, 1, 1)], pa.timestamp("s", "UTC")),
        # nested temporal values
        "list_date32": pa.array([dates, None, [], [None]], pa.list_(pa.date32())),
        "list_date64": pa.array([dates, None, [], [None]], pa.list_(pa.date64())),
        "list_ts_s": pa.array([[datetime.datetime(2024, 1, 15, 10, 30)], None, [], [None]], pa.list_(pa.timestamp("s"))),
        "list_ts_us": pa.array([[datetime.datetime(2024, 1, 15, 10, 30, 0, 123456)], None, [], [None]], pa.list_(pa.timestamp("us"))),
        "list_ts_utc": pa.array([ts, None, [], [None]], pa.list_(pa.timestamp("us", "UTC"))),
        "list_ts_paris": pa.array([ts, None, [], [None]], pa.list_(pa.timestamp("ms", "Europe/Paris"))),
        "list_ts_offset": pa.array([ts, None, [], [None]], pa.list_(pa.timestamp("s", "+05:30"))),
        "list_ts_ny": pa.array([ts, None, [], [None]], pa.list_(pa.timestamp("us", "America/New_York"))),
        "list_ts_ns_utc": pa.array([[1705314600123456000], None, [], [None]], pa.list_(pa.timestamp("ns", "UTC"))),
        "list_time32": pa.array([times[:3], None, [], [None]], pa.list_(pa.time32("ms"))),
        "list_time64": pa.array([times, None, [], [None]], pa.list_(pa.time64("us"))),
        "list_duration_us": pa.array([durations, None, [], [None]], pa.list_(pa.duration("us"))),
        "list_duration_s": pa.array([[86405, -5, 0, 3600 * 49], None, [], [None]], pa.list_(pa.duration("s"))),
        "list_duration_ns": pa.array([[86405000007000, -1000], None, [], [None]], pa.list_(pa.duration("ns"))),
        "list_mdn": pa.array([mdn, None, [], [None]], pa.list_(pa.month_day_nano_interval())),
        "list_float16": pa.array([[1.5, None, 0.1], None, [], [None]], pa.list_(pa.float16())),
        "list_float32": pa.array([[0.1, 1e20], None, [], [None]], pa.list_(pa.float32())),
        "list_decimal": pa.array([[decimal.Decimal("1.50"), decimal.Decimal("-0.01")], None, [], [None]], pa.list_(pa.decimal128(10, 2))),
        "list_binary": pa.array([[b"a'b", b"\x00"], None, [], [None]], pa.list_(pa.binary())),
        "list_fixed_binary": pa.array([[b"ab", b"\xff\x00"], None, [], [None]], pa.list_(pa.binary(2))),
        "list_string_view": pa.array([["it's", "x"], None, [], [None]], pa.list_(pa.string_view())),
        "list_large_string": pa.array([["a\nb", "c"], None, [], [None]], pa.list_(pa.large_string())),
        "list_bool": pa.array([[True, False, None], None, [], [None]], pa.list_(pa.bool_())),
        "list_uint8": pa.array([[200, 1], None, [], [None]], pa.list_(pa.uint8())),
        "struct_temporal": pa.array([{"d": datetime.date(2024, 1, 15), "t": dt(2024, 1, 15, 10, 30),
                                      "du": datetime.timedelta(seconds=5), "tm": datetime.time(1, 2, 3)},
                                     None,
                                     {"d": None, "t": None, "du": None, "tm": None},
                                     {"d": datetime.date(1, 1, 1), "t": dt(1970, 1, 1), "du": datetime.timedelta(days=-1), "tm": datetime.time(0, 0)}],
                                    pa.struct([("d", pa.date32()), ("t", pa.timestamp("us", "Europe/Paris")),
                                               ("du", pa.duration("ms")), ("tm", pa.time64("us"))])),
        "struct_plain": pa.array([{"a": 1, "b": "x"}, None, {"a": None, "b": None}, {"a": -1, "b": "it's"}],
                                 pa.struct([("a", pa.int32()), ("b", pa.string())])),
        "struct_nested": pa.array([{"s": {"x": 1}, "l": [1, 2]}, None, {"s": None, "l": None}, {"s": {"x": None}, "l": []}],
                                  pa.struct([("s", pa.struct([("x", pa.int8())])), ("l", pa.list_(pa.int16()))])),
        "list_struct": pa.array([[{"a": 1, "b": "x"}, None], None, [], [{"a": None, "b": "y"}]],
                                pa.list_(pa.struct([("a", pa.int32()), ("b", pa.string())]))),
        "map_temporal": pa.array([[("a", dt(2024, 1, 15, 10, 30)), ("b", None)], None, [], [("c", dt(1970, 1, 1))]],
                                 pa.map_(pa.string(), pa.timestamp("s", "UTC"))),
        "map_date_keys": pa.array([[(datetime.date(2024, 1, 15), 1.5)], None, [], [(datetime.date(1, 1, 1), None)]],
                                  pa.map_(pa.date32(), pa.float64())),
        "list_map": pa.array([[[("a", 1)], None], None, [], [[]]], pa.list_(pa.map_(pa.string(), pa.int64()))),
        "list_list": pa.array([[[1, None], []], None, [], [None]], pa.list_(pa.list_(pa.int64()))),
        # the new container types
        "large_list": pa.array([[1, 2], None, [], [None]], pa.large_list(pa.int32())),
        "large_list_dates": pa.array([dates, None, [], [None]], pa.large_list(pa.date32())),
        "list_view": pa.array([["a", "it's"], None, [], [None]], pa.list_view(pa.string())),
        "large_list_view": pa.array([[1.5, 2.0], None, [], [None]], pa.large_list_view(pa.float64())),
        "fixed_size_list": pa.array([[1, 2, 3], None, [4, None, 6], [0, 0, 0]], pa.list_(pa.int16(), 3)),
        "fixed_size_list_ts": pa.array([ts[:2], None, [ts[2], ts[3]], [None, None]], pa.list_(pa.timestamp("us", "UTC"), 2)),
        "sparse_union": pa.UnionArray.from_sparse(
            pa.array([0, 1, 0, 1], pa.int8()),
            [pa.array([1, None, None, 4], pa.int32()), pa.array(["a", "it's", "c", None], pa.string())],
            field_names=["i", "s"]),
        "dense_union": pa.UnionArray.from_dense(
            pa.array([0, 1, 1, 0], pa.int8()), pa.array([0, 0, 1, 1], pa.int32()),
            [pa.array([dt(2024, 1, 15, 10, 30), None], pa.timestamp("s", "UTC")), pa.array([b"x", None], pa.binary())],
            field_names=["t", "b"]),
        "list_sparse_union": pa.ListArray.from_arrays(
            pa.array([0, 2, 2, 2, 3], pa.int32()),
            pa.UnionArray.from_sparse(pa.array([0, 1, 1], pa.int8()),
                                      [pa.array([1, 2, 3], pa.int64()), pa.array(["a", "b", None], pa.string())],
                                      field_names=["i", "s"]),
            mask=pa.array([False, True, False, False])),
        "run_end_encoded": pa.RunEndEncodedArray.from_arrays(pa.array([2, 3, 4], pa.int32()), pa.array(["a", None, "it's"])),
        "run_end_encoded_dates": pa.RunEndEncodedArray.from_arrays(
            pa.array([1, 3, 4], pa.int16()), pa.array([datetime.date(2024, 1, 15), None, datetime.date(1, 1, 1)], pa.date32())),
        "dictionary_int64": pa.DictionaryArray.from_arrays(pa.array([0, None, 1, 0], pa.int8()), pa.array([10, -20], pa.int64())),
        "dictionary_date32": pa.DictionaryArray.from_arrays(pa.array([1, None, 0, 1], pa.int16()),
                                                            pa.array([datetime.date(2024, 1, 15), datetime.date(1, 1, 1)], pa.date32())),
        "dictionary_ts": pa.DictionaryArray.from_arrays(pa.array([0, None, 0, 0], pa.int32()),
                                                        pa.array([dt(2024, 1, 15, 10, 30)], pa.timestamp("us", "Europe/Paris"))),
        "dictionary_struct": pa.DictionaryArray.from_arrays(pa.array([0, None, 1, 0], pa.int32()),
                                                            pa.array([{"a": 1}, {"a": None}], pa.struct([("a", pa.int8())]))),
        "list_dictionary": pa.ListArray.from_arrays(pa.array([0, 2, 2, 2, 3], pa.int32()),
                                                    pa.DictionaryArray.from_arrays(pa.array([0, 1, 0], pa.int32()), pa.array(["it's", "b"])),
                                                    mask=pa.array([False, True, False, False])),
    }
    return cols


def escape(text):
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def main(argv):
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    out = argv[0]
    table = pa.table(columns())
    table.validate(full=True)
    with pa.OSFile(os.path.join(out, "formatter-cases.arrow"), "wb") as sink, \
            pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    skipped = []
    with open(os.path.join(out, "formatter-cases.tsv"), "w", encoding="utf-8", newline="\n") as tsv:
        tsv.write(f"# pyarrow {pa.__version__}: str(table.column(c)[r]) per cell; python/formatter_cases.py\n")
        for name in table.column_names:
            column = table.column(name)
            for r in range(table.num_rows):
                try:
                    text = str(column[r])
                except Exception as e:  # pyarrow cannot make a Python value of it: left out
                    skipped.append(f"{name}[{r}]: {e}")
                    continue
                tsv.write(f"{name}\t{r}\t{escape(text)}\n")
    for s in skipped:
        print("left out", s)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
