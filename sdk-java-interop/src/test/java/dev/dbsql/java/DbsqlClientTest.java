package dev.dbsql.java;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbsql.core.AuthenticationException;
import dev.dbsql.core.ClientClosedException;
import dev.dbsql.core.ConfigurationException;
import dev.dbsql.core.SqlException;
import dev.dbsql.core.SqlParameter;
import dev.dbsql.core.StatementHandle;
import dev.dbsql.core.StatementParameters;
import dev.dbsql.core.StatementState;
import dev.dbsql.core.StatementStatus;
import dev.dbsql.flow.Row;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The future-returning calls and the configuration builder, as Java code calls them. */
class DbsqlClientTest extends WarehouseTestBase {

    @Test
    void executeCompletesWithTheResult() throws Exception {
        CompletableFuture<DbsqlResult> future = client.execute("SELECT 42 AS answer, 'x' AS s");
        DbsqlResult result = future.get(30, TimeUnit.SECONDS);
        assertEquals(StatementState.SUCCEEDED, result.state());
        assertEquals(1L, result.manifest().getTotalRowCount());
        assertEquals("answer", result.manifest().getColumns().get(0).getName());
        assertNotNull(result.statementId());
        assertEquals(result.statementId(), result.handle().getStatementId());
        try (Stream<Row> rows = result.rows()) {
            List<Object> values = rows.map(r -> r.getLong("answer")).collect(Collectors.toList());
            assertEquals(List.of(42L), values);
        }
        CompletableFuture<Void> closed = result.close();
        closed.get(10, TimeUnit.SECONDS);
        assertTrue(warehouse.getAdmin().statement(result.statementId()).getCloseArrived());
    }

    @Test
    void parametersAndOptionsAreJavaTypes() throws Exception {
        StatementParameters params = new StatementParameters(List.of(SqlParameter.named("n", 7), SqlParameter.named("s", "seven")));
        StatementOptions options = StatementOptions.builder()
                .waitTimeout(Duration.ofSeconds(5))
                .rowLimit(10)
                .queryTag("team", "interop")
                .tag("my-label")
                .build();
        DbsqlResult result = client.execute("SELECT :n AS n, :s AS s", params, options).get(30, TimeUnit.SECONDS);
        assertEquals("my-label", result.handle().getTag());
        try (Stream<Row> rows = result.rows()) {
            Row row = rows.findFirst().orElseThrow();
            assertEquals(7, row.getInt("n"));
            assertEquals("seven", row.getString("s"));
        }
        DbsqlResult positional = client.execute("SELECT ? + 1 AS v", StatementParameters.positional(41)).get(30, TimeUnit.SECONDS);
        try (Stream<Row> rows = positional.rows()) {
            assertEquals(42L, rows.findFirst().orElseThrow().getLong("v"));
        }
    }

    @Test
    void failuresArriveAsExecutionExceptionWrappingTheSdkException() {
        CompletableFuture<DbsqlResult> future = client.execute("SELECT * FROM no_such_table_here");
        ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(30, TimeUnit.SECONDS));
        SqlException sql = assertInstanceOf(SqlException.class, e.getCause());
        assertNotNull(sql.getStatementId());
        assertTrue(sql.getMessage().toLowerCase().contains("no_such_table_here"), sql.getMessage());
    }

    @Test
    void submitStatusAwaitAndCloseAHandle() throws Exception {
        StatementHandle handle = client.submit("SELECT 1 AS one").get(30, TimeUnit.SECONDS);
        StatementHandle copy = StatementHandle.fromJson(handle.toJson());
        assertEquals(handle.getStatementId(), copy.getStatementId());

        StatementStatus status = client.status(copy).get(30, TimeUnit.SECONDS);
        assertEquals(handle.getStatementId(), status.getStatementId());

        DbsqlResult result = client.await(copy).get(30, TimeUnit.SECONDS);
        assertEquals(StatementState.SUCCEEDED, result.state());
        assertEquals(StatementState.SUCCEEDED, client.status(copy).get(30, TimeUnit.SECONDS).getState());

        CompletableFuture<Void> closed = client.close(copy);
        assertEquals(null, closed.get(30, TimeUnit.SECONDS));
        assertTrue(warehouse.getAdmin().statement(handle.getStatementId()).getCloseArrived());
    }

    @Test
    void cancelAHandleThroughTheFuture() throws Exception {
        String sql = "SELECT count(*) FROM range(3000000000) WHERE id % 13 = 4";
        StatementHandle handle = client.submit(sql).get(30, TimeUnit.SECONDS);
        awaitRunning(sql);
        CompletableFuture<Void> cancelled = client.cancel(handle);
        cancelled.get(30, TimeUnit.SECONDS);
        assertTrue(warehouse.getAdmin().awaitCancelBlocking(handle.getStatementId(), Duration.ofSeconds(30)).getCancelArrived());
        ExecutionException e = assertThrows(ExecutionException.class, () -> client.await(handle).get(30, TimeUnit.SECONDS));
        assertInstanceOf(dev.dbsql.core.StatementCanceledException.class, e.getCause());
    }

    @Test
    void twentyConcurrentFutures() throws Exception {
        List<CompletableFuture<Long>> futures = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            StatementParameters p = new StatementParameters(List.of(SqlParameter.named("i", i)));
            futures.add(client.execute("SELECT :i * 10 AS v", p).thenApply(result -> {
                try (Stream<Row> rows = result.rows()) {
                    return rows.findFirst().orElseThrow().getLong("v");
                }
            }));
        }
        CompletableFuture.allOf(futures.toArray(new CompletableFuture[0])).get(60, TimeUnit.SECONDS);
        for (int i = 0; i < 20; i++) assertEquals(i * 10L, futures.get(i).get());
    }

    @Test
    void callsRunOnTheGivenExecutor() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        AtomicInteger tasks = new AtomicInteger();
        try (DbsqlClient own = DbsqlClient.create(config().build(), command -> {
            tasks.incrementAndGet();
            pool.execute(command);
        })) {
            own.execute("SELECT 1").get(30, TimeUnit.SECONDS);
            assertTrue(tasks.get() > 0, "the executor ran no task");
        } finally {
            pool.shutdown();
        }
        assertTrue(pool.awaitTermination(5, TimeUnit.SECONDS));
    }

    @Test
    void externalTokenFromASupplierOfFutures() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        DbsqlClientConfig cfg = config()
                .externalToken(() -> {
                    calls.incrementAndGet();
                    return CompletableFuture.supplyAsync(() -> warehouse.getToken());
                })
                .build();
        try (DbsqlClient own = DbsqlClient.create(cfg)) {
            own.execute("SELECT 1").get(30, TimeUnit.SECONDS);
            own.execute("SELECT 2").get(30, TimeUnit.SECONDS);
        }
        assertEquals(1, calls.get(), "a token is reused while the server accepts it");

        DbsqlClientConfig failing = config()
                .externalToken("vault", () -> CompletableFuture.failedFuture(new IllegalStateException("vault is down")))
                .build();
        try (DbsqlClient own = DbsqlClient.create(failing)) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> own.execute("SELECT 1").get(30, TimeUnit.SECONDS));
            AuthenticationException auth = assertInstanceOf(AuthenticationException.class, e.getCause());
            assertTrue(auth.getMessage().contains("vault is down"), auth.getMessage());
        }
    }

    @Test
    void configBuilderTakesJavaTypesAndValidates() {
        DbsqlClientConfig cfg = DbsqlClientConfig.builder()
                .host("https://example.cloud.databricks.com")
                .httpPath("/sql/1.0/warehouses/abc123")
                .token("dapi-secret-value")
                .catalog("main")
                .schema("default")
                .connectTimeout(Duration.ofSeconds(3))
                .requestTimeout(Duration.ofMinutes(3))
                .socketTimeout(Duration.ofSeconds(80))
                .retryTimeout(Duration.ofSeconds(30))
                .proxy("proxy.internal", 3128, List.of(".internal"))
                .downloadProxy("storage-proxy.internal", 8080, List.of("*.blob.core.windows.net"))
                .downloadCustomCa(Path.of("/etc/ssl/storage-ca.pem"))
                .downloadTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(20))
                .downloadMaxConcurrency(4)
                .userAgentSuffix("interop-test/1.0")
                .build();
        assertEquals("abc123", cfg.warehouseId());
        assertTrue(cfg.toJson().contains("storage-proxy.internal"));
        assertTrue(cfg.toJson().contains("\"maxConcurrency\":4"));
        assertEquals("https://example.cloud.databricks.com", cfg.host());
        assertFalse(cfg.toString().contains("dapi-secret-value"));
        assertFalse(cfg.toJson().contains("dapi-secret-value"));
        assertEquals(cfg, DbsqlClientConfig.fromJson(cfg.toJson(true)));

        ConfigurationException missing = assertThrows(ConfigurationException.class,
                () -> DbsqlClientConfig.builder().host("https://x.cloud.databricks.com").token("t").build());
        assertEquals("warehouseId", missing.getField());
        ConfigurationException badTimeout = assertThrows(ConfigurationException.class,
                () -> config().connectTimeout(Duration.ZERO).build());
        assertEquals("timeouts.connect", badTimeout.getField());
        DbsqlClientConfig noCa = config().customCa(Path.of("/no/such/ca.pem")).build();
        assertThrows(ConfigurationException.class, () -> DbsqlClient.create(noCa));
        assertThrows(ConfigurationException.class, () -> StatementOptions.builder().waitTimeout(Duration.ofSeconds(3)).build());
        assertThrows(dev.dbsql.core.ConfigurationException.class, () -> ReadOptions.builder().concurrency(0).build());
        assertThrows(dev.dbsql.core.ConfigurationException.class, () -> ReadOptions.builder().bufferedBatches(0).build());
        assertThrows(dev.dbsql.core.ConfigurationException.class, () -> ReadOptions.builder().hedgeSlowDownloads(Duration.ZERO).build());
    }

    @Test
    void aClosedClientFailsCallsWithClientClosedException() throws Exception {
        DbsqlClient own = DbsqlClient.create(config().build());
        own.execute("SELECT 1").get(30, TimeUnit.SECONDS);
        own.close();
        own.close();
        assertTrue(own.isClosed());
        ExecutionException e = assertThrows(ExecutionException.class, () -> own.execute("SELECT 1").get(10, TimeUnit.SECONDS));
        assertInstanceOf(ClientClosedException.class, e.getCause());
    }
}
