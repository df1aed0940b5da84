package dev.dbsql.java;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbsql.core.StatementParameters;
import dev.dbsql.core.StatementState;
import dev.dbsql.warehouse.faults.Endpoint;
import dev.dbsql.warehouse.faults.Fault;
import dev.dbsql.warehouse.faults.FaultRule;
import dev.dbsql.warehouse.faults.Trigger;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The hybrid submit as a future: both of its shapes. */
class HybridSubmitTest extends WarehouseTestBase {

    @Test
    void aShortStatementCompletesFinishedWithItsResult() throws Exception {
        DbsqlSubmission s = client.submit("SELECT 41 AS n", Duration.ofSeconds(10)).get(60, TimeUnit.SECONDS);
        assertTrue(s.isFinished());
        assertEquals(StatementState.SUCCEEDED, s.state());
        DbsqlResult result = s.result();
        assertEquals(s.handle().getStatementId(), result.statementId());
        assertEquals(1L, result.manifest().getTotalRowCount());
    }

    @Test
    void aLongStatementCompletesRunningWithAHandle() throws Exception {
        FaultRule hold = warehouse.getFaults().inject(Endpoint.QUERY, new Fault.Delay(600_000), Trigger.Companion.nth(1));
        try {
            DbsqlSubmission s = client.submit("SELECT 42 AS n", Duration.ofSeconds(5), StatementParameters.NONE, StatementOptions.DEFAULT)
                    .get(60, TimeUnit.SECONDS);
            assertFalse(s.isFinished());
            assertFalse(s.state().isTerminal());
            assertThrows(IllegalStateException.class, s::result);
            client.cancel(s.handle()).get(30, TimeUnit.SECONDS);
            assertTrue(warehouse.getAdmin().awaitCancelBlocking(s.handle().getStatementId(), Duration.ofSeconds(30)).getCancelArrived());
        } finally {
            warehouse.getFaults().remove(hold);
        }
    }
}
