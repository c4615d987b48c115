package dev.wgllama.backend.webgpu;

import dev.wgllama.backend.KvCacheBase;
import dev.wgllama.gpu.Buffer;

/** K and V of every layer in GPU buffers of [capacity, kvDim] f32, one pair of buffers per layer. */
final class GpuKvCache extends KvCacheBase {
    final Buffer[] k;
    final Buffer[] v;
    private final WebGpuBackend backend;

    GpuKvCache(WebGpuBackend backend, Buffer[] k, Buffer[] v, int kvDim, int capacity) {
        super(k.length, kvDim, capacity);
        this.backend = backend;
        this.k = k;
        this.v = v;
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
