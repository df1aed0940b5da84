package dev.dbsql.java;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbsql.core.volumes.LocalPathNotAllowedException;
import dev.dbsql.core.volumes.VolumeEntry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CompletableFuture face of volume staging operations, against the local warehouse. */
class VolumesTest extends WarehouseTestBase {
    @TempDir Path local;
    @TempDir Path outside;

    @Test
    void putListGetRemoveRoundTrip() throws Exception {
        DbsqlVolumes volumes = client.volumes(DbsqlVolumeOptions.DEFAULT.withAllowedLocalPaths(List.of(local)));
        byte[] bytes = new byte[200_000];
        new Random(3).nextBytes(bytes);
        Path source = Files.write(local.resolve("in.bin"), bytes);
        AtomicLong progress = new AtomicLong();

        volumes.put(source, "/Volumes/main/java/v/in.bin", false, (done, total) -> progress.set(done)).get(60, TimeUnit.SECONDS);
        assertEquals(200_000L, progress.get());

        List<VolumeEntry> entries = volumes.list("/Volumes/main/java/v").get(60, TimeUnit.SECONDS);
        assertEquals(1, entries.size());
        assertEquals("/Volumes/main/java/v/in.bin", entries.get(0).getPath());
        assertEquals(200_000L, entries.get(0).getSize());

        Path copy = local.resolve("copy.bin");
        volumes.get("/Volumes/main/java/v/in.bin", copy).get(60, TimeUnit.SECONDS);
        assertArrayEquals(bytes, Files.readAllBytes(copy));

        volumes.put(new ByteArrayInputStream("hello".getBytes()), 5, "/Volumes/main/java/v/s.txt").get(60, TimeUnit.SECONDS);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        volumes.get("/Volumes/main/java/v/s.txt", sink).get(60, TimeUnit.SECONDS);
        assertEquals("hello", sink.toString());

        volumes.remove("/Volumes/main/java/v/in.bin").get(60, TimeUnit.SECONDS);
        volumes.remove("/Volumes/main/java/v/s.txt").get(60, TimeUnit.SECONDS);
        assertTrue(volumes.list("/Volumes/main/java/v").get(60, TimeUnit.SECONDS).isEmpty());
    }

    @Test
    void localPathsOutsideTheAllowedListFailTheFuture() throws Exception {
        Path secret = Files.writeString(outside.resolve("secret.txt"), "secret");
        ExecutionException byDefault = assertThrows(ExecutionException.class,
                () -> client.volumes().put(secret, "/Volumes/main/java/v/x").get(60, TimeUnit.SECONDS));
        assertInstanceOf(LocalPathNotAllowedException.class, byDefault.getCause());

        DbsqlVolumes volumes = client.volumes(DbsqlVolumeOptions.DEFAULT.withAllowedLocalPaths(List.of(local)));
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> volumes.get("/Volumes/main/java/v/x", outside.resolve("got.txt")).get(60, TimeUnit.SECONDS));
        assertInstanceOf(LocalPathNotAllowedException.class, e.getCause());
        assertFalse(Files.exists(outside.resolve("got.txt")));
    }
}
