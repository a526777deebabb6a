package dev.flightlab.files;

import java.io.IOException;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.util.AutoCloseables;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.compare.Range;
import org.apache.arrow.vector.compare.RangeEqualsVisitor;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.message.ArrowDictionaryBatch;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;

/**
 * An Arrow IPC file writer for a source whose dictionaries grow between batches: where a dictionary
 * now extends the values written so far, the new values go into the file as a delta dictionary
 * batch, which the file format allows (and pyarrow and Arrow Java's readers apply). A dictionary
 * replaced by other values cannot be held by the file format: that fails.
 *
 * <p>Arrow Java's own file writer writes each dictionary once, before the first batch, and ignores
 * any later change.
 */
final class DeltaFileWriter extends ArrowFileWriter {
  private final Path file;
  private final BufferAllocator allocator;
  // The dictionaries' values as the file holds them so far (after the deltas written).
  private Map<Long, FieldVector> written;
  private long batches;

  DeltaFileWriter(
      VectorSchemaRoot root,
      DictionaryProvider dictionaries,
      WritableByteChannel out,
      Path file,
      BufferAllocator allocator) {
    super(root, dictionaries, out);
    this.file = file;
    this.allocator = allocator;
  }

  @Override
  protected void ensureDictionariesWritten(DictionaryProvider provider, Set<Long> ids)
      throws IOException {
    if (written == null) {
      super.ensureDictionariesWritten(provider, ids);
      written = new HashMap<>();
      for (long id : ids) {
        FieldVector now = provider.lookup(id).getVector();
        written.put(id, VectorCopies.copy(now, 0, now.getValueCount(), allocator));
      }
      batches++;
      return;
    }
    for (long id : ids) {
      Dictionary now = provider.lookup(id);
      FieldVector before = written.get(id);
      FieldVector values = now.getVector();
      int old = before.getValueCount();
      if (old == values.getValueCount() && rangeEquals(before, values, old)) {
        continue;
      }
      if (old > values.getValueCount() || !rangeEquals(before, values, old)) {
        throw DataFileException.of(
            file,
            "dictionary "
                + id
                + " is replaced at batch "
                + batches
                + ", which the Arrow IPC file format cannot hold (it holds deltas, not"
                + " replacements); write a stream (.arrows)");
      }
      try (FieldVector tail = VectorCopies.copy(values, old, values.getValueCount(), allocator);
          ArrowRecordBatch body =
              new VectorUnloader(
                      new VectorSchemaRoot(
                          List.of(tail.getField()), List.of(tail), tail.getValueCount()))
                  .getRecordBatch();
          ArrowDictionaryBatch delta = new ArrowDictionaryBatch(id, body, true)) {
        writeDictionaryBatch(delta);
      }
      FieldVector grown = VectorCopies.copy(values, 0, values.getValueCount(), allocator);
      written.put(id, grown).close();
    }
    batches++;
  }

  private static boolean rangeEquals(FieldVector left, FieldVector right, int length) {
    return new RangeEqualsVisitor(left, right).rangeEquals(new Range(0, 0, length));
  }

  /** Closes the file writer, then frees the copies. */
  @Override
  public void close() {
    try {
      super.close();
    } finally {
      if (written != null) {
        try {
          AutoCloseables.close(written.values());
        } catch (Exception e) {
          throw new IllegalStateException("could not free dictionary copies: " + e.getMessage(), e);
        }
      }
    }
  }
}
