package dev.flightlab.scratch;

import dev.flightlab.data.BatchSet;
import dev.flightlab.io.ArrowFiles;
import dev.flightlab.store.DatasetPath;
import dev.flightlab.store.PutMode;
import dev.flightlab.testing.AllTypes;
import dev.flightlab.testing.ServerFixture;
import dev.flightlab.testing.Tables;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class Scratch2IT {
  @Test
  void fileThenPut() throws Exception {
    Path dir = Files.createTempDirectory("scratch");
    try (ServerFixture fx = ServerFixture.start()) {
      for (String name : new String[] {"a.arrow", "a.arrows"}) {
        Path f = dir.resolve(name);
        try (BatchSet t = AllTypes.table(fx.allocator(), null, 9, 0, 15, 1)) {
          ArrowFiles.write(t, f, fx.allocator());
          try (BatchSet r = ArrowFiles.read(f, fx.allocator())) {
            DatasetPath p = DatasetPath.parse("/x");
            fx.client().put(p, r, PutMode.REPLACE);
            try (BatchSet g = fx.client().get(p)) {
              Tables.assertSameTable(t, g, fx.allocator());
              ArrowFiles.write(g, dir.resolve("b" + name), fx.allocator());
            }
          }
        }
        System.out.println("OK " + name);
      }
    }
  }
}
