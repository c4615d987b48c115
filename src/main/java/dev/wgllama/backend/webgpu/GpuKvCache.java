package dev.wgllama.backend.webgpu;

import dev.wgllama.backend.KvCache;
import dev.wgllama.gpu.Buffer;

/** K and V of every layer in GPU buffers of [capacity, kvDim] f32, one pair of buffers per layer. */
final class GpuKvCache implements KvCache {
    final Buffer[] k;
    final Buffer[] v;
    private final WebGpuBackend backend;
    private final int kvDim;
    private final int capacity;
    private int length;

    GpuKvCache(WebGpuBackend backend, Buffer[] k, Buffer[] v, int kvDim, int capacity) {
        this.backend = backend;
        this.k = k;
        this.v = v;
        this.kvDim = kvDim;
        this.capacity = capacity;
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
            throw new IllegalArgumentException("cannot truncate a KV cache of " + length + " positions to "
                    + newLength);
        }
        length = newLength;
    }

    @Override
    public void extend(int newLength) {
        if (newLength < length || newLength > capacity) {
            throw new IllegalArgumentException("cannot extend a KV cache of " + length + " positions to " + newLength
                    + " (capacity " + capacity + ")");
        }
        length = newLength;
    }

    @Override
    public void close() {
        for (int l = 0; l < k.length; l++) {
            if (k[l] != null) {
                backend.release(k[l]);
                backend.release(v[l]);
                k[l] = null;
                v[l] = null;
            }
        }
    }
}
