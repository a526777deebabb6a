package dev.flightlab.files;

import dev.flightlab.data.IpcSchemas;
import java.io.IOException;
import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.message.MessageChannelReader;
import org.apache.arrow.vector.ipc.message.MessageResult;
import org.apache.arrow.vector.types.MetadataVersion;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.validate.MetadataV4UnionChecker;

/**
 * An Arrow IPC stream reader that also reads the types Arrow Java has no vectors for (32- and
 * 64-bit decimals, see {@link IpcSchemas}): its root shows their true types over stand-in vectors
 * of the same layout, so what is written or uploaded from it keeps them.
 */
final class StandInReader extends ArrowStreamReader {
  private final MessageChannelReader messages;
  private final IpcSchemas.TrueTypedRoot trueRoot = new IpcSchemas.TrueTypedRoot();
  private Schema trueSchema;

  StandInReader(MessageChannelReader messages, BufferAllocator allocator) {
    super(messages, allocator, CommonsCompressionFactory.INSTANCE);
    this.messages = messages;
  }

  /** The schema as Arrow Java's reader reads it, with stand-ins where it has no vector. */
  @Override
  protected Schema readSchema() throws IOException {
    MessageResult result = messages.readNext();
    if (result == null) {
      throw new IOException("Unexpected end of input. Missing schema.");
    }
    if (result.getMessage().headerType() != MessageHeader.Schema) {
      throw new IOException("Expected schema but header was " + result.getMessage().headerType());
    }
    Schema schema;
    try {
      schema = IpcSchemas.read(result.getMessage());
    } catch (IllegalArgumentException e) {
      throw new IOException(e.getMessage(), e);
    }
    MetadataV4UnionChecker.checkRead(
        schema, MetadataVersion.fromFlatbufID(result.getMessage().version()));
    trueSchema = schema;
    return IpcSchemas.forVectors(schema);
  }

  /**
   * Dictionaries whose values hold stand-ins get marked vectors (Arrow's reader drops the mark).
   */
  @Override
  protected void initialize() throws IOException {
    super.initialize();
    dictionaries = IpcSchemas.withStandInDictionaries(trueSchema, dictionaries, allocator);
  }

  /** The root, with the true types in its schema where its vectors are stand-ins. */
  @Override
  public VectorSchemaRoot getVectorSchemaRoot() throws IOException {
    return trueRoot.of(super.getVectorSchemaRoot());
  }

  @Override
  public boolean loadNextBatch() throws IOException {
    boolean loaded = super.loadNextBatch();
    trueRoot.sync(super.getVectorSchemaRoot());
    return loaded;
  }
}
