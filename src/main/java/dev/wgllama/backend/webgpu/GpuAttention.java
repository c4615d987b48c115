package dev.wgllama.backend.webgpu;

import dev.wgllama.gpu.BindGroup;
import dev.wgllama.gpu.Buffer;
import java.util.List;

/**
 * Backend attention: stores the new K and V rows in the layer's cache buffers (copies in the step's command
 * buffer), then runs attention.wgsl. A decode step over many keys is split across workgroups per head and merged
 * (flash-decoding), so a model with few heads still fills a large GPU at long context.
 */
final class GpuAttention {
    private final WebGpuBackend backend;
    /** Decode over more keys than this is split. */
    int splitAbove = 1024;
    /** Keys per split (at most 64 splits). */
    int splitKeys = 256;

    GpuAttention(WebGpuBackend backend) {
        this.backend = backend;
    }

    private static BindGroup.Entry whole(Buffer b) {
        return new BindGroup.Entry(b, 0, b.size());
    }

    void record(Recorder rec, GpuKvCache c, int layer, GpuActivation qa, GpuActivation ka, GpuActivation va, int p0,
                int heads, int headDim, int chunkSize, GpuActivation oa) {
        int n = qa.rows();
        int kvDim = c.kvDim();
        if (headDim <= 0 || headDim % 4 != 0 || headDim > 256 || qa.cols() != heads * headDim
                || kvDim % headDim != 0 || heads % (kvDim / headDim) != 0 || ka.cols() != kvDim
                || va.cols() != kvDim || ka.rows() != n || va.rows() != n || oa.rows() != n
                || oa.cols() != qa.cols()) {
            throw new IllegalArgumentException("attention: q [" + n + ", " + qa.cols() + "], k/v [" + ka.rows() + ", "
                    + ka.cols() + "], out [" + oa.rows() + ", " + oa.cols() + "] do not fit " + heads + " heads of "
                    + headDim + " over a cache of kvDim " + kvDim + " (head_dim must be a multiple of 4, <= 256)");
        }
        if (layer < 0 || layer >= c.layers() || p0 < 0 || p0 > c.length() || (long) p0 + n > c.capacity()) {
            throw new IllegalArgumentException("attention: layer " + layer + ", positions [" + p0 + ", " + (p0 + n)
                    + ") outside a cache of " + c.layers() + " layers holding " + c.length() + " of "
                    + c.capacity());
        }
        long rowBytes = 4L * kvDim;
        rec.copy(ka.buffer, 0, c.k[layer], p0 * rowBytes, n * rowBytes);
        rec.copy(va.buffer, 0, c.v[layer], p0 * rowBytes, n * rowBytes);
        float scale = (float) (1 / Math.sqrt(headDim));
        int[] words = {heads, kvDim / headDim, headDim, p0, Math.max(0, chunkSize), Float.floatToRawIntBits(scale),
            0, 1};
        int first = chunkSize > 0 ? p0 / chunkSize * chunkSize : 0;
        int keys = p0 + 1 - first;
        int splits = n == 1 && keys > splitAbove ? Math.min(64, (keys + splitKeys - 1) / splitKeys) : 1;
        if (splits > 1) {
            words[6] = (keys + splits - 1) / splits;
            words[7] = splits;
            Buffer part = backend.named("attention partials", 4L * heads * splits * (headDim + 2));
            rec.launch("attention", words, List.of(whole(qa.buffer), whole(c.k[layer]), whole(c.v[layer]),
                    whole(oa.buffer), whole(part)), heads, 1, splits);
            rec.launch("attention_merge", new int[] {heads, headDim, splits}, List.of(whole(part),
                    whole(oa.buffer)), heads, 1);
            return;
        }
        rec.launch("attention", words, List.of(whole(qa.buffer), whole(c.k[layer]), whole(c.v[layer]),
                whole(oa.buffer), whole(backend.named("attention partials", 16))), heads, n);
    }
}
