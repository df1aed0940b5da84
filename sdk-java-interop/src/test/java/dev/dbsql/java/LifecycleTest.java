package dev.dbsql.java;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbsql.core.ClientClosedException;
import dev.dbsql.core.StatementParameters;
import dev.dbsql.flow.RecordBatch;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.types.pojo.Field;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What a caller can rely on when closing clients and dropping iterators, and the schema of empty results. */
class LifecycleTest extends WarehouseTestBase {
    private BufferAllocator allocator;
    private ReadOptions options;

    @BeforeEach
    void newAllocator() {
        allocator = new RootAllocator();
        options = ReadOptions.builder().allocator(allocator).bufferedBatches(3).build();
    }

    @AfterEach
    void closeAllocator() {
        assertEquals(0L, allocator.getAllocatedMemory(), "bytes still allocated");
        allocator.close();
    }

    /** Waits (hang guard 60 s) until [allocator] holds something, i.e. the producer has buffered a batch. */
    private void awaitBuffered() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (allocator.getAllocatedMemory() == 0 && System.nanoTime() < deadline) Thread.sleep(5);
        assertTrue(allocator.getAllocatedMemory() > 0, "the producer buffered nothing");
    }

    @Test
    void closingTheClientFreesTheBatchesItsOpenIteratorsHold() throws Exception {
        DbsqlClient own = DbsqlClient.create(config().build());
        DbsqlResult result = own.execute(MILLION, StatementParameters.NONE, LINKS).get(1, TimeUnit.MINUTES);
        BatchIterator batches = result.stream(options).batches();
        batches.next().close();
        awaitBuffered();

        own.closeAsync().get(1, TimeUnit.MINUTES);
        assertEquals(0L, allocator.getAllocatedMemory(), "the open iterator still holds batches");
        assertThrows(ClientClosedException.class, batches::hasNext);
        batches.close();
    }

    @Test
    void anIteratorDroppedWithoutCloseIsFreedByTheCleaner() throws Exception {
        DbsqlResult result = client.execute(MILLION, StatementParameters.NONE, LINKS).get(1, TimeUnit.MINUTES);
        dropAfterOneBatch(result);
        awaitBuffered();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (allocator.getAllocatedMemory() > 0 && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        assertEquals(0L, allocator.getAllocatedMemory(), "the dropped iterator kept its batches");
    }

    private void dropAfterOneBatch(DbsqlResult result) {
        BatchIterator batches = result.stream(options).batches();
        batches.next().close();
    }

    @Test
    void closeAsyncCompletesAndLaterCallsFailWithClientClosed() throws Exception {
        DbsqlClient own = DbsqlClient.create(config().build());
        own.execute("SELECT 1 AS one").get(1, TimeUnit.MINUTES);
        own.closeAsync().get(1, TimeUnit.MINUTES);
        own.closeAsync().get(1, TimeUnit.MINUTES);
        assertTrue(own.isClosed());
        ExecutionException e = assertThrows(ExecutionException.class, () -> own.execute("SELECT 1").get(1, TimeUnit.MINUTES));
        assertInstanceOf(ClientClosedException.class, e.getCause());
    }

    @Test
    void anEmptyResultYieldsOneBatchWithItsSchema() throws Exception {
        DbsqlResult result = client.execute("SELECT id, CAST(id AS STRING) AS name FROM range(0)").get(1, TimeUnit.MINUTES);
        try (BatchIterator batches = result.stream(options).batches()) {
            assertTrue(batches.hasNext(), "no batch, so no schema");
            try (RecordBatch batch = batches.next()) {
                assertEquals(0, batch.getRowCount());
                List<String> names = batch.getSchema().getFields().stream().map(Field::getName).collect(Collectors.toList());
                assertEquals(List.of("id", "name"), names);
            }
            assertTrue(!batches.hasNext());
        }
        try (java.util.stream.Stream<dev.dbsql.flow.Row> rows = result.stream(options).rows()) {
            assertEquals(0L, rows.count());
        }
    }
}
