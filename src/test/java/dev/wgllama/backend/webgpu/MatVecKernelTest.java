package dev.wgllama.backend.webgpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.wgllama.backend.Activation;
import dev.wgllama.backend.DeviceWeight;
import dev.wgllama.format.Tensor;
import dev.wgllama.gpu.TestGpu;
import dev.wgllama.quant.GgmlType;
import dev.wgllama.quant.GgmlWeight;
import dev.wgllama.quant.RowMatrix;
import dev.wgllama.quant.Weight;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * matvec kernels against a plain-Java reference that dequantizes the GGUF block bytes by the rules of
 * docs/formats.md (written independently of the WGSL), plus hand-computed single blocks.
 */
class MatVecKernelTest {
    /** Value {@code j} of row {@code r} decoded from raw GGUF bytes. */
    static double dequant(GgmlType t, byte[] w, int cols, int r, int j) {
        long rowBytes = t.bytesFor(cols);
        switch (t) {
            case F32 -> {
                return ByteBuffer.wrap(w).order(ByteOrder.LITTLE_ENDIAN).getFloat((int) (r * rowBytes + 4L * j));
            }
            case F16 -> {
                return Float.float16ToFloat(ByteBuffer.wrap(w).order(ByteOrder.LITTLE_ENDIAN)
                        .getShort((int) (r * rowBytes + 2L * j)));
            }
            case BF16 -> {
                int bits = ByteBuffer.wrap(w).order(ByteOrder.LITTLE_ENDIAN).getShort((int) (r * rowBytes + 2L * j));
                return Float.intBitsToFloat(bits << 16);
            }
            case Q4_0 -> {
                int off = (int) (r * rowBytes) + (j / 32) * 18;
                double d = Float.float16ToFloat((short) ((w[off] & 0xFF) | (w[off + 1] << 8)));
                int e = j % 32;
                int q = e < 16 ? w[off + 2 + e] & 0xF : (w[off + 2 + e - 16] >> 4) & 0xF;
                return (q - 8) * d;
            }
            case Q8_0 -> {
                int off = (int) (r * rowBytes) + (j / 32) * 34;
                double d = Float.float16ToFloat((short) ((w[off] & 0xFF) | (w[off + 1] << 8)));
                return w[off + 2 + j % 32] * d;
            }
            default -> throw new IllegalArgumentException(t.toString());
        }
    }

    /** Random block bytes with a sane f16 scale in each block (random bytes could be NaN/inf scales). */
    static byte[] randomWeights(GgmlType t, int rows, int cols, Random rnd) {
        byte[] w = new byte[(int) (rows * t.bytesFor(cols))];
        if (t == GgmlType.F32) {
            ByteBuffer bb = ByteBuffer.wrap(w).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < rows * cols; i++) {
                bb.putFloat((float) rnd.nextGaussian());
            }
            return w;
        }
        if (t == GgmlType.F16 || t == GgmlType.BF16) {
            ByteBuffer bb = ByteBuffer.wrap(w).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < rows * cols; i++) {
                float f = (float) rnd.nextGaussian();
                bb.putShort(t == GgmlType.F16 ? Float.floatToFloat16(f) : (short) (Float.floatToRawIntBits(f) >>> 16));
            }
            return w;
        }
        rnd.nextBytes(w);
        int blockBytes = t.typeSize();
        for (int off = 0; off < w.length; off += blockBytes) {
            short d = Float.floatToFloat16((float) (rnd.nextDouble() * 0.1 + 0.001));
            w[off] = (byte) d;
            w[off + 1] = (byte) (d >> 8);
        }
        return w;
    }

    /** y = W x for {@code tokens} rows of x through the backend, the weight split at {@code maxBinding} bytes. */
    private static float[] gpu(GgmlType t, byte[] w, int rows, int cols, float[] x, long maxBinding,
                               int expectChunks) {
        WebGpuBackend b = GpuRig.backend();
        Weight weight = new GgmlWeight(new Tensor("W", new long[] {rows, cols}, t, MemorySegment.ofArray(w)));
        MatVec mv = MatVec.upload(new Kernels(TestGpu.device()), "W", t, rows, cols, MemorySegment.ofArray(w),
                maxBinding);
        if (expectChunks > 0) {
            assertEquals(expectChunks, mv.chunkCount(), "chunks");
        }
        DeviceWeight dw = b.adopt(new GpuWeight(weight, RowMatrix.of(weight), mv, null));
        int tokens = x.length / cols;
        try (Activation xa = GpuRig.act("x", tokens, cols, x); Activation ya = b.allocate("y", tokens, rows)) {
            b.matmul(dw, xa, ya);
            return b.readFloats(ya);
        }
    }

    private static void check(GgmlType t, int rows, int cols, long maxBinding, int expectChunks, long seed) {
        Random rnd = new Random(seed);
        byte[] w = randomWeights(t, rows, cols, rnd);
        int tokens = 2; // two rows of x: the batch dimension of the kernels
        float[] x = GpuRig.random(rnd, tokens * cols, 1);
        float[] y = gpu(t, w, rows, cols, x, maxBinding, expectChunks);
        for (int tok = 0; tok < tokens; tok++) {
            for (int r = 0; r < rows; r++) {
                double want = 0;
                double mag = 0;
                for (int j = 0; j < cols; j++) {
                    double term = dequant(t, w, cols, r, j) * x[tok * cols + j];
                    want += term;
                    mag += Math.abs(term);
                }
                assertEquals(want, y[tok * rows + r], 1e-5 * mag + 1e-6, t + " token " + tok + " row " + r);
            }
        }
    }

    @Test
    void f32AcrossTilesAndChunks() {
        // 4160 columns = one full 4096-value tile plus a partial one; 3 chunks of at most 16 rows.
        check(GgmlType.F32, 37, 4160, 16L * 4160 * 4, 3, 1);
    }

    @Test
    void halfPrecisionRows() {
        check(GgmlType.F16, 13, 4104, 1L << 27, 1, 11);
        check(GgmlType.BF16, 21, 264, 5L * 264 * 2 + 3, 5, 12);
    }

    @Test
    void q4_0AcrossTilesAndChunksWithUnalignedBlocks() {
        // Row = 130 blocks * 18 bytes = 2340 bytes: rows alternate 0/2 mod 4 start offsets; 5 chunks.
        check(GgmlType.Q4_0, 41, 4160, 9L * 2340 + 3, 5, 2);
    }

    @Test
    void q8_0AcrossTilesAndChunks() {
        check(GgmlType.Q8_0, 19, 4160, 7L * 130 * 34 + 3, 3, 3);
        check(GgmlType.Q8_0, 9, 96, 1L << 27, 1, 4);
    }

    @Test
    void handComputedQ4_0Block() {
        // d = 0.5 (f16 0x3800); qs[j] = j | (15 - j) << 4, so elements 0..15 are (j - 8) * 0.5 and 16..31 are
        // (7 - j) * 0.5. Against x = 1: 0.5 * (sum(j - 8) + sum(7 - j)) = 0.5 * (-8 - 8) = -8.
        byte[] w = new byte[18];
        w[0] = 0x00;
        w[1] = 0x38;
        for (int j = 0; j < 16; j++) {
            w[2 + j] = (byte) (j | (15 - j) << 4);
        }
        float[] x = new float[32];
        java.util.Arrays.fill(x, 1f);
        assertEquals(-8f, gpu(GgmlType.Q4_0, w, 1, 32, x, 1L << 20, 1)[0], 0f);
        // Weight element 17 only: (7 - 1) * 0.5 = 3.
        x = new float[32];
        x[17] = 1;
        assertEquals(3f, gpu(GgmlType.Q4_0, w, 1, 32, x, 1L << 20, 1)[0], 0f);
    }

    @Test
    void handComputedQ8_0Block() {
        // d = 0.25 (f16 0x3400); qs[j] = j - 16: 0.25 * sum(j - 16, j < 32) = 0.25 * (496 - 512) = -4.
        byte[] w = new byte[34];
        w[0] = 0x00;
        w[1] = 0x34;
        for (int j = 0; j < 32; j++) {
            w[2 + j] = (byte) (j - 16);
        }
        float[] x = new float[32];
        java.util.Arrays.fill(x, 1f);
        assertEquals(-4f, gpu(GgmlType.Q8_0, w, 1, 32, x, 1L << 20, 1)[0], 0f);
    }

    @Test
    void rejectsMismatchedDataAndTypes() {
        Kernels k = new Kernels(TestGpu.device());
        assertThrows(IllegalArgumentException.class, () -> MatVec.upload(k, "short", GgmlType.Q4_0, 2, 32,
                MemorySegment.ofArray(new byte[35])));
        assertThrows(IllegalArgumentException.class, () -> MatVec.upload(k, "cols", GgmlType.Q8_0, 1, 48,
                MemorySegment.ofArray(new byte[51])));
        assertThrows(IllegalArgumentException.class, () -> MatVec.upload(k, "k", GgmlType.Q5_0, 1, 32,
                MemorySegment.ofArray(new byte[22])));
    }
}
