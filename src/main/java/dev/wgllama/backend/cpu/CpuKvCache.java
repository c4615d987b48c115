package dev.wgllama.backend.cpu;

import dev.wgllama.backend.KvCache;

/** f32 keys and values: per layer one {@code [capacity, kvDim]} array each for K and V. */
final class CpuKvCache implements KvCache {
    final float[][] k;
    final float[][] v;
    private final int kvDim;
    private final int capacity;
    private int length;

    CpuKvCache(int layers, int kvDim, int capacity) {
        if (layers <= 0 || kvDim <= 0 || capacity <= 0) {
            throw new IllegalArgumentException("KV cache needs positive layers, width and capacity, got " + layers
                    + ", " + kvDim + ", " + capacity);
        }
        long perLayer = (long) kvDim * capacity;
        long bytes = 2L * 4 * layers * perLayer;
        Runtime rt = Runtime.getRuntime();
        long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (perLayer > Integer.MAX_VALUE - 8 || bytes > free) {
            throw new IllegalArgumentException("a KV cache of " + capacity + " positions x " + kvDim + " values x "
                    + layers + " layers needs " + (bytes >> 20) + " MiB, but only " + (free >> 20)
                    + " MiB of heap is free: use a shorter context or a larger -Xmx");
        }
        this.kvDim = kvDim;
        this.capacity = capacity;
        this.k = new float[layers][(int) perLayer];
        this.v = new float[layers][(int) perLayer];
    }

    @Override
    public int layers() {
        return k.length;
    }

    @Override
    public int kvDim() {
        return kvDim;
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public void truncate(int newLength) {
        if (newLength < 0 || newLength > length) {
            throw new IllegalArgumentException("cannot truncate a KV cache of length " + length + " to "
                    + newLength);
        }
        length = newLength;
    }

    @Override
    public void extend(int newLength) {
        if (newLength < length || newLength > capacity) {
            throw new IllegalArgumentException("cannot extend a KV cache of length " + length + " and capacity "
                    + capacity + " to " + newLength);
        }
        length = newLength;
    }

    @Override
    public void close() {
        // heap memory
    }
}
