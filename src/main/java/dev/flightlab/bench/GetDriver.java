package dev.flightlab.bench;

import dev.flightlab.client.FlightLabClient;
import dev.flightlab.data.BatchSet;
import dev.flightlab.files.DictionarySnapshot;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;

/**
 * One stream's DoGet with either client, timed from the call to its end. Latency samples are the
 * gaps between consecutive batches arriving; the first batch's arrival is the time to first batch.
 */
final class GetDriver {
  private final TransferOptions transfer;

  GetDriver(TransferOptions transfer) {
    this.transfer = transfer;
  }

  /**
   * Downloads what {@code ticket} names and adds the rows, batches and (flightlab client) body
   * bytes as received to {@code out}; the data's sizes are the caller's to add (it knows what it
   * asked for). With compression, flightlab's client asks a flightlab server to compress its
   * batches.
   *
   * @param keep whether to keep what arrived (zero-copy) for verification after the timed part;
   *     kept batches are decompressed as they arrive
   * @return what arrived when {@code keep}, owned by the caller; else null
   */
  BatchSet get(FlightLabClient client, Ticket ticket, StreamOutcome out, boolean keep)
      throws Exception {
    Arrivals arrivals = new Arrivals(out);
    BatchSet kept = null;
    if (transfer.client() == ClientKind.FLIGHTLAB) {
      if (keep) {
        kept = client.get(ticket, arrivals::batch, transfer.compression());
        arrivals.rows = kept.rowCount();
      } else {
        client.readBatches(
            ticket,
            (batch, metadata) -> {
              arrivals.batch(batch.computeBodyLength());
              arrivals.rows += batch.getLength();
            },
            transfer.compression());
      }
    } else {
      kept = getArrow(client, ticket, arrivals, keep);
    }
    out.calls++;
    out.callNanosSum += System.nanoTime() - arrivals.start;
    out.rows += arrivals.rows;
    out.batches += arrivals.batches;
    // Arrow's client loads vectors and does not show what crossed the wire.
    out.wireBodyBytes += transfer.client() == ClientKind.FLIGHTLAB ? arrivals.bodyBytes : 0;
    return kept;
  }

  /**
   * Reads everything {@code info} describes, as any Flight client would: each endpoint's ticket
   * redeemed where {@link FlightLabClient#clientFor} says, in order; one {@link #get} per endpoint.
   *
   * @return what arrived when {@code keep}, joined in endpoint order and owned by the caller; else
   *     null
   */
  BatchSet get(FlightLabClient client, FlightInfo info, StreamOutcome out, boolean keep)
      throws Exception {
    if (info.getEndpoints().isEmpty()) {
      throw new BenchFailure("GetFlightInfo returned no endpoint to read");
    }
    List<BatchSet> parts = new ArrayList<>();
    try {
      for (FlightEndpoint e : info.getEndpoints()) {
        BatchSet part = get(client.clientFor(e), e.getTicket(), out, keep);
        if (part != null) {
          parts.add(part);
        }
      }
    } catch (Exception | Error e) {
      parts.forEach(BatchSet::close);
      throw e;
    }
    return keep ? BatchSet.concat(parts) : null;
  }

  /**
   * A DoGet through Arrow's FlightStream, as shipped. What is kept has each batch with the
   * dictionaries the stream held when it was read (FlightStream loads every dictionary message into
   * the same vector, so they are shared, not copied, each time one changed): the roundtrip check
   * then sees what Arrow's client read, which for a dictionary delta is not what was sent.
   */
  private static BatchSet getArrow(
      FlightLabClient client, Ticket ticket, Arrivals arrivals, boolean keep) throws Exception {
    BatchSet.Builder kept = null;
    DictionarySnapshot held = null;
    try (FlightStream stream = client.flight().getStream(ticket, client.options())) {
      VectorSchemaRoot root = stream.getRoot();
      if (keep) {
        kept = BatchSet.builder(root.getSchema());
      }
      while (stream.next()) {
        arrivals.batch(0);
        arrivals.rows += root.getRowCount();
        if (kept != null) {
          DictionaryProvider dictionaries = stream.getDictionaryProvider();
          if (held == null || held.changedIn(dictionaries) != null) {
            for (long id : DictionarySnapshot.dictionaryIds(root.getSchema())) {
              kept.replaceDictionary(shared(dictionaries.lookup(id), client.allocator()));
            }
            if (held != null) {
              held.close();
            }
            held = DictionarySnapshot.of(root.getSchema(), dictionaries, client.allocator());
          }
          kept.add(new VectorUnloader(root, true, true).getRecordBatch(), null);
        }
      }
    } catch (Exception | Error e) {
      if (kept != null) {
        kept.build().close();
      }
      throw e;
    } finally {
      if (held != null) {
        held.close();
      }
    }
    return kept == null ? null : kept.build();
  }

  /** A dictionary whose vector shares {@code d}'s buffers (each side holds a reference). */
  private static Dictionary shared(Dictionary d, BufferAllocator allocator) {
    FieldVector source = d.getVector();
    FieldVector copy = source.getField().createVector(allocator);
    try (ArrowRecordBatch values =
        new VectorUnloader(
                new VectorSchemaRoot(
                    List.of(source.getField()), List.of(source), source.getValueCount()))
            .getRecordBatch()) {
      new VectorLoader(new VectorSchemaRoot(List.of(copy.getField()), List.of(copy), 0))
          .load(values);
    } catch (RuntimeException e) {
      copy.close();
      throw e;
    }
    return new Dictionary(copy, d.getEncoding());
  }

  /** When batches arrive, and how much: the first batch's time, then the gaps between them. */
  private static final class Arrivals {
    private final StreamOutcome out;
    private final long start = System.nanoTime();
    private long previous = start;
    private long rows;
    private long batches;
    private long bodyBytes;

    Arrivals(StreamOutcome out) {
      this.out = out;
    }

    /** A batch of {@code bytes} body bytes (as received) arrived now. */
    void batch(long bytes) {
      long now = System.nanoTime();
      if (batches == 0) {
        out.firstBatch.recordValue(now - start);
      } else {
        out.latency.recordValue(now - previous);
      }
      previous = now;
      batches++;
      bodyBytes += bytes;
    }
  }
}
