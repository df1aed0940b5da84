package dev.dbsql.java;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbsql.auth.AccessToken;
import dev.dbsql.auth.AuthConfig;
import dev.dbsql.auth.PersonalAccessTokenProvider;
import dev.dbsql.auth.SecretRef;
import dev.dbsql.core.AuthenticationException;
import dev.dbsql.core.ConfigurationException;
import dev.dbsql.core.DatabricksSqlException;
import dev.dbsql.core.Disposition;
import dev.dbsql.core.PemSource;
import dev.dbsql.core.RateLimitedException;
import dev.dbsql.core.ResultCompression;
import dev.dbsql.core.ResultFormat;
import dev.dbsql.core.ServiceUnavailableException;
import dev.dbsql.core.StatementHandle;
import dev.dbsql.core.StatementParameters;
import dev.dbsql.core.TlsConfig;
import dev.dbsql.flow.RecordBatch;
import dev.dbsql.flow.ResultPartition;
import dev.dbsql.warehouse.LocalWarehouse;
import dev.dbsql.warehouse.tls.SelfSignedCertificate;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.junit.jupiter.api.Test;

/**
 * Calls every public method of the interop module from Java source (so that a signature Java cannot
 * call breaks this build), and checks that it does: [everyPublicMethodIsCalledHere] fails naming
 * any public method of `dev.dbsql.java` this file does not call.
 */
class EveryMethodTest extends WarehouseTestBase {
    private static final long T = 60;

    @Test
    void everyPublicMethodIsCalledHere() throws IOException, ClassNotFoundException {
        String source = Files.readString(Path.of("src/test/java/dev/dbsql/java/EveryMethodTest.java"), StandardCharsets.UTF_8);
        List<String> missing = new ArrayList<>();
        String[] classes = {
            "DbsqlClient", "DbsqlClientConfig", "DbsqlClientConfig$Builder", "DbsqlSession", "DbsqlMetadata", "DbsqlResult",
            "ResultStream", "BatchIterator", "ReadOptions", "ReadOptions$Builder", "StatementOptions", "StatementOptions$Builder",
            "Partitions", "DbsqlCursor",
        };
        for (String name : classes) {
            for (Method m : Class.forName("dev.dbsql.java." + name).getDeclaredMethods()) {
                if (!Modifier.isPublic(m.getModifiers()) || m.isSynthetic() || m.isBridge() || m.getName().contains("$")) continue;
                if (!source.contains("." + m.getName() + "(") && !source.contains("::" + m.getName())) missing.add(name + "." + m.getName());
            }
        }
        assertTrue(missing.isEmpty(), "public methods no Java test calls: " + missing);
    }

    @Test
    void fetchHelpersAndStatementConf() throws Exception {
        StatementOptions options = StatementOptions.builder().conf("ansi_mode", "true").conf(Map.of("timezone", "UTC")).build();
        DbsqlResult result = client.execute("SELECT id FROM range(3)", StatementParameters.NONE, options).get(T, TimeUnit.SECONDS);
        assertEquals(1, result.description().size());
        assertEquals(3, result.fetchAll().get(T, TimeUnit.SECONDS).size());
        assertEquals(3, result.fetchAll(3).get(T, TimeUnit.SECONDS).size());
        try (DbsqlCursor cursor = result.cursor(ReadOptions.DEFAULT)) {
            assertEquals(1, cursor.description().size());
            assertEquals(List.of(0L), cursor.fetchOne().get(T, TimeUnit.SECONDS));
            assertEquals(1, cursor.fetchMany(1).get(T, TimeUnit.SECONDS).size());
            assertEquals(1, cursor.fetchAll(10).get(T, TimeUnit.SECONDS).size());
            assertEquals(0, cursor.fetchAll().get(T, TimeUnit.SECONDS).size());
        }
        result.cursor().close();
    }

    @Test
    void clientConfigAndItsBuilder() throws Exception {
        DbsqlClientConfig.Builder b = DbsqlClientConfig.builder()
                .host(warehouse.getBaseUrl())
                .httpPath("/sql/1.0/warehouses/" + warehouse.getWarehouseId())
                .warehouseId(warehouse.getWarehouseId())
                .tokenFromEnv("DBSQL_TEST_UNSET_VARIABLE")
                .auth(new AuthConfig.Pat(new SecretRef.Inline(warehouse.getToken())))
                .token(warehouse.getToken())
                .catalog("main")
                .schema("default")
                .connectTimeout(Duration.ofSeconds(5))
                .requestTimeout(Duration.ofMinutes(2))
                .socketTimeout(Duration.ofSeconds(70))
                .closeCancelBudget(Duration.ofSeconds(15))
                .cancelOnShutdown(true)
                .cancelOnShutdown(true, Duration.ofSeconds(5))
                .maxRetryAttempts(3)
                .retryTimeout(Duration.ofSeconds(30))
                .retryBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
                .proxy("127.0.0.1", 9)
                .proxy("127.0.0.1", 9, List.of("127.0.0.1", "localhost"))
                .downloadProxy("127.0.0.1", 9, List.of("*"))
                .downloadTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(70))
                .downloadMaxConcurrency(4)
                .userAgentSuffix("every-method/1.0")
                .maxResponseBytes(32L << 20);
        DbsqlClientConfig config = b.build();
        assertTrue(DbsqlClientConfig.builder().downloadCustomCa(java.nio.file.Path.of("/etc/ssl/storage-ca.pem")) != null);
        assertEquals(warehouse.getBaseUrl(), config.host());
        assertEquals(warehouse.getWarehouseId(), config.warehouseId());
        assertTrue(config.toJson().contains("\"maxResponseBytes\":33554432"), config.toJson());
        assertFalse(config.toString().contains(warehouse.getToken()), "toString shows the token");
        assertFalse(config.toJson().contains(warehouse.getToken()), "toJson shows the token");
        DbsqlClientConfig back = DbsqlClientConfig.fromJson(config.toJson(true));
        assertEquals(config, back);
        assertTrue(config.equals(back));
        assertEquals(config.hashCode(), back.hashCode());
        assertThrows(ConfigurationException.class, () -> DbsqlClientConfig.fromJson(config.toJson()));

        // the workspace settings chain: a clear SDK exception when nothing is there
        try {
            assertNotNull(DbsqlClientConfig.fromEnvironment());
        } catch (DatabricksSqlException expected) {
            assertInstanceOf(AuthenticationException.class, expected);
        }
        assertThrows(AuthenticationException.class, () -> DbsqlClientConfig.fromProfile("dbsql-no-such-profile-7f3a"));
        assertThrows(ConfigurationException.class, () -> DbsqlClientConfig.builder().host(warehouse.getBaseUrl()).build());
    }

    @Test
    void credentialsOfTheCallerAndTokenRotation() throws Exception {
        PersonalAccessTokenProvider pat = new PersonalAccessTokenProvider("dapi-not-the-right-token");
        DbsqlClientConfig cfg = config().credentials(pat).build();
        try (DbsqlClient own = DbsqlClient.create(cfg)) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> own.execute("SELECT 1").get(T, TimeUnit.SECONDS));
            assertInstanceOf(AuthenticationException.class, e.getCause());
            pat.update(warehouse.getToken());
            assertNotNull(own.execute("SELECT 1").get(T, TimeUnit.SECONDS).statementId());
        }
        assertThrows(ConfigurationException.class, cfg::toJson);

        DbsqlClientConfig external = config()
                .externalToken("vault", () -> CompletableFuture.completedFuture(warehouse.getToken()))
                .externalAccessToken("vault2", () -> CompletableFuture.completedFuture(new AccessToken(warehouse.getToken(), null)))
                .build();
        try (DbsqlClient own = DbsqlClient.create(external)) {
            assertNotNull(own.execute("SELECT 1").get(T, TimeUnit.SECONDS).statementId());
        }
    }

    @Test
    void inMemoryPemAndTlsConfig() throws Exception {
        SelfSignedCertificate cert = TlsWarehouses.tlsCertificate();
        try (LocalWarehouse tls = TlsWarehouses.start(cert)) {
            DbsqlClientConfig.Builder b = DbsqlClientConfig.builder()
                    .host(tls.getBaseUrl()).warehouseId(tls.getWarehouseId()).token(tls.getToken());
            try (DbsqlClient own = DbsqlClient.create(b.customCaPem(cert.getCertificatePem()).build())) {
                assertNotNull(own.execute("SELECT 1").get(T, TimeUnit.SECONDS).statementId());
            }
            TlsConfig config = new TlsConfig(new PemSource.Inline(cert.getCertificatePem()), null, null);
            try (DbsqlClient own = DbsqlClient.create(b.tls(config).build())) {
                assertNotNull(own.execute("SELECT 1").get(T, TimeUnit.SECONDS).statementId());
            }
            Path caFile = Files.createTempFile("ca", ".pem");
            Files.writeString(caFile, cert.getCertificatePem());
            try (DbsqlClient own = DbsqlClient.create(b.customCa(caFile).build())) {
                assertNotNull(own.execute("SELECT 1").get(T, TimeUnit.SECONDS).statementId());
            }
            // bad client material: a typed failure from create, nothing left running
            DbsqlClientConfig badKey = b.clientCertificatePem(cert.getCertificatePem(), "not a key").build();
            assertThrows(ConfigurationException.class, () -> DbsqlClient.create(badKey));
            Path certFile = Files.createTempFile("cert", ".pem");
            Path keyFile = Files.createTempFile("key", ".pem");
            Files.writeString(certFile, cert.getCertificatePem());
            Files.writeString(keyFile, cert.privateKeyPem());
            try (DbsqlClient own = DbsqlClient.create(b.clientCertificate(certFile, keyFile).build())) {
                assertNotNull(own.execute("SELECT 1").get(T, TimeUnit.SECONDS).statementId());
            }
        }
    }

    @Test
    void statementAndReadOptions() throws Exception {
        StatementOptions so = StatementOptions.builder()
                .disposition(Disposition.EXTERNAL_LINKS)
                .format(ResultFormat.ARROW_STREAM)
                .compression(ResultCompression.LZ4_FRAME)
                .waitTimeout(Duration.ofSeconds(10))
                .cancelOnWaitTimeout(false)
                .rowLimit(1_000_000)
                .byteLimit(1L << 30)
                .queryTag("k", null)
                .catalog(null)
                .schema(null)
                .tag("t")
                .build();
        assertEquals(so, StatementOptions.builder().disposition(Disposition.EXTERNAL_LINKS).format(ResultFormat.ARROW_STREAM)
                .compression(ResultCompression.LZ4_FRAME).waitTimeout(Duration.ofSeconds(10)).cancelOnWaitTimeout(false)
                .rowLimit(1_000_000).byteLimit(1L << 30).queryTag("k", null).tag("t").build());
        assertTrue(so.equals(so));
        assertEquals(so.hashCode(), so.hashCode());
        assertNotEquals(so, StatementOptions.DEFAULT);
        assertTrue(so.toString().contains("EXTERNAL_LINKS"));

        try (RootAllocator allocator = new RootAllocator()) {
            var pool = Executors.newFixedThreadPool(2);
            List<Long> progress = new ArrayList<>();
            dev.dbsql.flow.SharedMemoryBudget shared = new dev.dbsql.flow.SharedMemoryBudget(96L << 20);
            ReadOptions ro = ReadOptions.builder()
                    .sharedBudget(shared)
                    .concurrency(2)
                    .minConcurrency(1)
                    .memoryBudgetBytes(64L << 20)
                    .memorySlackBytes(16L << 20)
                    .linkExpiryMargin(Duration.ofSeconds(30))
                    .maxAttempts(3)
                    .backoff(Duration.ofMillis(10), Duration.ofMillis(100))
                    .hedgeSlowDownloads(null)
                    .downloadIdleTimeout(Duration.ofSeconds(20))
                    .chunkTimeout(Duration.ofMinutes(5))
                    .allowTruncated(true)
                    .chunkRange(1, 3)
                    .allocator(allocator)
                    .executor(pool)
                    .jsonBatchRows(1000)
                    .onProgress(p -> {
                        progress.add(p.getRowsDelivered());
                        if (p.getConcurrency() < 1 || p.getConcurrency() > 2) progress.add(-1L); // outside 1..2: fails below
                    })
                    .bufferedBatches(1)
                    .build();
            assertEquals(1, ro.bufferedBatches());
            assertTrue(ro.toString().contains("bufferedBatches=1"));
            assertTrue(ro.toString().contains("downloadIdleTimeout=20s") && ro.toString().contains("chunkTimeout=5m"), ro.toString());
            assertEquals(2, ReadOptions.DEFAULT.bufferedBatches());
            DbsqlResult result = client.execute(MILLION, StatementParameters.NONE, so).get(T, TimeUnit.SECONDS);
            long rows;
            try (Stream<dev.dbsql.flow.Row> s = result.stream(ro).rows()) {
                rows = s.count();
            }
            assertEquals(200_000L, rows, "chunks 1 and 2 of 100,000 rows each");
            assertTrue(shared.getPeakBytes() > 0, "the stream counted its chunks in the shared budget");
            for (int i = 0; i < 6000 && shared.getUsedBytes() != 0L; i++) Thread.sleep(10); // hang guard 60 s
            assertEquals(0L, shared.getUsedBytes(), "and gave them back");
            assertFalse(progress.isEmpty());
            assertFalse(progress.contains(-1L), "the adaptive choice stayed within minConcurrency..concurrency");
            pool.shutdown();
            assertThrows(ConfigurationException.class, () -> ReadOptions.builder().chunkRange(3, 1).memoryBudgetBytes(1).build());
        }
    }

    @Test
    void callsResultsStreamsAndIterators() throws Exception {
        StatementParameters noParams = StatementParameters.NONE;
        StatementOptions defaults = StatementOptions.DEFAULT;
        ReadOptions reads = ReadOptions.DEFAULT;
        DbsqlResult one = client.execute("SELECT 1 AS one").get(T, TimeUnit.SECONDS);
        client.execute("SELECT 1 AS one", noParams).get(T, TimeUnit.SECONDS);
        client.execute("SELECT 1 AS one", noParams, defaults).get(T, TimeUnit.SECONDS);
        StatementHandle h1 = client.submit("SELECT 2 AS two").get(T, TimeUnit.SECONDS);
        client.submit("SELECT 2 AS two", noParams).get(T, TimeUnit.SECONDS);
        StatementHandle h3 = client.submit("SELECT 2 AS two", noParams, defaults).get(T, TimeUnit.SECONDS);
        assertNotNull(client.status(h1).get(T, TimeUnit.SECONDS).getState());
        DbsqlResult two = client.await(h1).get(T, TimeUnit.SECONDS);
        assertEquals(h1.getStatementId(), two.statementId());
        assertNotNull(two.handle());
        assertNotNull(two.manifest());
        assertNotNull(two.state());
        assertTrue(two.toString().contains(two.statementId()));
        client.cancel(h3).get(T, TimeUnit.SECONDS);
        client.close(h3).get(T, TimeUnit.SECONDS);

        try (BatchIterator it = one.batches()) {
            assertTrue(it.hasNext());
            try (RecordBatch b = it.next()) {
                assertEquals(1, b.getRowCount());
                assertThrows(ClassCastException.class, () -> b.column("one", VarCharVector.class));
                assertNotNull(b.vector(0));
            }
            assertFalse(it.toString().isEmpty());
            assertThrows(UnsupportedOperationException.class, it::remove);
        }
        try (Stream<dev.dbsql.flow.Row> rows = one.rows()) {
            assertEquals(1L, rows.count());
        }
        assertEquals(1L, countBatchesRows(one.stream().publisher()));
        assertEquals(1L, countBatchesRows(one.publisher()));
        assertEquals(1L, countBatchesRows(one.stream(reads).publisher()));

        DbsqlResult million = client.execute(MILLION, noParams, LINKS).get(T, TimeUnit.SECONDS);
        List<ResultPartition> parts = million.partitions(2);
        long sum = 0;
        for (ResultPartition p : parts) {
            ResultPartition shipped = Partitions.fromJson(Partitions.toJson(p));
            try (BatchIterator it = client.readPartition(shipped).batches()) {
                while (it.hasNext()) {
                    try (RecordBatch b = it.next()) {
                        BigIntVector ids = b.column("id", BigIntVector.class);
                        for (int i = 0; i < b.getRowCount(); i++) sum += ids.get(i);
                    }
                }
            }
            try (Stream<dev.dbsql.flow.Row> rows = client.readPartition(shipped, reads).rows()) {
                assertTrue(rows.count() > 0);
            }
        }
        assertEquals(MILLION_SUM, sum);
        million.close().get(T, TimeUnit.SECONDS);

        try (Stream<dev.dbsql.flow.Row> rows = client.executeStreaming("SELECT 3 AS three").rows()) {
            assertEquals(1L, rows.count());
        }
        client.executeStreaming("SELECT 3", noParams).batches().close();
        client.executeStreaming("SELECT 3", noParams, defaults).batches().close();
        client.executeStreaming("SELECT 3", noParams, defaults, reads).batches().close();
        StatementHandle h4 = client.submit("SELECT 4 AS four").get(T, TimeUnit.SECONDS);
        try (Stream<dev.dbsql.flow.Row> rows = client.resume(h4).rows()) {
            assertEquals(1L, rows.count());
        }
        try (Stream<dev.dbsql.flow.Row> rows = client.resume(h4, reads).rows()) {
            assertEquals(1L, rows.count());
        }
        assertTrue(client.toString().contains("DbsqlClient"));
        assertFalse(client.isClosed());
    }

    private static long countBatchesRows(Flow.Publisher<RecordBatch> publisher) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        long[] rows = {0};
        publisher.subscribe(new Flow.Subscriber<>() {
            @Override public void onSubscribe(Flow.Subscription s) { s.request(Long.MAX_VALUE); }
            @Override public void onNext(RecordBatch b) { rows[0] += b.getRowCount(); b.close(); }
            @Override public void onError(Throwable t) { done.countDown(); }
            @Override public void onComplete() { done.countDown(); }
        });
        assertTrue(done.await(T, TimeUnit.SECONDS));
        return rows[0];
    }

    @Test
    void volumes() throws Exception {
        // both overloads; VolumesTest covers the operations themselves
        assertNotNull(client.volumes().list("/Volumes/main/every/v").exceptionally(e -> java.util.List.of()).get(T, TimeUnit.SECONDS));
        assertNotNull(client.volumes(DbsqlVolumeOptions.DEFAULT).toString());
    }

    @Test
    void sessionsAndMetadata() throws Exception {
        DbsqlMetadata m = client.metadata();
        assertNotNull(m.catalogs().get(T, TimeUnit.SECONDS));
        m.schemas().get(T, TimeUnit.SECONDS);
        m.schemas(null).get(T, TimeUnit.SECONDS);
        m.schemas(null, "%").get(T, TimeUnit.SECONDS);
        m.tables().get(T, TimeUnit.SECONDS);
        m.tables(null).get(T, TimeUnit.SECONDS);
        m.tables(null, "%").get(T, TimeUnit.SECONDS);
        m.tables(null, "%", "%").get(T, TimeUnit.SECONDS);
        m.tables(null, "%", "%", List.of("TABLE")).get(T, TimeUnit.SECONDS);
        m.columns().get(T, TimeUnit.SECONDS);
        m.columns(null).get(T, TimeUnit.SECONDS);
        m.columns(null, "%").get(T, TimeUnit.SECONDS);
        m.columns(null, "%", "%").get(T, TimeUnit.SECONDS);
        m.columns(null, "%", "%", "%").get(T, TimeUnit.SECONDS);

        client.openSession().get(T, TimeUnit.SECONDS).close().get(T, TimeUnit.SECONDS);
        client.openSession(null).get(T, TimeUnit.SECONDS).close().get(T, TimeUnit.SECONDS);
        client.openSession(null, null).get(T, TimeUnit.SECONDS).close().get(T, TimeUnit.SECONDS);
        DbsqlSession s = client.openSession(null, null, Map.of()).get(T, TimeUnit.SECONDS);
        assertNotNull(s.sessionId());
        assertTrue(s.toString().contains(s.sessionId()));
        s.execute("SELECT 1").get(T, TimeUnit.SECONDS);
        s.execute("SELECT 1", StatementParameters.NONE).get(T, TimeUnit.SECONDS);
        s.execute("SELECT 1", StatementParameters.NONE, StatementOptions.DEFAULT).get(T, TimeUnit.SECONDS);
        s.submit("SELECT 1").get(T, TimeUnit.SECONDS);
        s.submit("SELECT 1", StatementParameters.NONE).get(T, TimeUnit.SECONDS);
        s.submit("SELECT 1", StatementParameters.NONE, StatementOptions.DEFAULT).get(T, TimeUnit.SECONDS);
        s.metadata().catalogs().get(T, TimeUnit.SECONDS);
        s.close().get(T, TimeUnit.SECONDS);
        assertTrue(s.isClosed());
    }

    @Test
    void retryAfterIsAJavaDuration() {
        RateLimitedException limited = new RateLimitedException("slow down", null, null, Duration.ofSeconds(3), true);
        assertEquals(Duration.ofSeconds(3), limited.getRetryAfter());
        ServiceUnavailableException unavailable = new ServiceUnavailableException("later", 503, null, null, null, true);
        assertEquals(null, unavailable.getRetryAfter());
        assertEquals(503, unavailable.getHttpStatus());
    }

    @Test
    void clientCreateWithExecutorAndCloseAsync() throws Exception {
        var pool = Executors.newSingleThreadExecutor();
        DbsqlClient own = DbsqlClient.create(config().build(), pool);
        own.execute("SELECT 1").get(T, TimeUnit.SECONDS);
        own.closeAsync().get(T, TimeUnit.SECONDS);
        own.close();
        assertTrue(own.isClosed());
        pool.shutdown();
    }
}
