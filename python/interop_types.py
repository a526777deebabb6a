"""Type matrix: pyarrow uploads tables of every Arrow type to a Flight server and downloads them back.

Usage: python interop_types.py --server grpc://127.0.0.1:PORT [--only NAME ...] [--list]
                              [--phase both|put|get]

Each case uploads a table with DoPut (FlightDescriptor.for_path("/interop/types/NAME")), fetches
it with DoGet (Ticket(b"/interop/types/NAME")) and checks that what came back is what was sent:
the same schema (with its metadata), the same batch boundaries, and the same bytes when both are
written as one uncompressed IPC stream by pyarrow (so slices, which pyarrow writes truncated,
compare by content, and NaN payloads and padding-free buffers compare exactly).

One line per case on stdout:
  PASS NAME
  KNOWN_GAP NAME: error text     (listed in KNOWN_GAPS below, failed with the text listed there)
  FAIL NAME: what differed       (a regression, or a known gap failing with a different error)
  FIXED NAME: ...                (listed in KNOWN_GAPS but passes: remove it from the list)
and a last line "SUMMARY passed=P known_gaps=K failed=F fixed=X". Exit code 0 when nothing
FAILed and nothing was FIXED, 1 otherwise, 2 for bad arguments.
"""

import argparse
import ctypes
import datetime
import decimal
import struct
import sys

import pyarrow as pa
import pyarrow.flight as flight

# What flightlab does not accept today. THE one place for them: each entry names a case below and
# a piece of the error the server answers with today. A case listed here must fail with that text;
# when a fix makes it pass, this script reports FIXED and fails, so that the fix also deletes the
# entry here (and from docs/interop.md).
KNOWN_GAPS = {
}

TIMEOUT_SECONDS = 30


def batch(**columns):
    return pa.RecordBatch.from_pydict(columns)


def table(*batches, schema=None):
    return pa.Table.from_batches(list(batches), schema=schema)


def from_buffers(type_, length, buffers, null_count=-1, children=None):
    return pa.Array.from_buffers(type_, length, buffers, null_count=null_count, children=children)


class _ArrowSchema(ctypes.Structure):
    """The Arrow C data interface's ArrowSchema, enough to import a type by its format string."""


_RELEASE = ctypes.CFUNCTYPE(None, ctypes.POINTER(_ArrowSchema))
_ArrowSchema._fields_ = [
    ("format", ctypes.c_char_p), ("name", ctypes.c_char_p), ("metadata", ctypes.c_char_p),
    ("flags", ctypes.c_int64), ("n_children", ctypes.c_int64), ("children", ctypes.c_void_p),
    ("dictionary", ctypes.c_void_p), ("release", _RELEASE), ("private_data", ctypes.c_void_p),
]


@_RELEASE
def _release(schema):
    schema.contents.release = _RELEASE()


def c_type(format_string):
    """A type pyarrow has no factory for (interval months, interval day-time), by C format string."""
    schema = _ArrowSchema(format=format_string, flags=2, release=_release)
    return pa.DataType._import_from_c(ctypes.addressof(schema))


def batch_as(type_, same_layout_array):
    """A one-column batch of type_, whose buffers are those of an array of the same layout: pyarrow
    has no Array class for the interval months and day-time types, but reads and writes them."""
    message = pa.record_batch([same_layout_array], ["v"]).serialize()
    return pa.ipc.read_record_batch(message, pa.schema([("v", type_)]))


def utc(*args):
    return datetime.datetime(*args, tzinfo=datetime.timezone.utc)


# ---- the cases: name -> (table, IpcWriteOptions or None) -------------------------------------


def integer_cases():
    cases = {}
    for bits in (8, 16, 32, 64):
        lo, hi = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
        signed = pa.array([lo, -1, 0, None, 1, hi], getattr(pa, f"int{bits}")())
        unsigned = pa.array([0, 1, None, 2**bits - 1], getattr(pa, f"uint{bits}")())
        cases[f"int{bits}"] = table(batch(v=signed))
        cases[f"uint{bits}"] = table(batch(v=unsigned))
    return cases


def float_cases():
    # float16 from its bits: 1.0, -2.5, +inf, NaN with a payload, -0.0, 65504 (max).
    half_bits = [0x3C00, 0xC100, 0x7C00, 0x7E01, 0x8000, 0x7BFF]
    half = from_buffers(
        pa.float16(), len(half_bits), [None, pa.py_buffer(struct.pack("<6H", *half_bits))]
    )
    nan_payload = struct.unpack("<d", struct.pack("<Q", 0x7FF8_0000_DEAD_BEEF))[0]
    return {
        "float16": table(batch(v=half)),
        "float32": table(
            batch(v=pa.array([1.5, None, float("inf"), float("-inf"), float("nan"), -0.0], pa.float32()))
        ),
        "float64": table(
            batch(v=pa.array([1e308, None, 5e-324, nan_payload, -0.0, float("-inf")], pa.float64()))
        ),
    }


def decimal_cases():
    d = decimal.Decimal
    return {
        "decimal128": table(
            batch(v=pa.array([d("1234567890123456789012345678.9012345678"), None, d("-0.0000000001")],
                             pa.decimal128(38, 10)))
        ),
        "decimal256": table(
            batch(v=pa.array([d("9" * 56 + "." + "9" * 20), None, d("-1.5")], pa.decimal256(76, 20)))
        ),
        "decimal32": table(batch(v=pa.array([d("12345.67"), None, d("-0.01")], pa.decimal32(7, 2)))),
        "decimal64": table(
            batch(v=pa.array([d("1234567890123.45678"), None, d("-0.00001")], pa.decimal64(18, 5)))
        ),
        # Arrow Java has no vectors for these two: flightlab keeps them as bytes, at any depth.
        "decimal32_in_list": table(
            batch(v=pa.array([[d("1.25"), None], None, [], [d("-9999.99")]], pa.list_(pa.decimal32(6, 2)))),
            batch(v=pa.array([[d("0.01")]], pa.list_(pa.decimal32(6, 2)))),
        ),
        "decimal64_in_struct": table(batch(v=pa.array(
            [{"a": d("123456789012.345678"), "b": 1}, None, {"a": None, "b": 2}],
            pa.struct([("a", pa.decimal64(18, 6)), ("b", pa.int8())])))),
        "decimal64_map_items": table(batch(v=pa.array(
            [[("k", d("1.5"))], None, [("x", None), ("y", d("-2.25"))]], pa.map_(pa.utf8(), pa.decimal64(10, 2))))),
        "decimal32_dictionary": table(batch(v=pa.DictionaryArray.from_arrays(
            pa.array([0, 1, None, 0], pa.int8()), pa.array([d("1.50"), d("-7.25")], pa.decimal32(3, 2))))),
    }


def binary_cases():
    strings = ["", "a", None, "ünïcødé ✓", "x" * 1000]
    views = ["short", None, "a string longer than twelve bytes", "", "another long string, in a buffer"]
    return {
        "bool": table(batch(v=pa.array([True, False, None, True] * 5 + [False], pa.bool_()))),
        "utf8": table(batch(v=pa.array(strings, pa.utf8()))),
        "large_utf8": table(batch(v=pa.array(strings, pa.large_utf8()))),
        "binary": table(batch(v=pa.array([b"", b"\x00\xff", None, b"bytes" * 50], pa.binary()))),
        "large_binary": table(batch(v=pa.array([b"", b"\x00\xff", None, b"bytes" * 50], pa.large_binary()))),
        "string_view": table(batch(v=pa.array(views, pa.string_view()))),
        "binary_view": table(batch(v=pa.array([s.encode() if s else None for s in views], pa.binary_view()))),
        "fixed_size_binary": table(batch(v=pa.array([b"0123456789abcdef", None, b"\x00" * 16], pa.binary(16)))),
    }


def temporal_cases():
    day = datetime.date(2024, 2, 29)
    moment = utc(2024, 2, 29, 12, 34, 56, 789012)
    cases = {
        "date32": table(batch(v=pa.array([day, None, datetime.date(1969, 12, 31)], pa.date32()))),
        "date64": table(batch(v=pa.array([day, None, datetime.date(1970, 1, 1)], pa.date64()))),
        "time32_s": table(batch(v=pa.array([0, None, 86399], pa.time32("s")))),
        "time32_ms": table(batch(v=pa.array([0, None, 86_399_999], pa.time32("ms")))),
        "time64_us": table(batch(v=pa.array([0, None, 86_399_999_999], pa.time64("us")))),
        "time64_ns": table(batch(v=pa.array([0, None, 86_399_999_999_999], pa.time64("ns")))),
        "timestamp_naive": table(batch(v=pa.array([moment.replace(tzinfo=None), None], pa.timestamp("us")))),
    }
    for unit, zone in (("s", "UTC"), ("ms", "Europe/Paris"), ("us", "America/New_York"), ("ns", "+05:30")):
        cases[f"timestamp_{unit}_{zone}"] = table(batch(v=pa.array([moment, None], pa.timestamp(unit, zone))))
    for unit in ("s", "ms", "us", "ns"):
        cases[f"duration_{unit}"] = table(batch(v=pa.array([0, None, -(2**40), 2**40], pa.duration(unit))))
    # Same layouts: months as int32, (days int32, milliseconds int32) as one int64.
    months = batch_as(c_type(b"tiM"), pa.array([0, None, -13, 1200], pa.int32()))
    day_time = [struct.unpack("<q", struct.pack("<2i", d, ms))[0] for d, ms in ((1, 1000), (-2, -500))]
    days = batch_as(c_type(b"tiD"), pa.array(day_time + [None], pa.int64()))
    cases["interval_months"] = table(months)
    cases["interval_day_time"] = table(days)
    cases["interval_month_day_nano"] = table(
        batch(v=pa.array([pa.MonthDayNano([1, -2, 3_000_000_000]), None], pa.month_day_nano_interval()))
    )
    return cases


def nested_cases():
    point = pa.struct([("x", pa.int32()), ("label", pa.utf8())])
    dense_type = pa.dense_union([pa.field("i", pa.int64()), pa.field("s", pa.utf8())])
    dense = pa.UnionArray.from_dense(
        pa.array([0, 1, 0, 1], pa.int8()),
        pa.array([0, 0, 1, 1], pa.int32()),
        [pa.array([7, None], pa.int64()), pa.array(["seven", "eight"], pa.utf8())],
        ["i", "s"],
    )
    sparse = pa.UnionArray.from_sparse(
        pa.array([0, 1, 1, 0], pa.int8()),
        [pa.array([1, 2, 3, None], pa.int64()), pa.array(["a", None, "c", "d"], pa.utf8())],
        ["i", "s"],
    )
    assert dense.type == dense_type
    ree = pa.RunEndEncodedArray.from_arrays(
        pa.array([3, 5, 9], pa.int32()), pa.array(["three", None, "four"], pa.utf8())
    )
    return {
        "list": table(batch(v=pa.array([[1, 2], None, [], [None, 4]], pa.list_(pa.int32())))),
        "large_list": table(batch(v=pa.array([["a"], None, [], ["b", None]], pa.large_list(pa.utf8())))),
        "fixed_size_list": table(
            batch(v=pa.array([[1.0, 2.0, 3.0], None, [None, 5.0, 6.0]], pa.list_(pa.float32(), 3)))
        ),
        "list_view": table(batch(v=pa.array([[1, 2], None, [], [3]], pa.list_view(pa.int64())))),
        "large_list_view": table(batch(v=pa.array([["x"], None, []], pa.large_list_view(pa.utf8())))),
        "struct": table(batch(v=pa.array([{"x": 1, "label": "a"}, None, {"x": None, "label": None}], point))),
        "map": table(
            batch(v=pa.array([[("a", 1), ("b", None)], None, []], pa.map_(pa.utf8(), pa.int64())))
        ),
        "dense_union": table(batch(v=dense)),
        "sparse_union": table(batch(v=sparse)),
        "run_end_encoded": table(batch(v=ree)),
        "deep_nesting": table(
            batch(
                v=pa.array(
                    [[{"m": [("k", [1, 2])]}], None, [{"m": None}]],
                    pa.list_(pa.struct([("m", pa.map_(pa.utf8(), pa.list_(pa.int16())))])),
                )
            )
        ),
    }


def dictionary_cases():
    words = pa.array(["red", "green", None, "red", "blue"]).dictionary_encode()
    first = pa.array(["a", "b", "a"]).dictionary_encode()
    second = pa.array(["c", "d", "c"]).dictionary_encode()  # another dictionary: a replacement
    extended = pa.DictionaryArray.from_arrays(pa.array([0, 2, 1], pa.int32()), pa.array(["a", "b", "c"]))
    prefix = pa.DictionaryArray.from_arrays(pa.array([0, 1, 0], pa.int32()), pa.array(["a", "b"]))
    return {
        "dictionary": table(batch(v=words)),
        "dictionary_int8_large_utf8": table(
            batch(v=pa.DictionaryArray.from_arrays(pa.array([1, 0, None, 1], pa.int8()),
                                                   pa.array(["x", "y"], pa.large_utf8())))
        ),
        "dictionary_ordered": table(
            batch(v=pa.DictionaryArray.from_arrays(pa.array([0, 1], pa.int16()), pa.array([10, 20]), ordered=True))
        ),
        "dictionary_in_list": table(
            batch(v=pa.ListArray.from_arrays(pa.array([0, 2, 3], pa.int32()), words.slice(0, 3)))
        ),
        "dictionary_same_in_two_batches": table(batch(v=first), batch(v=first)),
        "dictionary_replacement": pa.concat_tables([table(batch(v=first)), table(batch(v=second))]),
        "dictionary_delta": (
            table(batch(v=prefix), batch(v=extended)),
            pa.ipc.IpcWriteOptions(emit_dictionary_deltas=True),
        ),
    }


def shape_cases():
    wide = pa.table(
        {
            "i": pa.array(range(10_000), pa.int64()),
            "s": pa.array([f"row {i}" if i % 7 else None for i in range(10_000)], pa.utf8()),
            "b": pa.array([i % 3 == 0 for i in range(10_000)], pa.bool_()),
            "l": pa.array([[i] * (i % 4) for i in range(10_000)], pa.list_(pa.int32())),
        }
    )
    uuid = pa.ExtensionArray.from_storage(pa.uuid(), pa.array([b"\x01" * 16, None], pa.binary(16)))
    meta_schema = pa.schema(
        [pa.field("v", pa.int32(), metadata={"unit": "kg", "note": "ünïcødé"})], metadata={"origin": "interop"}
    )
    empty_schema = pa.schema([("i", pa.int64()), ("s", pa.utf8()), ("l", pa.list_(pa.float64()))])
    return {
        "null_type": table(batch(v=pa.nulls(5))),
        "all_nulls_every_type": table(
            batch(
                i=pa.nulls(3, pa.int64()),
                s=pa.nulls(3, pa.utf8()),
                b=pa.nulls(3, pa.bool_()),
                l=pa.nulls(3, pa.list_(pa.int8())),
                t=pa.nulls(3, pa.timestamp("ms", "UTC")),
            )
        ),
        "slices": table(*wide.slice(3, 9_000).to_batches(max_chunksize=2_500)),
        "slice_bool_bit_offset": table(batch(v=pa.array([True, False, None] * 11).slice(5, 17))),
        "slice_nested": table(batch(v=pa.array([[1], [2, 3], None, [4, 5, 6]] * 4, pa.list_(pa.int8())).slice(3, 9))),
        "slice_union": table(batch(v=nested_cases()["sparse_union"].column(0).chunk(0).slice(1, 2))),
        "many_batches": table(*wide.to_batches(max_chunksize=1_000)),
        "empty_batch": table(pa.RecordBatch.from_pylist([], schema=empty_schema)),
        "schema_only_no_batches": pa.Table.from_batches([], schema=empty_schema),
        "empty_then_rows": table(
            pa.RecordBatch.from_pylist([], schema=empty_schema),
            pa.RecordBatch.from_pylist([{"i": 1, "s": "x", "l": [0.5]}], schema=empty_schema),
        ),
        "schema_and_field_metadata": table(pa.record_batch([pa.array([1, None], pa.int32())], schema=meta_schema)),
        "extension_uuid": table(batch(v=uuid)),
        "compressed_lz4": (wide, pa.ipc.IpcWriteOptions(compression="lz4")),
        "compressed_zstd": (wide, pa.ipc.IpcWriteOptions(compression="zstd")),
        "compressed_zstd_dictionary": (
            table(batch(v=pa.array(["p", "q", None] * 300).dictionary_encode())),
            pa.ipc.IpcWriteOptions(compression=pa.Codec("zstd", 3)),
        ),
    }


def all_cases():
    cases = {}
    for group in (integer_cases, float_cases, decimal_cases, binary_cases, temporal_cases, nested_cases,
                  dictionary_cases, shape_cases):
        for name, value in group().items():
            assert name not in cases, name
            cases[name] = value if isinstance(value, tuple) else (value, None)
    unknown = set(KNOWN_GAPS) - set(cases)
    assert not unknown, f"KNOWN_GAPS names no case: {sorted(unknown)}"
    return cases


# ---- the round trip --------------------------------------------------------------------------


def canonical_ipc(schema, batches):
    """One uncompressed IPC stream, as pyarrow writes it: equal bytes, equal data."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, schema) as writer:
        for b in batches:
            writer.write_batch(b)
    return sink.getvalue()


def round_trip(client, name, tbl, write_options, phase="both"):
    """Uploads (phase "put" or "both") and checks what comes back (phase "get" or "both")."""
    path = f"/interop/types/{name}"
    options = flight.FlightCallOptions(timeout=TIMEOUT_SECONDS, write_options=write_options)
    sent = tbl.to_batches()
    if phase in ("put", "both"):
        writer, _ = client.do_put(flight.FlightDescriptor.for_path(path), tbl.schema, options=options)
        for b in sent:
            writer.write_batch(b)
        writer.close()
    if phase == "put":
        return None

    reader = client.do_get(flight.Ticket(path.encode()), options=flight.FlightCallOptions(timeout=TIMEOUT_SECONDS))
    got = [chunk.data for chunk in reader]
    got_schema = reader.schema
    if not got_schema.equals(tbl.schema, check_metadata=True):
        return f"schema differs: sent {tbl.schema!r} got {got_schema!r}"
    if [b.num_rows for b in got] != [b.num_rows for b in sent]:
        return f"batch rows differ: sent {[b.num_rows for b in sent]} got {[b.num_rows for b in got]}"
    # Both written with the sent schema: the schema was compared above (Arrow Java writes an empty
    # custom_metadata list where pyarrow writes none, which reads back as {} and compares equal).
    if canonical_ipc(tbl.schema, got).equals(canonical_ipc(tbl.schema, sent)):
        return None
    trimmed = compare_buffers(tbl.schema, sent, got)
    if trimmed is None:
        return "data differs: " + first_difference(sent, got)
    return trimmed


def column_buffers(array):
    buffers = list(array.buffers())
    if isinstance(array, pa.DictionaryArray):
        buffers += column_buffers(array.dictionary)
    return buffers


def compare_buffers(schema, sent, got):
    """When the two streams differ in bytes: are the buffers the server sent back the ones pyarrow
    put on the wire, bit for bit, but for their lengths (a shorter buffer is a prefix of the longer
    one)? Returns a note saying so, or None when some bit differs or a buffer appeared/vanished."""
    on_wire = list(pa.ipc.open_stream(canonical_ipc(schema, sent)))
    notes = set()
    for i, (a, b) in enumerate(zip(on_wire, got)):
        for c in range(a.num_columns):
            try:
                ours, theirs = column_buffers(a.column(c)), column_buffers(b.column(c))
            except KeyError:
                return None
            if len(ours) != len(theirs):
                return None
            for x, y in zip(ours, theirs):
                x = b"" if x is None else x.to_pybytes()
                y = b"" if y is None else y.to_pybytes()
                n = min(len(x), len(y))
                if x[:n] != y[:n] or (n == 0 and len(x) != len(y)):
                    return None
                if len(y) < len(x):
                    notes.add("shorter")
                elif len(y) > len(x):
                    notes.add("longer")
    return "trimmed: " + " and ".join(sorted(notes)) if notes else None


def first_difference(sent, got):
    for i, (a, b) in enumerate(zip(sent, got)):
        for c in range(a.num_columns):
            name = a.schema.field(c).name
            try:
                if not a.column(c).equals(b.column(c)):
                    return f"batch {i} column {name}: sent {a.column(c)} got {b.column(c)}"
            except KeyError:  # a type with no pyarrow Array class: compare its buffers
                if a.serialize() != b.serialize():
                    return f"batch {i}: IPC body bytes differ"
    return "IPC bytes differ, values compare equal (NaN payloads or dictionaries?)"


def error_text(e):
    """The server's message, without gRPC's debug context (which varies run to run)."""
    text = " ".join(str(e).split())
    return text.split(". gRPC client debug context:")[0]


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="grpc://127.0.0.1:50051")
    parser.add_argument("--only", nargs="*", help="run only these cases")
    parser.add_argument("--list", action="store_true", help="print the case names and exit")
    parser.add_argument("--phase", choices=("both", "put", "get"), default="both",
                        help="put: upload only (PASS = stored); get: download and check only, what an "
                             "earlier --phase put stored (a server restarted in between, say)")
    args = parser.parse_args(argv)

    cases = all_cases()
    if args.list:
        for name in cases:
            print(name + (" (known gap)" if name in KNOWN_GAPS else ""))
        return 0
    if args.only:
        missing = [n for n in args.only if n not in cases]
        if missing:
            parser.error(f"no such case: {', '.join(missing)}")
        cases = {n: cases[n] for n in args.only}

    counts = {"PASS": 0, "KNOWN_GAP": 0, "FAIL": 0, "FIXED": 0}
    with flight.FlightClient(args.server) as client:
        for name, (tbl, write_options) in cases.items():
            try:
                problem = round_trip(client, name, tbl, write_options, args.phase)
            except (pa.ArrowException, flight.FlightError) as e:
                problem = f"{type(e).__name__}: {error_text(e)}"
            gap = KNOWN_GAPS.get(name)
            if problem is not None and problem.startswith("trimmed: "):
                # Same bits; some buffers came back shorter (or longer) than pyarrow sent them.
                note = problem.split(": ", 1)[1]
                problem = None
            else:
                note = None
            if problem is None and gap is None:
                status = "PASS"
                line = f"PASS {name}" + (f" (same bits; some buffers came back {note} than sent)" if note else "")
            elif problem is None:
                status, line = "FIXED", (f"FIXED {name}: passes now; remove it from KNOWN_GAPS in "
                                         "python/interop_types.py and docs/interop.md")
            elif gap is not None and gap in problem:
                status, line = "KNOWN_GAP", f"KNOWN_GAP {name}: {problem}"
            elif gap is not None:
                status, line = "FAIL", f"FAIL {name}: known gap expected {gap!r}, got: {problem}"
            else:
                status, line = "FAIL", f"FAIL {name}: {problem}"
            counts[status] += 1
            print(line, flush=True)
    print("SUMMARY passed={PASS} known_gaps={KNOWN_GAP} failed={FAIL} fixed={FIXED}".format(**counts), flush=True)
    return 0 if counts["FAIL"] == 0 and counts["FIXED"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
