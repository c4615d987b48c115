package dev.wgllama.backend.webgpu;

import dev.wgllama.gpu.BindGroup;
import dev.wgllama.gpu.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Backend matrix products Y[n, rows] = X[n, cols] · Wᵀ over a {@link MatVec} weight (all its row chunks): the
 * matvec kernels for decode and small batches, the tiled matrix-matrix kernels (lib/matmul_tiled.wgsl) for
 * prompt batches, with K split into slices and added up by matmul_reduce.wgsl when there are few tiles.
 */
final class GpuMatmul {
    /**
     * Batches of at least this many tokens (prompt processing) go through the tiled matrix-matrix kernels, which
     * read each weight once per 64 tokens; smaller ones through the matvec kernels (one weight pass per token,
     * shared through L2), which waste no work on a partly filled 64-token tile. System property
     * {@code wgllama.webgpu.tiledMinTokens} overrides it (for measuring where the tiled kernel starts to win).
     */
    static final int TILED_MIN_TOKENS = Integer.getInteger("wgllama.webgpu.tiledMinTokens", 8);
    /**
     * Workgroups a tiled launch should have at least, splitting K when there are fewer 64 x 64 tiles (an H100 has
     * 132 multiprocessors, each running several workgroups at once).
     */
    private static final int TARGET_GROUPS = 512;
    /** K steps (of 32 values) a slice of a split tiled launch gets at least. */
    private static final int MIN_STEPS = 4;

    private final WebGpuBackend backend;

    GpuMatmul(WebGpuBackend backend) {
        this.backend = backend;
    }

    /**
     * The number of K slices a tiled product of {@code n} tokens over a weight of {@code rows} x {@code cols} is
     * split into: enough for {@link #TARGET_GROUPS} workgroups, at least {@link #MIN_STEPS} steps each.
     */
    static int kSlices(int rows, int n, int cols) {
        long tiles = (long) ((rows + 63) / 64) * ((n + 63) / 64);
        int steps = (cols / 4 + 7) / 8;
        int slices = (int) Math.max(1, Math.min((TARGET_GROUPS + tiles - 1) / tiles, steps / MIN_STEPS));
        int perSlice = (steps + slices - 1) / slices;
        return (steps + perSlice - 1) / perSlice; // no empty slice
    }

    /** Records y[t, :] = W x[t, :] for n rows of x; y rows are {@code yStride} floats apart. */
    void record(Recorder rec, MatVec m, Buffer x, Buffer y, int n, int yStride) {
        if (n < TILED_MIN_TOKENS) {
            for (MatVec.Chunk c : m.chunks()) {
                rec.launch(m.kernel(), m.words(c.rows(), c.firstRow(), yStride, 0), operands(c, x, y), n,
                        (c.rows() + 7) / 8);
            }
            return;
        }
        int slices = kSlices(m.rows(), n, m.cols());
        int steps = (m.cols() / 4 + 7) / 8;
        int span = 8 * ((steps + slices - 1) / slices); // vec4s of K per slice
        long count = (long) n * yStride;
        // At most about (TARGET_GROUPS + tiles) * 4096 floats (16 MiB) when split.
        Buffer target = slices == 1 ? y : backend.named("matmul partial sums", 4L * slices * count);
        for (MatVec.Chunk c : m.chunks()) {
            rec.launch(m.tiledKernel(), m.words(c.rows(), c.firstRow(), yStride, 0, n, span,
                    slices == 1 ? 0 : (int) count), operands(c, x, target), (c.rows() + 63) / 64, (n + 63) / 64,
                    slices);
        }
        if (slices > 1) {
            int[] g = WebGpuBackend.grid(count);
            rec.launch("matmul_reduce", new int[] {(int) count, slices}, List.of(whole(target), whole(y)), g[0],
                    g[1]);
        }
    }

    private static BindGroup.Entry whole(Buffer b) {
        return new BindGroup.Entry(b, 0, b.size());
    }

    /** The bindings after the params of a matvec or tiled launch: the chunk's weight buffers, x, y. */
    private static List<BindGroup.Entry> operands(MatVec.Chunk c, Buffer x, Buffer y) {
        List<BindGroup.Entry> buffers = new ArrayList<>(c.entries());
        buffers.add(whole(x));
        buffers.add(whole(y));
        return buffers;
    }
}
