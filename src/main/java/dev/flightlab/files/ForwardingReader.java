package dev.flightlab.files;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * An {@link ArrowReader} that hands every call to another reader, whose root and dictionaries it
 * shares; subclasses add to what happens around the calls.
 *
 * <p>Closing it closes the other reader, unless a subclass overrides {@link #closeReadSource()}.
 */
abstract class ForwardingReader extends ArrowReader {
  protected final ArrowReader delegate;

  /**
   * Forwards to {@code delegate}; {@code allocator} is the one the delegate reads into (the base
   * class keeps it but allocates nothing here: the root and the dictionaries are the delegate's).
   */
  ForwardingReader(ArrowReader delegate, BufferAllocator allocator) {
    super(allocator);
    this.delegate = delegate;
  }

  @Override
  public VectorSchemaRoot getVectorSchemaRoot() throws IOException {
    return delegate.getVectorSchemaRoot();
  }

  @Override
  public Map<Long, Dictionary> getDictionaryVectors() throws IOException {
    return delegate.getDictionaryVectors();
  }

  @Override
  public Dictionary lookup(long id) {
    return delegate.lookup(id);
  }

  @Override
  public Set<Long> getDictionaryIds() {
    return delegate.getDictionaryIds();
  }

  @Override
  public boolean loadNextBatch() throws IOException {
    return delegate.loadNextBatch();
  }

  @Override
  public long bytesRead() {
    return delegate.bytesRead();
  }

  @Override
  protected void closeReadSource() throws IOException {
    delegate.close();
  }

  @Override
  protected Schema readSchema() throws IOException {
    return delegate.getVectorSchemaRoot().getSchema();
  }
}
