package dev.flightlab.data;

import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * Where the elements of one slot of a list-like vector lie in its child: lists, large lists, list
 * views, large list views, fixed-size lists and maps alike, read from their buffers (Arrow Java 19
 * has no common interface over all six: large lists and large list views lack {@code
 * BaseListVector}).
 */
public final class ListElements {
  private ListElements() {}

  /** Whether {@code vector} is one of the list-like vectors this class reads. */
  public static boolean isList(ValueVector vector) {
    return switch (vector.getField().getType().getTypeID()) {
      case List, LargeList, ListView, LargeListView, FixedSizeList, Map -> true;
      default -> false;
    };
  }

  /** The child vector holding the elements. */
  public static FieldVector child(ValueVector list) {
    return ((FieldVector) list).getChildrenFromFields().get(0);
  }

  /** The child index of slot {@code index}'s first element. */
  public static long start(ValueVector list, int index) {
    ArrowType type = list.getField().getType();
    return switch (type.getTypeID()) {
      case List, Map -> offsets(list).getInt(index * 4L);
      case LargeList -> offsets(list).getLong(index * 8L);
      case ListView -> offsets(list).getInt(index * 4L);
      case LargeListView -> offsets(list).getLong(index * 8L);
      case FixedSizeList -> (long) index * ((ArrowType.FixedSizeList) type).getListSize();
      default -> throw new IllegalArgumentException("not a list: " + type);
    };
  }

  /** The child index just past slot {@code index}'s last element. */
  public static long end(ValueVector list, int index) {
    ArrowType type = list.getField().getType();
    return switch (type.getTypeID()) {
      case List, Map -> offsets(list).getInt((index + 1) * 4L);
      case LargeList -> offsets(list).getLong((index + 1) * 8L);
      case ListView -> start(list, index) + sizes(list).getInt(index * 4L);
      case LargeListView -> start(list, index) + sizes(list).getLong(index * 8L);
      case FixedSizeList -> (index + 1L) * ((ArrowType.FixedSizeList) type).getListSize();
      default -> throw new IllegalArgumentException("not a list: " + type);
    };
  }

  private static ArrowBuf offsets(ValueVector list) {
    return ((FieldVector) list).getOffsetBuffer();
  }

  private static ArrowBuf sizes(ValueVector list) {
    return ((FieldVector) list).getFieldBuffers().get(2); // validity, offsets, sizes
  }
}
