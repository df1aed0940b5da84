package dev.dbsql.java;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbsql.core.StatementHandle;
import dev.dbsql.flow.Row;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Sessions and metadata listings through futures. */
class SessionMetadataTest extends WarehouseTestBase {

    private static List<Map<String, Object>> rowsOf(DbsqlResult result) {
        try (Stream<Row> rows = result.rows()) {
            return rows.map(Row::toMap).collect(Collectors.toList());
        }
    }

    @Test
    void sessionStatementsShareState() throws Exception {
        DbsqlSession session = client.openSession(null, null, Map.of("ansi_mode", "true")).get(30, TimeUnit.SECONDS);
        assertFalse(session.sessionId().isEmpty());
        session.execute("CREATE TEMPORARY VIEW interop_v AS SELECT 5 AS five").get(30, TimeUnit.SECONDS);
        List<Map<String, Object>> rows = rowsOf(session.execute("SELECT five FROM interop_v").get(30, TimeUnit.SECONDS));
        assertEquals(List.of(Map.of("five", 5)), rows);

        StatementHandle handle = session.submit("SELECT five + 1 AS six FROM interop_v").get(30, TimeUnit.SECONDS);
        List<Map<String, Object>> six = rowsOf(client.await(handle).get(30, TimeUnit.SECONDS));
        assertEquals(6, ((Number) six.get(0).get("six")).intValue());

        session.close().get(30, TimeUnit.SECONDS);
        session.close().get(30, TimeUnit.SECONDS);
        assertTrue(session.isClosed());
        ExecutionException e = assertThrows(ExecutionException.class, () -> session.execute("SELECT 1").get(30, TimeUnit.SECONDS));
        assertInstanceOf(dev.dbsql.core.SessionNotFoundException.class, e.getCause());
    }

    @Test
    void metadataListings() throws Exception {
        client.execute("CREATE TABLE IF NOT EXISTS interop_t (id BIGINT, name STRING)").get(30, TimeUnit.SECONDS);
        client.execute("CREATE OR REPLACE VIEW interop_view AS SELECT id FROM interop_t").get(30, TimeUnit.SECONDS);
        DbsqlMetadata metadata = client.metadata();

        assertFalse(rowsOf(metadata.catalogs().get(30, TimeUnit.SECONDS)).isEmpty());
        assertFalse(rowsOf(metadata.schemas().get(30, TimeUnit.SECONDS)).isEmpty());
        assertFalse(rowsOf(metadata.schemas(null, "%").get(30, TimeUnit.SECONDS)).isEmpty());

        Set<Object> tables = rowsOf(metadata.tables(null, null, "interop%").get(30, TimeUnit.SECONDS)).stream()
                .map(r -> r.get("tableName")).collect(Collectors.toSet());
        assertEquals(Set.of("interop_t", "interop_view"), tables);
        Set<Object> views = rowsOf(metadata.tables(null, null, "interop%", List.of("VIEW")).get(30, TimeUnit.SECONDS)).stream()
                .map(r -> r.get("tableName")).collect(Collectors.toSet());
        assertEquals(Set.of("interop_view"), views);

        List<Object> columns = rowsOf(metadata.columns(null, null, "interop_t", "%").get(30, TimeUnit.SECONDS)).stream()
                .map(r -> r.get("col_name")).collect(Collectors.toList());
        assertEquals(List.of("id", "name"), columns);

        DbsqlSession session = client.openSession().get(30, TimeUnit.SECONDS);
        try {
            assertFalse(rowsOf(session.metadata().catalogs().get(30, TimeUnit.SECONDS)).isEmpty());
        } finally {
            session.close().get(30, TimeUnit.SECONDS);
        }
    }
}
