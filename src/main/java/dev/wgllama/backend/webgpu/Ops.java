package dev.wgllama.backend.webgpu;

import dev.wgllama.gpu.BindGroup;
import dev.wgllama.gpu.Buffer;
import dev.wgllama.gpu.ComputePipeline;
import dev.wgllama.model.Rope;
import java.util.ArrayList;
import java.util.List;

/**
 * Binds the element-wise and reduction kernels to buffers. Shapes are in elements (f32); every vector length
 * must be a multiple of 4 (the kernels read vec4). Each method returns an {@link Op} that owns its uniform buffer
 * and bind group.
 */
public final class Ops {
    private Ops() {
    }

    private static Op op(Kernels k, String kernel, String label, int gx, int gy, Buffer params, Buffer... bound) {
        ComputePipeline p = k.pipeline(kernel);
        List<BindGroup.Entry> entries = new ArrayList<>();
        entries.add(BindGroup.Entry.of(params));
        for (Buffer b : bound) {
            entries.add(BindGroup.Entry.of(b));
        }
        BindGroup g;
        try {
            g = k.device().createBindGroup(label, p, entries);
        } catch (RuntimeException e) {
            params.close();
            throw e;
        }
        return new Op(label, List.of(new Dispatch(p, g, gx, gy, 1)), List.of(params, g));
    }

    private static void mult4(String what, int n) {
        if (n <= 0 || n % 4 != 0) {
            throw new IllegalArgumentException(what + " must be a positive multiple of 4, got " + n);
        }
    }

    /** y[t] = rmsnorm(x[t]) * weight for {@code tokens} rows of {@code n}. */
    public static Op rmsnorm(Kernels k, String label, Buffer x, Buffer weight, Buffer y, int n, int tokens,
                             float eps) {
        mult4("rmsnorm length", n);
        Buffer params = k.uniform(label + " params", n, Float.floatToRawIntBits(eps));
        return op(k, "rmsnorm", label, tokens, 1, params, x, weight, y);
    }

    /**
     * RoPE in place on x [heads, headDim] at the position held by {@code step}; {@code invFreq} holds
     * {@link Rope#inverseFrequencies()} (dim/2 floats).
     */
    public static Op rope(Kernels k, String label, StepBuffer step, Buffer invFreq, Buffer x, int heads,
                          int headDim, int dim, Rope.PairLayout layout) {
        if (dim <= 0 || dim % 2 != 0 || dim > headDim) {
            throw new IllegalArgumentException("rope dim " + dim + " must be even and at most head_dim " + headDim);
        }
        Buffer params = k.uniform(label + " params", heads, headDim, dim,
                layout == Rope.PairLayout.ROTATE_HALF ? 1 : 0);
        int threads = heads * dim / 2;
        return op(k, "rope", label, (threads + 63) / 64, 1, params, step.buffer(), invFreq, x);
    }

    /**
     * Decode attention of one token over the first {@code step.seqLen} cache rows. Caches are
     * [maxSeq, kvHeads, headDim]; {@code scores} is scratch of heads × maxSeq floats.
     */
    public static Op attention(Kernels k, String label, StepBuffer step, Buffer q, Buffer kCache, Buffer vCache,
                               Buffer scores, Buffer out, int heads, int kvHeads, int headDim, int maxSeq,
                               float scale) {
        mult4("head_dim", headDim);
        if (headDim > 256 || kvHeads <= 0 || heads % kvHeads != 0) {
            throw new IllegalArgumentException("attention needs head_dim <= 256 and heads (" + heads
                    + ") a multiple of kv heads (" + kvHeads + "), head_dim " + headDim);
        }
        if (scores.size() < 4L * heads * maxSeq) {
            throw new IllegalArgumentException("attention scores scratch too small: " + scores.size() + " bytes");
        }
        Buffer params = k.uniform(label + " params", heads, kvHeads, headDim, maxSeq,
                Float.floatToRawIntBits(scale));
        return op(k, "attention", label, heads, 1, params, step.buffer(), q, kCache, vCache, scores, out);
    }

    /** h = silu(gate) * up over n elements. */
    public static Op swiglu(Kernels k, String label, Buffer gate, Buffer up, Buffer h, int n) {
        mult4("swiglu length", n);
        Buffer params = k.uniform(label + " params", n);
        return op(k, "swiglu", label, (n / 4 + 255) / 256, 1, params, gate, up, h);
    }

    /** x += y over n elements. */
    public static Op add(Kernels k, String label, Buffer x, Buffer y, int n) {
        mult4("add length", n);
        Buffer params = k.uniform(label + " params", n);
        return op(k, "add", label, (n / 4 + 255) / 256, 1, params, x, y);
    }

    /** out[0] = index of the largest of x[0..n) (lowest on ties), out[1] = its f32 bits. */
    public static Op argmax(Kernels k, String label, Buffer x, Buffer out, int n) {
        Buffer params = k.uniform(label + " params", n);
        return op(k, "argmax", label, 1, 1, params, x, out);
    }
}
