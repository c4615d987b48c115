package dev.wgllama.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgllama.ModelFormatException;
import dev.wgllama.format.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link RowMatrix} over GGML tensors of every computable type, 2-D and 3-D, and its input checks. */
class RowMatrixTest {
    static GgmlWeight ggml(GgmlType t, long[] shape, Random rnd) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        MemorySegment s = QuantRoundTripTest.randomBlocks(t, (int) n, rnd);
        return new GgmlWeight(new Tensor("blk.0.test.weight", shape, t, s));
    }

    @Test
    void everyTypeMatchesReference() {
        Random rnd = new Random(3);
        for (GgmlType t : new GgmlType[] {GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0,
            GgmlType.Q4_1, GgmlType.Q4_K, GgmlType.Q6_K}) {
            BlockGroupTest.checkAgainstReference(RowMatrix.of(ggml(t, new long[] {9, 512}, rnd)), rnd, t.toString());
        }
    }

    /** Row e*out + o of a 3-D [E, out, in] tensor is row o of expert e. */
    @Test
    void expertRowsCountAcrossExperts() {
        Random rnd = new Random(4);
        GgmlWeight w = ggml(GgmlType.Q4_0, new long[] {4, 6, 64}, rnd);
        RowMatrix m = RowMatrix.of(w);
        long rowBytes = GgmlType.Q4_0.bytesFor(64);
        MemorySegment expert2 = w.tensor().data().asSlice(2 * 6 * rowBytes, 6 * rowBytes);
        RowMatrix e2 = RowMatrix.of(new GgmlWeight(new Tensor("e2", new long[] {6, 64}, GgmlType.Q4_0, expert2)));
        float[] a = new float[64];
        float[] b = new float[64];
        for (int o = 0; o < 6; o++) {
            m.dequantizeRow(2 * 6 + o, a, 0);
            e2.dequantizeRow(o, b, 0);
            assertArrayEquals(b, a);
        }
        BlockGroupTest.checkAgainstReference(m, rnd, "Q4_0 experts");
    }

    @Test
    void rejectsBadWeightsAndArguments() {
        MemorySegment small = MemorySegment.ofArray(new byte[100]);
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> RowMatrix.of(new GgmlWeight(new Tensor("blk.3.ffn_up.weight", new long[] {4, 64}, GgmlType.Q8_0, small))));
        assertTrue(e.getMessage().contains("blk.3.ffn_up.weight") && e.getMessage().contains("272"), e.getMessage());
        assertThrows(ModelFormatException.class,
                () -> RowMatrix.of(new GgmlWeight(new Tensor("x", new long[] {2, 48}, GgmlType.Q8_0, small))));
        assertThrows(ModelFormatException.class,
                () -> RowMatrix.of(new GgmlWeight(new Tensor("x", new long[] {1, 256}, GgmlType.Q5_K, small))));
        BlockGroupSpec spec = BlockGroupSpec.parse("bg-q4_1-b32-g64");
        BlockGroupWeight bg = BlockGroup.quantize(spec, "bgw", new long[] {2, 64}, (r, d) -> { }, Arena.ofAuto());
        ModelFormatException z = assertThrows(ModelFormatException.class, () -> RowMatrix.of(
                new BlockGroupWeight("bgw", new long[] {2, 64}, spec, bg.codes(), bg.scales(), null)));
        assertTrue(z.getMessage().contains("zeros"), z.getMessage());
        assertThrows(ModelFormatException.class, () -> RowMatrix.of(
                new BlockGroupWeight("bgw", new long[] {3, 64}, spec, bg.codes(), bg.scales(), bg.zeros())));
        RowMatrix m = RowMatrix.of(bg);
        float[] x = new float[64];
        assertThrows(IllegalArgumentException.class, () -> m.dot(2, x, 0));
        assertThrows(IllegalArgumentException.class, () -> m.dot(0, x, 1));
        assertThrows(IllegalArgumentException.class, () -> m.matVec(x, new float[1], 0, 2));
    }
}
