package dev.wgllama.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our encoders against ggml's own ({@code quant_ref}, which calls ggml_quantize_chunk of the peer's libggml). */
class QuantPeerTest {
    @TempDir
    Path tmp;

    static final int NROWS = 40;
    static final int NCOLS = 512;

    byte[] ggml(GgmlType type, float[] data, int nrows, int ncols) throws Exception {
        return QuantRef.ggml(tmp, type, data, nrows, ncols);
    }

    byte[] ours(QuantFormat f, float[] data, int nrows, int ncols) {
        long rb = f.rowBytes(ncols);
        byte[] dst = new byte[(int) (rb * nrows)];
        MemorySegment seg = MemorySegment.ofArray(dst);
        for (int r = 0; r < nrows; r++) {
            f.quantizeRow(data, r * ncols, ncols, seg, r * rb);
        }
        return dst;
    }

    void assertBitExact(GgmlType type, float[] data, int nrows, int ncols) throws Exception {
        QuantFormat f = Quants.of(type);
        byte[] want = ggml(type, data, nrows, ncols);
        byte[] got = ours(f, data, nrows, ncols);
        assertEquals(want.length, got.length, type + " size");
        int bad = 0;
        StringBuilder msg = new StringBuilder();
        for (int i = 0; i < want.length; i++) {
            if (want[i] != got[i]) {
                if (bad++ < 8) {
                    long blk = i / f.typeSize();
                    msg.append(String.format("%n byte %d (row %d, block %d, byte %d in block): ggml %02x ours %02x",
                            i, i / f.rowBytes(ncols), blk, i % f.typeSize(), want[i], got[i]));
                }
            }
        }
        if (bad > 0) {
            fail(type + ": " + bad + " of " + want.length + " bytes differ from ggml" + msg);
        }
    }

    @Test
    void q4_0BitExact() throws Exception {
        assertBitExact(GgmlType.Q4_0, QuantData.rows(NROWS, NCOLS, 1), NROWS, NCOLS);
    }

    @Test
    void q4_1BitExact() throws Exception {
        assertBitExact(GgmlType.Q4_1, QuantData.rows(NROWS, NCOLS, 2), NROWS, NCOLS);
    }

    @Test
    void q8_0BitExact() throws Exception {
        assertBitExact(GgmlType.Q8_0, QuantData.rows(NROWS, NCOLS, 3), NROWS, NCOLS);
    }

    /** f16/bf16 also get the special values: ±inf, NaNs with payloads, overflow, f16/f32 subnormals, ties. */
    static float[] withSpecials(float[] data) {
        float[] sp = {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN,
            Float.intBitsToFloat(0x7f800001), Float.intBitsToFloat(0xffc12345), Float.intBitsToFloat(0x7fbfffff),
            65504f, 65519.99f, 65520f, -70000f, 6.1035156e-5f, 5.9604645e-8f, 2.9802322e-8f, 2.98023259e-8f,
            -1e-45f, Float.MIN_NORMAL, -Float.MIN_VALUE, 3.4028235e38f, Float.intBitsToFloat(0x7f7fffff),
            Float.intBitsToFloat(0x3f808000), Float.intBitsToFloat(0x3f818000), Float.intBitsToFloat(0x3f808001),
            Float.intBitsToFloat(0x00008000), Float.intBitsToFloat(0x80018000), 1.00048828125f, 1.00146484375f,
            -0f, 0f};
        float[] out = data.clone();
        System.arraycopy(sp, 0, out, 0, sp.length);
        return out;
    }

    @Test
    void f16BitExact() throws Exception {
        assertBitExact(GgmlType.F16, withSpecials(QuantData.rows(NROWS, NCOLS, 4)), NROWS, NCOLS);
    }

    @Test
    void bf16BitExact() throws Exception {
        assertBitExact(GgmlType.BF16, withSpecials(QuantData.rows(NROWS, NCOLS, 5)), NROWS, NCOLS);
    }

    /**
     * ggml's Q4_K / Q6_K encodings of random rows must decode (with our decoder) to within the format's error
     * of the originals; a wrong nibble, scale or half layout gives errors of the order of the values themselves.
     */
    @Test
    void kQuantsDecodeGgmlEncodings() throws Exception {
        int nrows = 8;
        float[] data = new float[nrows * NCOLS];
        java.util.Random rnd = new java.util.Random(6);
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) rnd.nextGaussian() * (1 + (i / NCOLS));
        }
        for (GgmlType t : new GgmlType[] {GgmlType.Q4_K, GgmlType.Q6_K}) {
            QuantFormat f = Quants.of(t);
            MemorySegment seg = MemorySegment.ofArray(ggml(t, data, nrows, NCOLS));
            float[] y = new float[NCOLS];
            for (int r = 0; r < nrows; r++) {
                f.dequantizeRow(seg, r * f.rowBytes(NCOLS), y, 0, NCOLS);
                double err2 = 0;
                double sig2 = 0;
                double maxErr = 0;
                for (int i = 0; i < NCOLS; i++) {
                    double e = y[i] - data[r * NCOLS + i];
                    err2 += e * e;
                    sig2 += (double) data[r * NCOLS + i] * data[r * NCOLS + i];
                    maxErr = Math.max(maxErr, Math.abs(e));
                }
                double rel = Math.sqrt(err2 / sig2);
                // 4-bit with 6-bit sub-block scales: ~8-12% relative RMS on Gaussian data; 6-bit: ~2-3%.
                double bound = t == GgmlType.Q4_K ? 0.15 : 0.05;
                assertTrue(rel < bound, t + " row " + r + " relative RMS error " + rel + " (bound " + bound + ")");
                assertTrue(maxErr < (t == GgmlType.Q4_K ? 0.6 : 0.15) * (1 + r), t + " max error " + maxErr);
                float dotRef = f.dot(seg, r * f.rowBytes(NCOLS), data, r * NCOLS, NCOLS);
                float dotFast = f.dotFast(seg, r * f.rowBytes(NCOLS), data, r * NCOLS, NCOLS);
                assertEquals(dotRef, dotFast, 1e-4 * Math.abs(dotRef) + 1e-3, t + " vector dot row " + r);
            }
        }
    }
}
