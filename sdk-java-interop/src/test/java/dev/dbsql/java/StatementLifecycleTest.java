package dev.dbsql.java;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbsql.core.StatementHandle;
import dev.dbsql.core.lifecycle.FileSubmissionJournal;
import dev.dbsql.core.lifecycle.OwnerTag;
import dev.dbsql.core.lifecycle.StatementReaper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Owner tags, the lifecycle manager and the reaper from Java. */
class StatementLifecycleTest extends WarehouseTestBase {

    @Test
    void theReaperLeavesTrackedStatementsAndCancelsTheOwnersOrphans() throws Exception {
        Path journal = Files.createTempFile("journal", ".jsonl");
        try (DbsqlStatementManager manager = DbsqlStatementManager.create(client, Duration.ofMillis(100), s -> { })) {
            DbsqlExactlyOnce guard = DbsqlExactlyOnce.create(
                    client, new FileSubmissionJournal(journal), Duration.ofSeconds(30), Duration.ofMillis(50), "java-svc");
            DbsqlSubmission running = guard.submit("SELECT sum(id) FROM range(1000000000000) t1 -- java reaper", Duration.ZERO)
                    .get(60, TimeUnit.SECONDS);
            assertFalse(running.isFinished());
            StatementHandle handle = running.handle();
            assertTrue(warehouse.getAdmin().statement(handle.getStatementId()).getText().startsWith(ExactlyOnceMarker.PREFIX));
            assertTrue(warehouse.getAdmin().statement(handle.getStatementId()).getText().contains(OwnerTag.marker("java-svc")));
            manager.track(handle);
            assertEquals(Set.of(handle.getStatementId()), manager.trackedIds());

            DbsqlReaper reaper = DbsqlReaper.create(client, "java-svc");
            StatementReaper.Report kept = reaper.reap(manager.trackedIds()).get(60, TimeUnit.SECONDS);
            assertEquals(List.of(handle.getStatementId()), kept.getLeft());
            assertEquals(List.of(), kept.getCancelled());
            assertFalse(warehouse.getAdmin().statement(handle.getStatementId()).getCancelArrived());

            manager.untrack(handle.getStatementId());
            StatementReaper.Report reaped = reaper.reap(manager.trackedIds()).get(60, TimeUnit.SECONDS);
            assertEquals(List.of(handle.getStatementId()), reaped.getCancelled());
            assertEquals(Map.of(), reaped.getFailed());
            assertTrue(warehouse.getAdmin().awaitCancelBlocking(handle.getStatementId(), Duration.ofSeconds(30)).getCancelArrived());
        } finally {
            Files.deleteIfExists(journal);
        }
    }

    /** The request id comment every guarded statement starts with. */
    private static final class ExactlyOnceMarker {
        static final String PREFIX = "/* dbsql_request_id=";
    }
}
