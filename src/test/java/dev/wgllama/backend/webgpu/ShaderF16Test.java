package dev.wgllama.backend.webgpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgllama.backend.Activation;
import dev.wgllama.backend.DeviceWeight;
import dev.wgllama.format.Tensor;
import dev.wgllama.gpu.Device;
import dev.wgllama.gpu.TestGpu;
import dev.wgllama.gpu.ffi.Enums;
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
 * The shader-f16 kernels for F16 weights (lib/f16_native.wgsl) on lavapipe, which has the feature: chosen by
 * default, off with {@code -Dwgllama.webgpu.shaderF16=false}, and giving the same floats, bit for bit, as the u32
 * kernels (both widen each half to f32 exactly) and, to f32 rounding, as a double-precision product of the halves
 * decoded in Java ({@link Float#float16ToFloat}), for sizes that are no multiple of a workgroup's rows, tile or
 * K step, for the matvec (decode) and the tiled matmul (prompt), split into row chunks or not.
 */
class ShaderF16Test {
    private final Device device = TestGpu.device();
    private final Random rnd = new Random(16);

    @Test
    void lavapipeDeviceHasShaderF16AndKernelsUseIt() {
        // Without the feature on this adapter every other test here would compare the u32 path with itself.
        assertTrue(TestGpu.adapter().hasFeature(Enums.FEATURE_SHADER_F16), "lavapipe advertises shader-f16");
        assertTrue(device.hasShaderF16(), "requestDevice asks for shader-f16 when the adapter has it");
        assertTrue(device.hasTimestamps(), "timestamp-query is still requested alongside");
        assertTrue(new Kernels(device).shaderF16());
        try (WebGpuBackend b = new WebGpuBackend(device)) {
            assertTrue(b.name().endsWith(" [shader-f16]"), b.name());
        }
    }

    @Test
    void f16WeightsPickTheNativeKernelsOnlyWhenOn() {
        byte[] w = halves(8, 16, false);
        MatVec on = MatVec.upload(new Kernels(device, true), "w", GgmlType.F16, 8, 16, MemorySegment.ofArray(w));
        MatVec off = MatVec.upload(new Kernels(device, false), "w", GgmlType.F16, 8, 16, MemorySegment.ofArray(w));
        assertEquals("matvec_f16_native", on.kernel());
        assertEquals("matmul_f16_native", on.tiledKernel());
        assertEquals("matvec_f16", off.kernel());
        assertEquals("matmul_f16", off.tiledKernel());
        // Other encodings have no f16 variant: BF16 (same bytes per value) keeps its kernel.
        MatVec bf = MatVec.upload(new Kernels(device, true), "b", GgmlType.BF16, 8, 16, MemorySegment.ofArray(w));
        assertEquals("matvec_bf16", bf.kernel());
        on.close();
        off.close();
        bf.close();
        String src = Kernels.source("matmul_f16_native");
        assertTrue(src.startsWith("enable f16;"), "the directive precedes every declaration");
        assertTrue(src.contains("array<vec4<f16>>") && !src.contains("unpack2x16float("), src);
    }

    @Test
    void propertyFalseKeepsTheU32Kernels() {
        String old = System.getProperty(ShaderF16.PROPERTY);
        System.setProperty(ShaderF16.PROPERTY, "false");
        try {
            assertFalse(new Kernels(device).shaderF16());
            MatVec m = MatVec.upload(new Kernels(device), "w", GgmlType.F16, 4, 8,
                    MemorySegment.ofArray(halves(4, 8, false)));
            assertEquals("matvec_f16", m.kernel());
            m.close();
            try (WebGpuBackend b = new WebGpuBackend(device)) {
                assertTrue(b.name().endsWith(" [shader-f16 off: -Dwgllama.webgpu.shaderF16=false]"), b.name());
            }
        } finally {
            if (old == null) {
                System.clearProperty(ShaderF16.PROPERTY);
            } else {
                System.setProperty(ShaderF16.PROPERTY, old);
            }
        }
        assertTrue(new Kernels(device).shaderF16(), "any other value (here none) leaves it on");
    }

    @Test
    void cannotForceF16KernelsOnADeviceWithoutIt() {
        // Only checkable where the device lacks the feature (not lavapipe): there the constructor must refuse.
        if (!device.hasShaderF16()) {
            assertThrows(IllegalArgumentException.class, () -> new Kernels(device, true));
        }
        assertFalse(new Kernels(device, false).shaderF16());
    }

    @Test
    void matvecSameBitsAsU32PathAndReference() {
        // 37 rows: 4 full workgroups of 8 and 5; 4100 columns = 1025 vec4s, one past the 1024-vec4 x tile.
        compare(37, 4100, 1, Long.MAX_VALUE, 1);
        compare(37, 4100, 3, Long.MAX_VALUE, 1);
        // Split into chunks of 16, 16 and 5 rows (separate bindings and launches); 44 columns = 11 vec4s.
        compare(37, 44, 2, 16 * 88 + 3, 3);
    }

    @Test
    void tiledMatmulSameBitsAsU32PathAndReference() {
        int tokens = 67; // a full 64-token tile and a partial one
        assertTrue(tokens >= GpuMatmul.TILED_MIN_TOKENS);
        // 70 rows (a 64-row tile and 6), 100 columns: 3 steps of 32 and one of 4; not split along K.
        assertEquals(1, GpuMatmul.kSlices(70, tokens, 100));
        compare(70, 100, tokens, Long.MAX_VALUE, 1);
        // 1004 columns: 32 steps in slices added by matmul_reduce, the last ending inside a step; 2 row chunks.
        assertTrue(GpuMatmul.kSlices(70, tokens, 1004) > 1);
        compare(70, 1004, tokens, 40L * 2008 + 3, 2);
    }

    @Test
    void subnormalHalvesAreNotFlushedToZero() {
        // One row of 8 subnormal halves, x all ones: the exact sum, 2^-24 (1 + 1023 + 512 - 1 + 2 + 3 + 4 + 5),
        // is far from 0; a kernel flushing f16 denormals would give 0 (or only part of it).
        short[] sub = {0x0001, 0x03FF, 0x0200, (short) 0x8001, 0x0002, 0x0003, 0x0004, 0x0005};
        ByteBuffer bb = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        for (short h : sub) {
            bb.putShort(h);
        }
        float want = (float) (1549 * Math.pow(2, -24));
        float[] ones = {1, 1, 1, 1, 1, 1, 1, 1};
        for (boolean on : new boolean[] {true, false}) {
            float[] y = run(new Kernels(device, on), bb.array(), 1, 8, ones, Long.MAX_VALUE, 1);
            assertEquals(want, y[0], 0f, (on ? "native" : "u32") + " path");
        }
    }

    /**
     * y = W x for {@code tokens} rows of x through the shader-f16 kernels and the u32 ones: every float equal in
     * bits, and within f32 accumulation error of the double product of the decoded halves.
     */
    private void compare(int rows, int cols, int tokens, long maxBinding, int chunks) {
        byte[] w = halves(rows, cols, true);
        float[] x = GpuRig.random(rnd, tokens * cols, 1);
        float[] nat = run(new Kernels(device, true), w, rows, cols, x, maxBinding, chunks);
        float[] u32 = run(new Kernels(device, false), w, rows, cols, x, maxBinding, chunks);
        ByteBuffer bb = ByteBuffer.wrap(w).order(ByteOrder.LITTLE_ENDIAN);
        String what = rows + " x " + cols + ", " + tokens + " tokens, " + chunks + " chunks";
        for (int t = 0; t < tokens; t++) {
            for (int r = 0; r < rows; r++) {
                int i = t * rows + r;
                assertEquals(Float.floatToRawIntBits(u32[i]), Float.floatToRawIntBits(nat[i]),
                        what + ": token " + t + " row " + r + " native " + nat[i] + " vs u32 " + u32[i]);
                double want = 0;
                double mag = 0;
                for (int j = 0; j < cols; j++) {
                    double term = (double) Float.float16ToFloat(bb.getShort(2 * (r * cols + j))) * x[t * cols + j];
                    want += term;
                    mag += Math.abs(term);
                }
                assertEquals(want, nat[i], 1e-5 * mag + 1e-30, what + ": token " + t + " row " + r);
            }
        }
    }

    private float[] run(Kernels k, byte[] w, int rows, int cols, float[] x, long maxBinding, int chunks) {
        WebGpuBackend b = GpuRig.backend();
        Weight weight = new GgmlWeight(new Tensor("W", new long[] {rows, cols}, GgmlType.F16,
                MemorySegment.ofArray(w)));
        MatVec mv = MatVec.upload(k, "W", GgmlType.F16, rows, cols, MemorySegment.ofArray(w), maxBinding);
        assertEquals(chunks, mv.chunkCount(), "chunks");
        DeviceWeight dw = b.adopt(new GpuWeight(weight, RowMatrix.of(weight), mv, null));
        int tokens = x.length / cols;
        try (Activation xa = GpuRig.act("x", tokens, cols, x); Activation ya = b.allocate("y", tokens, rows)) {
            b.matmul(dw, xa, ya);
            return b.readFloats(ya);
        }
    }

    /**
     * Random halves (Gaussian, rounded to f16); with {@code special}, every 4th row also holds the edge cases
     * of the conversion: subnormals (smallest, largest, negative), -0, the largest finite half and the smallest
     * normal, placed at a column that moves with the row so they meet different lanes and vec4 positions.
     */
    private byte[] halves(int rows, int cols, boolean special) {
        short[] edge = {0x0001, 0x03FF, (short) 0x8001, (short) 0x83FF, (short) 0x8000, 0x7BFF, (short) 0xFBFF,
                0x0400};
        ByteBuffer bb = ByteBuffer.allocate(2 * rows * cols).order(ByteOrder.LITTLE_ENDIAN);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                bb.putShort(Float.floatToFloat16((float) rnd.nextGaussian()));
            }
            if (special && r % 4 == 0) {
                for (int e = 0; e < edge.length; e++) {
                    bb.putShort(2 * (r * cols + (r + 3 * e) % cols), edge[e]);
                }
            }
        }
        return bb.array();
    }
}
