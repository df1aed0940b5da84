package dev.dbsql.samples;

import dev.dbsql.core.SqlException;
import dev.dbsql.core.SqlParameter;
import dev.dbsql.core.StatementHandle;
import dev.dbsql.core.StatementParameters;
import dev.dbsql.core.StatementState;
import dev.dbsql.flow.Row;
import dev.dbsql.java.DbsqlClient;
import dev.dbsql.java.DbsqlClientConfig;
import dev.dbsql.java.DbsqlResult;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/** The Java face: one future per call, concurrent queries, errors, and cancelling a long query. */
public final class JavaFuturesSample {
    public static void main(String[] args) throws Exception {
        try (SampleTarget target = SampleTarget.open();
             DbsqlClient client = DbsqlClient.create(DbsqlClientConfig.builder()
                     .host(target.host())
                     .warehouseId(target.warehouseId())
                     .auth(target.auth())
                     .connectTimeout(Duration.ofSeconds(10))
                     .build())) {

            // One query: get() waits; failures arrive wrapped in ExecutionException.
            DbsqlResult result = client.execute("SELECT id, 'item-' || id AS name FROM range(3)").get();
            try (Stream<Row> rows = result.rows()) {
                rows.forEach(row -> System.out.println(row.getLong("id") + " -> " + row.getString("name")));
            }

            // Five queries at once, combined without blocking a thread per query.
            List<CompletableFuture<DbsqlResult>> squares = IntStream.rangeClosed(1, 5)
                    .mapToObj(i -> client.execute("SELECT :i * :i AS square",
                            new StatementParameters(List.of(SqlParameter.named("i", i)))))
                    .toList();
            CompletableFuture.allOf(squares.toArray(CompletableFuture[]::new)).join();
            for (CompletableFuture<DbsqlResult> square : squares) {
                try (Stream<Row> rows = square.join().rows()) {
                    System.out.println("square " + rows.findFirst().orElseThrow().getLong("square"));
                }
            }

            // A failing statement.
            try {
                client.execute("SELECT * FROM no_such_table").get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof SqlException sql) {
                    System.out.println("failed as expected (SQLSTATE " + sql.getSqlState() + ")");
                }
            }

            // Cancelling the future cancels the statement on the server.
            StatementHandle handle = client.submit("SELECT count(*) FROM range(3000000000) WHERE id % 7 = 3").get();
            CompletableFuture<DbsqlResult> waiting = client.await(handle);
            Thread.sleep(500);
            waiting.cancel(true);
            StatementState state = client.status(handle).get().getState();
            while (!state.isTerminal()) {
                Thread.sleep(50);
                state = client.status(handle).get().getState();
            }
            System.out.println("long query " + handle.getStatementId() + " is " + state);
        }
    }
}
