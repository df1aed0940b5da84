package dev.dbsql.samples;

import dev.dbsql.flow.RecordBatch;
import dev.dbsql.flow.Row;
import dev.dbsql.java.BatchIterator;
import dev.dbsql.java.DbsqlClient;
import dev.dbsql.java.DbsqlClientConfig;
import dev.dbsql.java.DbsqlResult;
import java.util.stream.Stream;
import org.apache.arrow.vector.BigIntVector;

/** Reading a large result from Java: Arrow batches through a blocking iterator, then rows as a Stream. */
public final class JavaIteratorSample {
    public static void main(String[] args) throws Exception {
        try (SampleTarget target = SampleTarget.open();
             DbsqlClient client = DbsqlClient.create(DbsqlClientConfig.builder()
                     .host(target.host())
                     .warehouseId(target.warehouseId())
                     .auth(target.auth())
                     .build())) {
            DbsqlResult result = client.execute("SELECT id, id % 10 AS digit FROM range(2000000)").get();

            // Each batch belongs to the caller of next(): close it. Closing the iterator early
            // stops the download and frees every batch it still holds.
            long sum = 0;
            int batches = 0;
            try (BatchIterator iterator = result.batches()) {
                while (iterator.hasNext()) {
                    try (RecordBatch batch = iterator.next()) {
                        BigIntVector ids = (BigIntVector) batch.vector("id");
                        for (int i = 0; i < batch.getRowCount(); i++) sum += ids.get(i);
                        batches++;
                    }
                }
            }
            System.out.println(batches + " batches, sum of ids " + sum);

            // Rows are views: keep values (toMap, getters), and close the stream.
            try (Stream<Row> rows = result.rows()) {
                rows.limit(3).map(Row::toMap).forEach(System.out::println);
            }
            result.close().get();
        }
    }
}
