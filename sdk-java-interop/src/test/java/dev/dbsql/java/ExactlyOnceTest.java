package dev.dbsql.java;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbsql.core.lifecycle.ExactlyOnceSubmitter;
import dev.dbsql.warehouse.admin.StatementRecord;
import dev.dbsql.warehouse.faults.Endpoint;
import dev.dbsql.warehouse.faults.Fault;
import dev.dbsql.warehouse.faults.Trigger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The exactly-once guard from Java: a lost execute answer is reattached, not run twice. */
class ExactlyOnceTest extends WarehouseTestBase {

    @Test
    void aLostAnswerIsReattachedAndTheInsertRanOnce() throws Exception {
        client.execute("CREATE TABLE java_once (x INTEGER)").get(60, TimeUnit.SECONDS);
        Path journal = Files.createTempFile("journal", ".jsonl");
        try {
            DbsqlExactlyOnce guard = DbsqlExactlyOnce.create(
                    client, new dev.dbsql.core.lifecycle.FileSubmissionJournal(journal), Duration.ofSeconds(30), Duration.ofMillis(50));
            warehouse.getFaults().inject(Endpoint.EXECUTE, new Fault.ResetMidBody(null), Trigger.Companion.nth(1));
            DbsqlResult result = guard.execute("INSERT INTO java_once VALUES (1)").get(60, TimeUnit.SECONDS);
            List<StatementRecord> inserts = warehouse.getAdmin().statements().stream()
                    .filter(r -> r.getText().contains("INSERT INTO java_once"))
                    .collect(Collectors.toList());
            assertEquals(1, inserts.size());
            assertEquals(inserts.get(0).getId(), result.statementId());
            assertTrue(inserts.get(0).getText().startsWith(ExactlyOnceSubmitter.marker("").substring(0, 20)));
            assertEquals(List.of(), guard.recover().get(60, TimeUnit.SECONDS));
        } finally {
            warehouse.getFaults().clear();
            Files.deleteIfExists(journal);
        }
    }
}
