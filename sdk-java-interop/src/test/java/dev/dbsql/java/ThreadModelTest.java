package dev.dbsql.java;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbsql.core.Disposition;
import dev.dbsql.core.StatementHandle;
import dev.dbsql.core.StatementParameters;
import dev.dbsql.warehouse.LocalWarehouse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Dependent stages that block on results never starve the producers or the I/O those results
 * need: hundreds of `thenApply(r -> r.rows().count())` on a three-chunk result all complete, with
 * the SDK's completion pool and with a small executor of the caller's.
 */
class ThreadModelTest {
    private static final String SQL = "SELECT id FROM range(30)";
    private static final StatementOptions LINKS = StatementOptions.builder().disposition(Disposition.EXTERNAL_LINKS).build();
    /** A hang guard only: on a loaded two-core machine this takes seconds. */
    private static final long GUARD_MINUTES = 5;

    private static LocalWarehouse warehouse;

    @BeforeAll
    static void start() {
        warehouse = TestWarehouses.withChunkRows(10);
    }

    @AfterAll
    static void stop() {
        warehouse.close();
    }

    private static DbsqlClientConfig config() {
        return DbsqlClientConfig.builder()
                .host(warehouse.getBaseUrl())
                .warehouseId(warehouse.getWarehouseId())
                .token(warehouse.getToken())
                .build();
    }

    private static long countRows(DbsqlResult result) {
        try (Stream<dev.dbsql.flow.Row> rows = result.rows()) {
            return rows.count();
        }
    }

    @Test
    void fiveHundredBlockingDependentStagesAllComplete() throws Exception {
        try (DbsqlClient client = DbsqlClient.create(config())) {
            StatementHandle handle = client.submit(SQL, StatementParameters.NONE, LINKS).get(1, TimeUnit.MINUTES);
            DbsqlResult first = client.await(handle).get(1, TimeUnit.MINUTES);
            assertEquals(3, first.manifest().getTotalChunkCount(), "expected a three-chunk result");

            Set<String> stageThreads = ConcurrentHashMap.newKeySet();
            List<CompletableFuture<Long>> counts = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                counts.add(client.await(handle).thenApply(r -> {
                    stageThreads.add(Thread.currentThread().getName());
                    return countRows(r);
                }));
            }
            CompletableFuture.allOf(counts.toArray(new CompletableFuture[0])).get(GUARD_MINUTES, TimeUnit.MINUTES);
            for (CompletableFuture<Long> c : counts) assertEquals(30L, c.join());
            for (String name : stageThreads) {
                assertFalse(name.startsWith("DefaultDispatcher"), "a stage ran on a coroutines pool: " + name);
            }
        }
    }

    @Test
    void stagesBlockingEveryThreadOfTheCallersExecutorStillComplete() throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(2);
        try (DbsqlClient client = DbsqlClient.create(config(), executor)) {
            StatementHandle handle = client.submit(SQL, StatementParameters.NONE, LINKS).get(1, TimeUnit.MINUTES);
            Set<String> stageThreads = ConcurrentHashMap.newKeySet();
            List<CompletableFuture<Long>> counts = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                counts.add(client.await(handle).thenApply(r -> {
                    stageThreads.add(Thread.currentThread().getName());
                    return countRows(r);
                }));
            }
            CompletableFuture.allOf(counts.toArray(new CompletableFuture[0])).get(GUARD_MINUTES, TimeUnit.MINUTES);
            for (CompletableFuture<Long> c : counts) assertEquals(30L, c.join());
            assertTrue(stageThreads.stream().allMatch(n -> n.startsWith("pool-")), "stages ran off the caller's executor: " + stageThreads);
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void aStageMayJoinAnotherCallOfTheSameClient() throws Exception {
        try (DbsqlClient client = DbsqlClient.create(config())) {
            List<CompletableFuture<Long>> nested = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                nested.add(client.execute("SELECT 1 AS one").thenApply(r ->
                        countRows(client.execute(SQL, StatementParameters.NONE, LINKS).join())));
            }
            CompletableFuture.allOf(nested.toArray(new CompletableFuture[0])).get(GUARD_MINUTES, TimeUnit.MINUTES);
            for (CompletableFuture<Long> c : nested) assertEquals(30L, c.join());
        }
    }
}
