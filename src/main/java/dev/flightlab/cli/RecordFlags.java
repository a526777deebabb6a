package dev.flightlab.cli;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;

/**
 * Fills an options record from the object picocli filled: each component takes the value of the
 * field of the same name (or, where there is none, of the no-argument method of that name), and a
 * component that is a record of its own is filled from the object in that field (an
 * {@code @ArgGroup}). The record's constructor checks the values.
 */
final class RecordFlags {
  private RecordFlags() {}

  /**
   * The {@code type} record whose components are {@code flags}' fields of the same names.
   *
   * @throws IllegalArgumentException when the record refuses the values
   */
  static <R extends Record> R toRecord(Object flags, Class<R> type) {
    RecordComponent[] components = type.getRecordComponents();
    Class<?>[] types = new Class<?>[components.length];
    Object[] values = new Object[components.length];
    for (int i = 0; i < components.length; i++) {
      types[i] = components[i].getType();
      values[i] = read(flags, components[i].getName());
      if (types[i].isRecord() && values[i] != null && !types[i].isInstance(values[i])) {
        values[i] = toRecord(values[i], types[i].asSubclass(Record.class));
      }
    }
    try {
      return type.getDeclaredConstructor(types).newInstance(values);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException refused) {
        throw refused;
      }
      throw new IllegalStateException(e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot make a " + type.getSimpleName(), e);
    }
  }

  private static Object read(Object flags, String name) {
    try {
      Field field = flags.getClass().getDeclaredField(name);
      field.setAccessible(true);
      return field.get(flags);
    } catch (NoSuchFieldException noField) {
      try {
        Method method = flags.getClass().getDeclaredMethod(name);
        method.setAccessible(true);
        return method.invoke(flags);
      } catch (InvocationTargetException e) {
        if (e.getCause() instanceof RuntimeException refused) {
          throw refused;
        }
        throw new IllegalStateException(e.getCause());
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(
            flags.getClass().getSimpleName() + " has no field '" + name + "'", e);
      }
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(
          flags.getClass().getSimpleName() + " has no field '" + name + "'", e);
    }
  }
}
