package dev.dbsql.java;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbsql.core.StatementParameters;
import dev.dbsql.flow.RecordBatch;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;

/** The Flow.Publisher view honours the subscriber's demand. */
class PublisherTest extends WarehouseTestBase {

    /** Closes every batch it gets and counts them. */
    static final class CountingSubscriber implements Flow.Subscriber<RecordBatch> {
        final AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
        final AtomicInteger batches = new AtomicInteger();
        final AtomicLong rows = new AtomicLong();
        final AtomicReference<Throwable> error = new AtomicReference<>();
        final CountDownLatch done = new CountDownLatch(1);

        @Override public void onSubscribe(Flow.Subscription s) { subscription.set(s); }

        @Override public void onNext(RecordBatch batch) {
            try (batch) {
                rows.addAndGet(batch.getRowCount());
                batches.incrementAndGet();
            }
        }

        @Override public void onError(Throwable t) { error.set(t); done.countDown(); }

        @Override public void onComplete() { done.countDown(); }

        void awaitBatches(int n) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (batches.get() < n && System.nanoTime() < deadline) Thread.sleep(5);
            assertEquals(n, batches.get());
        }
    }

    @Test
    void deliversOnlyWhatWasRequested() throws Exception {
        DbsqlResult result = client.execute(MILLION, StatementParameters.NONE, LINKS).get(30, TimeUnit.SECONDS);
        try (BufferAllocator allocator = new RootAllocator()) {
            Flow.Publisher<RecordBatch> publisher = result.stream(ReadOptions.builder().allocator(allocator).build()).publisher();
            CountingSubscriber subscriber = new CountingSubscriber();
            publisher.subscribe(subscriber);
            Flow.Subscription subscription = subscriber.subscription.get();

            subscription.request(1);
            subscriber.awaitBatches(1);
            Thread.sleep(300);
            assertEquals(1, subscriber.batches.get(), "a batch arrived without demand");

            subscription.request(2);
            subscriber.awaitBatches(3);
            Thread.sleep(300);
            assertEquals(3, subscriber.batches.get(), "a batch arrived without demand");

            subscription.request(Long.MAX_VALUE);
            assertTrue(subscriber.done.await(30, TimeUnit.SECONDS));
            assertNull(subscriber.error.get());
            assertEquals(1_000_000L, subscriber.rows.get());
            assertEquals(0L, allocator.getAllocatedMemory());
        }
    }

    @Test
    void cancellingTheSubscriptionStopsReading() throws Exception {
        DbsqlResult result = client.execute(MILLION, StatementParameters.NONE, LINKS).get(30, TimeUnit.SECONDS);
        try (BufferAllocator allocator = new RootAllocator()) {
            CountingSubscriber subscriber = new CountingSubscriber();
            result.stream(ReadOptions.builder().allocator(allocator).build()).publisher().subscribe(subscriber);
            subscriber.subscription.get().request(1);
            subscriber.awaitBatches(1);
            subscriber.subscription.get().cancel();

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!allocator.getChildAllocators().isEmpty() && System.nanoTime() < deadline) Thread.sleep(5);
            assertEquals(0L, allocator.getAllocatedMemory());
            assertTrue(allocator.getChildAllocators().isEmpty(), "stream allocator still open");
            assertEquals(1, subscriber.batches.get());
        }
    }

    @Test
    void executeStreamingAsAPublisherRunsTheStatementPerSubscription() throws Exception {
        String sql = "SELECT id FROM range(1000)";
        CountingSubscriber subscriber = new CountingSubscriber();
        client.executeStreaming(sql).publisher().subscribe(subscriber);
        Thread.sleep(100);
        assertEquals(0, warehouse.getAdmin().statementsWithText(sql).size(), "ran before any demand");
        subscriber.subscription.get().request(Long.MAX_VALUE);
        assertTrue(subscriber.done.await(30, TimeUnit.SECONDS));
        assertNull(subscriber.error.get());
        assertEquals(1000L, subscriber.rows.get());
        assertEquals(1, warehouse.getAdmin().statementsWithText(sql).size());
    }
}
