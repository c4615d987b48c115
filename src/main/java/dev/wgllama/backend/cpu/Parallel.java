package dev.wgllama.backend.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

/** Splits index ranges over a fork-join pool of the backend's threads; the caller waits for all of them. */
final class Parallel implements AutoCloseable {
    /** Body of a parallel loop over {@code [lo, hi)}. */
    @FunctionalInterface
    interface RangeBody {
        void run(int lo, int hi);
    }

    private final int threads;
    private final ForkJoinPool pool;

    Parallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("thread count must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.pool = threads == 1 ? null : new ForkJoinPool(threads);
    }

    int threads() {
        return threads;
    }

    /**
     * Runs {@code body} over {@code [0, n)} in about {@code 4 * threads} chunks of at least {@code grain}
     * indices each (a few chunks per thread even out uneven work, e.g. attention rows of different lengths).
     */
    void forRange(int n, int grain, RangeBody body) {
        if (n <= 0) {
            return;
        }
        int chunks = Math.min(threads * 4, Math.max(1, n / Math.max(1, grain)));
        if (pool == null || chunks == 1 || java.util.concurrent.ForkJoinTask.getPool() == pool) {
            body.run(0, n);
            return;
        }
        pool.invoke(new Chunks(body, n, chunks, 0, chunks));
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdown();
        }
    }

    /** Chunks {@code [c0, c1)} of {@code chunks} equal parts of {@code [0, n)}, split in halves recursively. */
    private static final class Chunks extends RecursiveAction {
        private static final long serialVersionUID = 1L;
        private final transient RangeBody body;
        private final int n;
        private final int chunks;
        private final int c0;
        private final int c1;

        Chunks(RangeBody body, int n, int chunks, int c0, int c1) {
            this.body = body;
            this.n = n;
            this.chunks = chunks;
            this.c0 = c0;
            this.c1 = c1;
        }

        @Override
        protected void compute() {
            if (c1 - c0 == 1) {
                int lo = (int) ((long) n * c0 / chunks);
                int hi = (int) ((long) n * c1 / chunks);
                body.run(lo, hi);
                return;
            }
            int mid = (c0 + c1) >>> 1;
            invokeAll(new Chunks(body, n, chunks, c0, mid), new Chunks(body, n, chunks, mid, c1));
        }
    }
}
