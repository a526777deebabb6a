package dev.flightlab.testing;

import java.nio.ByteBuffer;
import java.util.UUID;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.util.hash.ArrowBufHasher;
import org.apache.arrow.vector.ExtensionTypeVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.ExtensionTypeRegistry;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;

/** A small UUID-like extension type over fixed_size_binary(16), registered for the tests. */
public final class TestUuidType extends ArrowType.ExtensionType {
  /** The extension name written into the field metadata. */
  public static final String NAME = "flightlab.test.uuid";

  /** The one instance. */
  public static final TestUuidType INSTANCE = new TestUuidType();

  private static final ArrowType STORAGE = new ArrowType.FixedSizeBinary(16);

  static {
    ExtensionTypeRegistry.register(INSTANCE);
  }

  private TestUuidType() {}

  /** Makes sure readers of IPC data turn the extension's fields back into this type. */
  public static void ensureRegistered() {
    if (ExtensionTypeRegistry.lookup(NAME) == null) {
      ExtensionTypeRegistry.register(INSTANCE);
    }
  }

  @Override
  public ArrowType storageType() {
    return STORAGE;
  }

  @Override
  public String extensionName() {
    return NAME;
  }

  @Override
  public boolean extensionEquals(ExtensionType other) {
    return other instanceof TestUuidType;
  }

  @Override
  public String serialize() {
    return "";
  }

  @Override
  public ArrowType deserialize(ArrowType storageType, String serializedData) {
    if (!STORAGE.equals(storageType)) {
      throw new UnsupportedOperationException(NAME + " needs " + STORAGE + ", got " + storageType);
    }
    return INSTANCE;
  }

  @Override
  public FieldVector getNewVector(String name, FieldType fieldType, BufferAllocator allocator) {
    return new Vector(
        new Field(name, fieldType, null),
        allocator,
        new FixedSizeBinaryVector(name, allocator, 16));
  }

  /** The vector of {@link TestUuidType} values. */
  public static final class Vector extends ExtensionTypeVector<FixedSizeBinaryVector> {
    Vector(Field field, BufferAllocator allocator, FixedSizeBinaryVector storage) {
      super(field, allocator, storage);
    }

    @Override
    public UUID getObject(int index) {
      if (isNull(index)) {
        return null;
      }
      ByteBuffer bytes = ByteBuffer.wrap(getUnderlyingVector().get(index));
      return new UUID(bytes.getLong(), bytes.getLong());
    }

    @Override
    public int hashCode(int index) {
      return getUnderlyingVector().hashCode(index);
    }

    @Override
    public int hashCode(int index, ArrowBufHasher hasher) {
      return getUnderlyingVector().hashCode(index, hasher);
    }

    /** Sets {@code index} to {@code value}, growing the vector when needed. */
    public void setSafe(int index, UUID value) {
      ByteBuffer bytes = ByteBuffer.allocate(16);
      bytes.putLong(value.getMostSignificantBits()).putLong(value.getLeastSignificantBits());
      getUnderlyingVector().setSafe(index, bytes.array());
    }
  }
}
