package dev.dbsql.java;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dbsql.core.Disposition;
import dev.dbsql.core.ResultFormat;
import dev.dbsql.core.SqlList;
import dev.dbsql.core.SqlParameter;
import dev.dbsql.core.StatementParameters;
import dev.dbsql.flow.ColumnDescription;
import dev.dbsql.flow.Row;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The Java forms of the fetch helpers, column descriptions, per-statement conf, zoned timestamps and INTERVAL parameters. */
class SqlSurfaceTest extends WarehouseTestBase {
    private static final long T = 60;

    @Test
    void cursorFetchesContinueAndFetchAllIsBounded() throws Exception {
        DbsqlResult result = client.execute("SELECT id FROM range(10) ORDER BY id", StatementParameters.NONE, LINKS).get(T, TimeUnit.SECONDS);
        try (DbsqlCursor cursor = result.cursor()) {
            assertEquals(List.of(0L), cursor.fetchOne().get(T, TimeUnit.SECONDS));
            assertEquals(List.of(List.of(1L), List.of(2L)), cursor.fetchMany(2).get(T, TimeUnit.SECONDS));
            assertEquals(7, cursor.fetchAll().get(T, TimeUnit.SECONDS).size());
            assertNull(cursor.fetchOne().get(T, TimeUnit.SECONDS));
        }
        assertEquals(10, result.fetchAll().get(T, TimeUnit.SECONDS).size());
        ExecutionException e = assertThrows(ExecutionException.class, () -> result.fetchAll(9).get(T, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, e.getCause());
    }

    @Test
    void descriptionOfAnEmptyResult() throws Exception {
        DbsqlResult result = client.execute("SELECT CAST(id AS DECIMAL(12,3)) AS d, id FROM range(0)").get(T, TimeUnit.SECONDS);
        List<ColumnDescription> description = result.description();
        assertEquals(2, description.size());
        assertEquals("d", description.get(0).getName());
        assertEquals("DECIMAL(12,3)", description.get(0).getSqlType());
        assertEquals(12, description.get(0).getPrecision());
        assertEquals(3, description.get(0).getScale());
        assertNull(description.get(0).getNullable());
        assertEquals("BIGINT", description.get(1).getSqlType());
        assertNull(description.get(1).getPrecision());
        try (DbsqlCursor cursor = result.cursor(ReadOptions.DEFAULT)) {
            assertEquals(description, cursor.description());
            assertEquals(List.of(), cursor.fetchMany(3).get(T, TimeUnit.SECONDS));
        }
    }

    @Test
    void perStatementConfAndZonedTimestamps() throws Exception {
        StatementOptions la = StatementOptions.builder()
                .disposition(Disposition.EXTERNAL_LINKS).format(ResultFormat.ARROW_STREAM)
                .conf("timezone", "America/Los_Angeles").build();
        String sql = "SELECT TIMESTAMP '2021-07-01 18:00:00 UTC' AS t";
        DbsqlResult result = client.execute(sql, StatementParameters.NONE, la).get(T, TimeUnit.SECONDS);
        List<Object> seen; // rows are views: read them inside the stream
        try (Stream<Row> rows = result.rows()) {
            seen = rows.map(r -> List.<Object>of(r.getString("t"), r.getOffsetDateTime("t"), r.getZonedDateTime(0)))
                    .collect(Collectors.toList()).get(0);
        }
        assertEquals("2021-07-01T11:00:00.000-07:00", seen.get(0));
        assertEquals(OffsetDateTime.parse("2021-07-01T11:00:00-07:00"), seen.get(1));
        assertEquals(Instant.parse("2021-07-01T18:00:00Z").atZone(ZoneId.of("America/Los_Angeles")), (ZonedDateTime) seen.get(2));

        DbsqlResult next = client.execute(sql, StatementParameters.NONE, LINKS).get(T, TimeUnit.SECONDS);
        try (Stream<Row> rows = next.rows()) {
            assertEquals(List.of("2021-07-01T18:00:00.000Z"), rows.map(r -> r.getString(0)).collect(Collectors.toList()));
        }
        StatementOptions lenient = StatementOptions.builder().conf(Map.of("ansi_mode", "false")).build();
        List<List<Object>> divided = client.execute("SELECT 1 / 0 AS x", StatementParameters.NONE, lenient).get(T, TimeUnit.SECONDS)
                .fetchAll().get(T, TimeUnit.SECONDS);
        assertEquals(1, divided.size());
        assertNull(divided.get(0).get(0));
    }

    @Test
    void intervalParameters() throws Exception {
        Duration d = Duration.ofHours(26).plusMillis(250);
        StatementParameters params = new StatementParameters(List.of(
                SqlParameter.named("d", d), SqlParameter.named("p", Period.ofYears(2).plusMonths(3))));
        List<Object> row = client.execute("SELECT :d AS d, :p AS p", params).get(T, TimeUnit.SECONDS)
                .cursor().fetchOne().get(T, TimeUnit.SECONDS);
        assertEquals(List.of(d, Period.of(2, 3, 0)), row);
    }

    @Test
    void largeInListThroughOneSqlListParameter() throws Exception {
        List<Long> ids = new java.util.ArrayList<>();
        for (long i = 0; i < 100_000; i++) ids.add(i * 2);
        SqlList list = SqlList.of(ids);
        StatementParameters params = new StatementParameters(List.of(SqlParameter.named("ids", list)));
        List<Object> row = client.execute("SELECT count(*) AS n FROM range(100000) WHERE id IN " + list.inSubquery("ids"), params)
                .get(T, TimeUnit.SECONDS).cursor().fetchOne().get(T, TimeUnit.SECONDS);
        assertEquals(List.of(50_000L), row);
        assertThrows(dev.dbsql.core.ConfigurationException.class, () -> SqlList.of(List.of(1.5)));
    }
}
