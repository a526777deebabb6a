package dev.flightlab.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IpcSchemasTest {
  private static final ArrowType D32 = new ArrowType.Decimal(7, 2, 32);
  private static final ArrowType D64 = new ArrowType.Decimal(18, 4, 64);

  private BufferAllocator allocator;

  @BeforeEach
  void open() {
    allocator = new RootAllocator();
  }

  @AfterEach
  void close() {
    assertThat(allocator.getAllocatedMemory()).isZero();
    allocator.close();
  }

  private static Field field(String name, ArrowType type, Field... children) {
    return new Field(name, FieldType.nullable(type), List.of(children));
  }

  /** Every place Arrow C++ lets a decimal32/64 stand: top level, list, struct, map, dictionary. */
  private static Schema everywhere() {
    Field entries =
        new Field(
            "entries",
            FieldType.notNullable(ArrowType.Struct.INSTANCE),
            List.of(
                new Field("key", FieldType.notNullable(ArrowType.Utf8.INSTANCE), null),
                field("value", D64)));
    return new Schema(
        List.of(
            field("d32", D32),
            field("list", ArrowType.List.INSTANCE, field("item", D32)),
            field("struct", ArrowType.Struct.INSTANCE, field("a", D64), field("b", D32)),
            field("map", new ArrowType.Map(false), entries),
            new Field(
                "dict",
                new FieldType(
                    true, D32, new DictionaryEncoding(3, false, new ArrowType.Int(8, true))),
                null),
            field("d128", new ArrowType.Decimal(38, 10, 128))),
        Map.of("k", "v"));
  }

  private static byte[] message(Schema schema) {
    ByteBuffer bytes = MessageSerializer.serializeMetadata(schema, IpcOption.DEFAULT);
    byte[] header = new byte[bytes.remaining()];
    bytes.get(header);
    // An encapsulated message, as FlightInfo and SchemaResult carry it.
    ByteBuffer framed =
        ByteBuffer.allocate(8 + header.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    framed.putInt(-1).putInt(header.length).put(header);
    return framed.array();
  }

  @Test
  void readsNarrowDecimalsAtEveryDepthAsArrowJavaWroteThem() {
    Schema schema = everywhere();
    assertThat(IpcSchemas.readMessage(message(schema))).isEqualTo(schema);
  }

  @Test
  void refusesPrecisionsArrowCppRefuses() {
    assertThatThrownBy(
            () ->
                IpcSchemas.readMessage(
                    message(new Schema(List.of(field("x", new ArrowType.Decimal(10, 2, 32)))))))
        .hasMessage("field 'x': decimal32 precision out of range [1, 9]: 10");
    assertThatThrownBy(
            () ->
                IpcSchemas.readMessage(
                    message(
                        new Schema(
                            List.of(
                                field(
                                    "s",
                                    ArrowType.Struct.INSTANCE,
                                    field("y", new ArrowType.Decimal(19, 2, 64))))))))
        .hasMessage("field 'y': decimal64 precision out of range [1, 18]: 19");
    assertThatThrownBy(
            () ->
                IpcSchemas.readMessage(
                    message(new Schema(List.of(field("z", new ArrowType.Decimal(0, 0, 128)))))))
        .hasMessage("field 'z': decimal128 precision out of range [1, 38]: 0");
    assertThatThrownBy(
            () ->
                IpcSchemas.readMessage(
                    message(new Schema(List.of(field("w", new ArrowType.Decimal(5, 2, 48)))))))
        .hasMessageContaining("a 48-bit decimal (Arrow supports 32/64/128/256-bit");
  }

  @Test
  void vectorsAreFixedSizeBinaryStandInsUnderTheTrueSchema() {
    Schema schema = everywhere();
    try (VectorSchemaRoot root = IpcSchemas.createRoot(schema, allocator)) {
      assertThat(root.getSchema()).isEqualTo(schema);
      assertThat(root.getVector("d32")).isInstanceOf(FixedSizeBinaryVector.class);
      assertThat(((FixedSizeBinaryVector) root.getVector("d32")).getByteWidth()).isEqualTo(4);
      FixedSizeBinaryVector item =
          (FixedSizeBinaryVector) ((ListVector) root.getVector("list")).getDataVector();
      assertThat(item.getByteWidth()).isEqualTo(4);
      // The vector's own field knows what it stands in for.
      assertThat(IpcSchemas.original(item.getField()).getType()).isEqualTo(D32);
      assertThat(IpcSchemas.original(root.getVector("struct").getField()))
          .isEqualTo(schema.findField("struct"));
    }
  }

  @Test
  void dictionaryValuesKeepTheirTypeThroughMemoryAndMessageFormat() {
    Field dict = everywhere().findField("dict");
    Map<Long, Dictionary> dictionaries = new HashMap<>();
    Field memory = IpcSchemas.toMemoryFormat(dict, allocator, dictionaries);
    try (var values = dictionaries.get(3L).getVector()) {
      assertThat(memory.getType()).isEqualTo(new ArrowType.Int(8, true));
      assertThat(values).isInstanceOf(FixedSizeBinaryVector.class);
      Field message =
          IpcSchemas.toMessageFormat(
              memory,
              new DictionaryProvider.MapDictionaryProvider(dictionaries.get(3L)),
              new HashSet<>());
      assertThat(message).isEqualTo(dict);
    }
  }

  @Test
  void describesTypesByPyarrowsNames() {
    assertThat(IpcSchemas.describe(everywhere().findField("list")))
        .isEqualTo("list: List<item: decimal32(7, 2)>");
    assertThat(
            IpcSchemas.describe(
                new Schema(List.of(field("d", D64), field("i", new ArrowType.Int(64, true))))))
        .isEqualTo("Schema<d: decimal64(18, 4), i: Int(64, true)>");
    assertThat(IpcSchemas.firstStandIn(everywhere())).isEqualTo("column 'd32' is decimal32(7, 2)");
    assertThat(
            IpcSchemas.firstStandIn(
                new Schema(List.of(field("s", ArrowType.Struct.INSTANCE, field("a", D64))))))
        .isEqualTo("column 's.a' is decimal64(18, 4)");
  }
}
