package dev.wgllama.backend.cpu;

import dev.wgllama.backend.KvCacheBase;

/** f32 keys and values: per layer one {@code [capacity, kvDim]} array each for K and V. */
final class CpuKvCache extends KvCacheBase {
    final float[][] k;
    final float[][] v;

    CpuKvCache(int layers, int kvDim, int capacity) {
        super(layers, kvDim, capacity);
        long perLayer = (long) kvDim * capacity;
        long bytes = 2L * 4 * layers * perLayer;
        Runtime rt = Runtime.getRuntime();
        long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (perLayer > Integer.MAX_VALUE - 8 || bytes > free) {
            throw new IllegalArgumentException("a KV cache of " + capacity + " positions x " + kvDim + " values x "
                    + layers + " layers needs " + (bytes >> 20) + " MiB, but only " + (free >> 20)
                    + " MiB of heap is free: use a shorter context or a larger -Xmx");
        }
        this.k = new float[layers][(int) perLayer];
        this.v = new float[layers][(int) perLayer];
    }

    @Override
    public void close() {
        // heap memory
    }
}
