package dev.wgllama.backend.webgpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgllama.backend.Activation;
import dev.wgllama.backend.DeviceWeight;
import dev.wgllama.format.Tensor;
import dev.wgllama.gpu.TestGpu;
import dev.wgllama.quant.BlockGroup;
import dev.wgllama.quant.BlockGroupSpec;
import dev.wgllama.quant.BlockGroupWeight;
import dev.wgllama.quant.GgmlType;
import dev.wgllama.quant.GgmlWeight;
import dev.wgllama.quant.RowMatrix;
import dev.wgllama.quant.Weight;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The tiled matrix-matrix kernels (prompt batches of {@link GpuMatmul#TILED_MIN_TOKENS} or more tokens) for
 * every weight encoding against the quant package's own row decoder (written independently of the WGSL) times x,
 * in double: 64 x 64 tiles with rows and tokens that are not multiples of 64, K spanning several 32-value steps
 * (and, for F32/F16/BF16, ending inside one), K split into slices added up by matmul_reduce (and not split), and
 * weights split into row chunks of separate bindings. Plus a block computed by hand.
 */
class MatMulTiledKernelTest {
    private static final int TOKENS = 67; // one full 64-token tile and a partial one
    private final WebGpuBackend gpu = GpuRig.backend();
    private final Random rnd = new Random(7);

    /** Y = X W^T on the GPU with {@code w} uploaded through {@code upload}; returns Y [tokens, rows]. */
    private float[] gpu(Weight w, MatVec m, float[] x, int tokens) {
        assertTrue(tokens >= GpuMatmul.TILED_MIN_TOKENS, "the batch must take the tiled path");
        DeviceWeight dw = gpu.adopt(new GpuWeight(w, RowMatrix.of(w), m, null));
        try (Activation xa = GpuRig.act("x", tokens, m.cols(), x);
             Activation ya = gpu.allocate("y", tokens, m.rows())) {
            gpu.matmul(dw, xa, ya);
            return gpu.readFloats(ya);
        }
    }

    /** Every element of {@code got} against the decoded rows of {@code w} times x, to f32 accumulation error. */
    private static void check(String what, Weight w, float[] x, int tokens, float[] got) {
        RowMatrix host = RowMatrix.of(w);
        int rows = Math.toIntExact(host.rows());
        int cols = host.cols();
        float[] row = new float[cols];
        for (int r = 0; r < rows; r++) {
            host.dequantizeRow(r, row, 0);
            for (int t = 0; t < tokens; t++) {
                double want = 0;
                double mag = 0;
                for (int j = 0; j < cols; j++) {
                    double term = (double) row[j] * x[t * cols + j];
                    want += term;
                    mag += Math.abs(term);
                }
                assertEquals(want, got[t * rows + r], 1e-5 * mag + 1e-6, what + " token " + t + " row " + r);
            }
        }
    }

    private void ggml(GgmlType t, int rows, int cols, int rowsPerChunk, int slices) {
        assertEquals(slices, GpuMatmul.kSlices(rows, TOKENS, cols), t + " K slices");
        byte[] bytes = WebGpuBackendOpsTest.randomBlocks(t, rows, cols, rnd);
        Weight w = new GgmlWeight(new Tensor("w " + t, new long[] {rows, cols}, t, MemorySegment.ofArray(bytes)));
        MatVec m = MatVec.upload(new Kernels(TestGpu.device()), w.name(), t, rows, cols, MemorySegment.ofArray(bytes),
                rowsPerChunk * t.bytesFor(cols) + 3);
        assertEquals((rows + rowsPerChunk - 1) / rowsPerChunk, m.chunkCount(), t + " chunks");
        float[] x = GpuRig.random(rnd, TOKENS * cols, 1);
        check(t + " " + m.chunkCount() + " chunks, " + slices + " K slices", w, x, TOKENS, gpu(w, m, x, TOKENS));
    }

    @Test
    void denseWeightsWithKEndingInsideAStep() {
        // 100 columns = 3 full 32-value steps and one of 4 values (too few to split); 150 rows in chunks of 100
        // (2 row tiles) and 50. 1000 columns: 32 steps in 8 slices of 4, the last ending inside a step.
        for (GgmlType t : new GgmlType[] {GgmlType.F32, GgmlType.F16, GgmlType.BF16}) {
            ggml(t, 150, 100, 100, 1);
            ggml(t, 150, 1000, 100, 8);
        }
    }

    @Test
    void blockQuantsWithUnalignedBlocksAndSplitBindings() {
        // 13 blocks of 32 per row, K in slices of 5, 5 and 3 blocks; Q4_0's 18- and Q8_0's 34-byte blocks start
        // at 0 or 2 mod 4.
        for (GgmlType t : new GgmlType[] {GgmlType.Q4_0, GgmlType.Q4_1, GgmlType.Q8_0}) {
            ggml(t, 150, 416, 100, 3);
        }
    }

    @Test
    void kQuantsOverSeveralSuperBlocks() {
        // 2 super-blocks of 256 per row: all 8 sub-blocks (Q4_K's two scale encodings, Q6_K's 16 scales), K in
        // 4 slices of half a super-block.
        for (GgmlType t : new GgmlType[] {GgmlType.Q4_K, GgmlType.Q6_K}) {
            ggml(t, 150, 512, 100, 4);
        }
    }

    @Test
    void blockGroupWeightsSplitIntoChunks() {
        int rows = 70;
        int cols = 256;
        float[] x = GpuRig.random(rnd, TOKENS * cols, 1);
        for (String name : new String[] {"bg-q4_0-b16-g64", "bg-q4_1-b32-g128", "bg-q8_0-b32-g32"}) {
            BlockGroupSpec spec = BlockGroupSpec.parse(name);
            float[][] src = new float[rows][];
            for (int r = 0; r < rows; r++) {
                src[r] = GpuRig.random(rnd, cols, 1);
                src[r][r] += 0.5f; // offsets so q4_1's zero points matter
            }
            BlockGroupWeight w = BlockGroup.quantize(spec, "w " + name, new long[] {rows, cols},
                    (r, dst) -> System.arraycopy(src[(int) r], 0, dst, 0, cols), Arena.ofAuto());
            // Codes are the widest per-row tensor (cols * bits / 8 bytes): 40 rows per chunk.
            MatVec m = MatVec.upload(new Kernels(TestGpu.device()), w, 40L * cols * spec.bits() / 8 + 3);
            assertEquals(2, m.chunkCount(), name + " chunks");
            assertEquals(2, GpuMatmul.kSlices(rows, TOKENS, cols), name + " K slices");
            check(name, w, x, TOKENS, gpu(w, m, x, TOKENS));
        }
    }

    @Test
    void kIsSplitOnlyWhenTilesAreFew() {
        // A 512-token prompt through an 8192-row weight: 1024 tiles, enough work as it is.
        assertEquals(1, GpuMatmul.kSlices(8192, 512, 2048));
        // 16 tokens through 2048 x 2048: 32 tiles; 64 steps in 16 slices of 4 (the 512-workgroup target).
        assertEquals(16, GpuMatmul.kSlices(2048, 16, 2048));
        // 512 tokens through a 512-row weight (GQA keys): 64 tiles, 8 slices.
        assertEquals(8, GpuMatmul.kSlices(512, 512, 2048));
    }

    @Test
    void handComputedQ4_0BlockForEveryToken() {
        // d = 0.5 (f16 0x3800); qs[j] = j | (15 - j) << 4: values 0..15 are (j - 8) * 0.5, 16..31 are (7 - j) * 0.5.
        // Token t has x = t + 1 at value 17 only: (7 - 1) * 0.5 * (t + 1) = 3 (t + 1).
        byte[] b = new byte[18];
        b[1] = 0x38;
        for (int j = 0; j < 16; j++) {
            b[2 + j] = (byte) (j | (15 - j) << 4);
        }
        int tokens = 9;
        float[] x = new float[tokens * 32];
        for (int t = 0; t < tokens; t++) {
            x[t * 32 + 17] = t + 1;
        }
        Weight w = new GgmlWeight(new Tensor("hand", new long[] {1, 32}, GgmlType.Q4_0, MemorySegment.ofArray(b)));
        MatVec m = MatVec.upload(new Kernels(TestGpu.device()), "hand", GgmlType.Q4_0, 1, 32,
                MemorySegment.ofArray(b));
        float[] want = new float[tokens];
        for (int t = 0; t < tokens; t++) {
            want[t] = 3f * (t + 1);
        }
        assertEquals(Arrays.toString(want), Arrays.toString(gpu(w, m, x, tokens)));
    }
}
