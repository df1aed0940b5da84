package dev.dbsql.java;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbsql.core.StatementHandle;
import dev.dbsql.core.StatementParameters;
import dev.dbsql.core.StatementState;
import dev.dbsql.warehouse.admin.StatementRecord;
import dev.dbsql.warehouse.faults.Endpoint;
import dev.dbsql.warehouse.faults.Fault;
import dev.dbsql.warehouse.faults.Trigger;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** `future.cancel(true)` reaches the server. */
class FutureCancelTest extends WarehouseTestBase {

    @Test
    void cancellingAnAwaitFutureCancelsTheStatement() throws Exception {
        String sql = "SELECT count(*) FROM range(3000000000) WHERE id % 7 = 3";
        StatementHandle handle = client.submit(sql).get(30, TimeUnit.SECONDS);
        CompletableFuture<DbsqlResult> awaiting = client.await(handle);
        awaitRunning(sql);

        assertTrue(awaiting.cancel(true));
        StatementRecord record = warehouse.getAdmin().awaitCancelBlocking(handle.getStatementId(), Duration.ofSeconds(30));
        assertTrue(record.getCancelArrived());
        assertTrue(awaiting.isCancelled());
        assertThrows(CancellationException.class, awaiting::get);
        assertEquals(StatementState.CANCELED, awaitFinalState(handle));
    }

    @Test
    void cancellingAnExecuteFutureCancelsTheStatementOnceItsIdIsKnown() throws Exception {
        String sql = "SELECT count(*) FROM range(3000000000) WHERE id % 11 = 5";
        StatementOptions noServerWait = StatementOptions.builder().waitTimeout(Duration.ZERO).build();
        CompletableFuture<DbsqlResult> running = client.execute(sql, StatementParameters.NONE, noServerWait);
        StatementRecord started = awaitRunning(sql);

        assertTrue(running.cancel(true));
        StatementRecord record = warehouse.getAdmin().awaitCancelBlocking(started.getId(), Duration.ofSeconds(30));
        assertTrue(record.getCancelArrived());
        assertThrows(CancellationException.class, () -> running.get(1, TimeUnit.SECONDS));
    }

    @Test
    void cancellingAnExecuteFutureDuringTheFirstRequestReturnsBeforeTheAnswerAndCancelsWhenItArrives() throws Exception {
        String sql = "SELECT count(*) FROM range(3000000000) WHERE id % 13 = 6";
        CompletableFuture<Object> gate = new CompletableFuture<>();
        warehouse.getFaults().inject(Endpoint.EXECUTE, new Fault.HoldAnswer(gate), Trigger.Companion.nth(1));
        try (DbsqlClient own = DbsqlClient.create(config().closeCancelBudget(Duration.ofSeconds(60)).cancelOnShutdown(false).build())) {
            StatementOptions serverWait = StatementOptions.builder().waitTimeout(Duration.ofSeconds(5)).build();
            CompletableFuture<DbsqlResult> running = own.execute(sql, StatementParameters.NONE, serverWait);
            StatementRecord started = awaitRunning(sql);

            assertTrue(running.cancel(true));
            assertThrows(CancellationException.class, running::get);
            // the future is done while the warehouse still holds the answer that names the statement
            assertFalse(gate.isDone());
            assertFalse(warehouse.getAdmin().statement(started.getId()).getCancelArrived());
            own.close(); // the pending cancel survives the close (within its budget)
            gate.complete(null);
            StatementRecord record = warehouse.getAdmin().awaitCancelBlocking(started.getId(), Duration.ofSeconds(30));
            assertTrue(record.getCancelArrived());
            own.closeAsync().get(60, TimeUnit.SECONDS);
        } finally {
            warehouse.getFaults().clear();
        }
    }

    private static StatementState awaitFinalState(StatementHandle handle) throws Exception {
        for (int i = 0; i < 500; i++) {
            StatementState state = client.status(handle).get(10, TimeUnit.SECONDS).getState();
            if (state.isTerminal()) return state;
            Thread.sleep(10);
        }
        throw new AssertionError("statement did not finish");
    }
}
