package dev.dbsql.bench;

import dev.dbsql.flow.RecordBatch;
import dev.dbsql.java.BatchIterator;
import dev.dbsql.java.DbsqlResult;
import dev.dbsql.java.ReadOptions;

/** P6, the Java side: a result read the way a Java caller reads it, through the blocking iterator. */
public final class JavaIteratorRead {
    private JavaIteratorRead() {
    }

    /** Reads every batch of {@code result} with {@code concurrency} downloads, closing each; returns the rows. */
    public static long read(DbsqlResult result, int concurrency) {
        ReadOptions options = ReadOptions.builder().concurrency(concurrency).build();
        long rows = 0;
        try (BatchIterator batches = result.stream(options).batches()) {
            while (batches.hasNext()) {
                try (RecordBatch batch = batches.next()) {
                    rows += batch.getRowCount();
                }
            }
        }
        return rows;
    }
}
