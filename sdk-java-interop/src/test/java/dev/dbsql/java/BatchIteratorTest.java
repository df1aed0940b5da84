package dev.dbsql.java;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbsql.core.SqlException;
import dev.dbsql.core.StatementHandle;
import dev.dbsql.flow.RecordBatch;
import dev.dbsql.flow.ResultPartition;
import dev.dbsql.flow.ResultProgress;
import dev.dbsql.flow.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The blocking iterator and the row stream; every test ends with the allocator at zero. */
class BatchIteratorTest extends WarehouseTestBase {
    private BufferAllocator allocator;
    private ReadOptions options;

    @BeforeEach
    void newAllocator() {
        allocator = new RootAllocator();
        options = ReadOptions.builder().allocator(allocator).hedgeSlowDownloads(java.time.Duration.ofMillis(500)).build();
    }

    @AfterEach
    void allocatorBackAtZero() {
        assertEquals(0L, allocator.getAllocatedMemory(), "bytes still allocated");
        allocator.close();
    }

    private static long sum(BatchIterator batches) {
        long sum = 0;
        while (batches.hasNext()) {
            try (RecordBatch batch = batches.next()) {
                BigIntVector ids = (BigIntVector) batch.vector("id");
                for (int i = 0; i < batch.getRowCount(); i++) sum += ids.get(i);
            }
        }
        return sum;
    }

    @Test
    void iteratesEveryBatchWithTryWithResources() throws Exception {
        DbsqlResult result = client.execute(MILLION, dev.dbsql.core.StatementParameters.NONE, LINKS).get(30, TimeUnit.SECONDS);
        assertTrue(result.manifest().getTotalChunkCount() > 1, "expected several chunks");
        List<ResultProgress> progress = new CopyOnWriteArrayList<>();
        ReadOptions withProgress = ReadOptions.builder().allocator(allocator).onProgress(progress::add).bufferedBatches(3).build();
        try (BatchIterator batches = result.stream(withProgress).batches()) {
            assertEquals(MILLION_SUM, sum(batches));
            assertFalse(batches.hasNext());
            assertThrows(NoSuchElementException.class, batches::next);
        }
        assertEquals(result.manifest().getTotalChunkCount(), progress.get(progress.size() - 1).getNextChunk());
    }

    @Test
    void closingMidStreamFreesEveryBuffer() throws Exception {
        DbsqlResult result = client.execute(MILLION, dev.dbsql.core.StatementParameters.NONE, LINKS).get(30, TimeUnit.SECONDS);
        BatchIterator batches = result.stream(options).batches();
        try (RecordBatch first = batches.next()) {
            assertTrue(first.getRowCount() > 0);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (allocator.getAllocatedMemory() == 0 && System.nanoTime() < deadline) Thread.sleep(5);
        assertTrue(allocator.getAllocatedMemory() > 0, "the producer buffered nothing");

        batches.close();
        assertEquals(0L, allocator.getAllocatedMemory());
        assertTrue(allocator.getChildAllocators().isEmpty(), "stream allocator still open");
        batches.close();
        assertFalse(batches.hasNext());
    }

    @Test
    void anUnusedIteratorSendsNothing() throws Exception {
        DbsqlResult result = client.execute(MILLION, dev.dbsql.core.StatementParameters.NONE, LINKS).get(30, TimeUnit.SECONDS);
        long downloads = warehouse.getAdmin().getDownloadCount();
        result.stream(options).batches().close();
        Thread.sleep(100);
        assertEquals(downloads, warehouse.getAdmin().getDownloadCount());
    }

    @Test
    void aFailedStreamThrowsFromHasNext() {
        try (BatchIterator batches = client.executeStreaming("SELECT * FROM no_such_table_either").batches()) {
            assertThrows(SqlException.class, batches::hasNext);
            assertThrows(SqlException.class, batches::hasNext);
        }
    }

    @Test
    void executeStreamingOwnsTheStatement() throws Exception {
        String sql = "SELECT id FROM range(250000)";
        try (BatchIterator batches = client.executeStreaming(sql, dev.dbsql.core.StatementParameters.NONE, LINKS, options).batches()) {
            assertEquals(249_999L * 250_000L / 2, sum(batches));
        }
        assertTrue(warehouse.getAdmin().statementsWithText(sql).get(0).getCloseArrived(), "the statement was not released");
    }

    @Test
    void rowStreamReadsEverything() throws Exception {
        DbsqlResult result = client.execute(MILLION, dev.dbsql.core.StatementParameters.NONE, LINKS).get(30, TimeUnit.SECONDS);
        try (Stream<Row> rows = result.stream(options).rows()) {
            assertEquals(MILLION_SUM, rows.mapToLong(r -> r.getLong("id")).sum());
        }
    }

    @Test
    void rowStreamClosedEarlyFreesEverything() throws Exception {
        DbsqlResult result = client.execute(MILLION, dev.dbsql.core.StatementParameters.NONE, LINKS).get(30, TimeUnit.SECONDS);
        List<Long> firstFive;
        try (Stream<Row> rows = result.stream(options).rows()) {
            firstFive = rows.limit(5).map(r -> r.getLong("id")).collect(Collectors.toList());
        }
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L), firstFive);
        assertTrue(allocator.getChildAllocators().isEmpty(), "stream allocator still open");
    }

    @Test
    void resumeFromAHandleInAnotherClient() throws Exception {
        StatementHandle handle = client.submit("SELECT id FROM range(300000)", dev.dbsql.core.StatementParameters.NONE, LINKS)
                .get(30, TimeUnit.SECONDS);
        String saved = handle.toJson();
        try (DbsqlClient other = DbsqlClient.create(config().build());
             BatchIterator batches = other.resume(StatementHandle.fromJson(saved), options).batches()) {
            assertEquals(299_999L * 300_000L / 2, sum(batches));
        }
    }

    @Test
    void partitionsShippedAsJsonAddUpToTheResult() throws Exception {
        DbsqlResult result = client.execute(MILLION, dev.dbsql.core.StatementParameters.NONE, LINKS).get(30, TimeUnit.SECONDS);
        List<ResultPartition> partitions = result.partitions(3);
        assertEquals(3, partitions.size());
        List<String> shipped = new ArrayList<>();
        for (ResultPartition p : partitions) shipped.add(Partitions.toJson(p));
        long sum = 0;
        try (DbsqlClient worker = DbsqlClient.create(config().build())) {
            for (String json : shipped) {
                try (BatchIterator batches = worker.readPartition(Partitions.fromJson(json), options).batches()) {
                    sum += sum(batches);
                }
            }
        }
        assertEquals(MILLION_SUM, sum);
        assertThrows(dev.dbsql.core.InvalidHandleException.class, () -> Partitions.fromJson("{\"nope\":1}"));
    }

    @Test
    void closingTheClientEndsAnOpenIterator() throws Exception {
        DbsqlClient own = DbsqlClient.create(config().build());
        DbsqlResult result = own.execute(MILLION, dev.dbsql.core.StatementParameters.NONE, LINKS).get(30, TimeUnit.SECONDS);
        try (BatchIterator batches = result.stream(options).batches()) {
            batches.next().close();
            own.close();
            assertThrows(dev.dbsql.core.ClientClosedException.class, () -> {
                while (batches.hasNext()) batches.next().close();
            });
        }
    }
}
