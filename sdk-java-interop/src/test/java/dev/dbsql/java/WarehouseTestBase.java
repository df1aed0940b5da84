package dev.dbsql.java;

import dev.dbsql.core.Disposition;
import dev.dbsql.warehouse.LocalWarehouse;
import dev.dbsql.warehouse.WarehouseConfig;
import dev.dbsql.warehouse.admin.StatementRecord;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Starts a local warehouse on a random loopback port for each test class, and one client for it. */
abstract class WarehouseTestBase {
    /** 1,000,000 rows: ten chunks of the warehouse's default 100,000 rows when sent as links. */
    static final String MILLION = "SELECT id, id * 2 AS twice FROM range(1000000)";
    static final long MILLION_SUM = 999_999L * 1_000_000L / 2;

    static final StatementOptions LINKS = StatementOptions.builder().disposition(Disposition.EXTERNAL_LINKS).build();

    static LocalWarehouse warehouse;
    static DbsqlClient client;

    @BeforeAll
    static void startWarehouse() {
        warehouse = LocalWarehouse.start(new WarehouseConfig());
        client = DbsqlClient.create(config().build());
    }

    @AfterAll
    static void stopWarehouse() {
        client.close();
        warehouse.close();
    }

    static DbsqlClientConfig.Builder config() {
        return DbsqlClientConfig.builder()
                .host(warehouse.getBaseUrl())
                .warehouseId(warehouse.getWarehouseId())
                .token(warehouse.getToken())
                .maxRetryAttempts(3)
                .retryBackoff(Duration.ofMillis(20), Duration.ofMillis(200));
    }

    /** The statement the warehouse received with exactly [sql] once it runs (polls up to 10 s). */
    static StatementRecord awaitRunning(String sql) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            List<StatementRecord> records = warehouse.getAdmin().statementsWithText(sql);
            for (StatementRecord r : records) {
                if (r.getState() == dev.dbsql.warehouse.statements.StatementState.RUNNING) return r;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no running statement: " + sql);
    }
}
