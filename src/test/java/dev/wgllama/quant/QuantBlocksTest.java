package dev.wgllama.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** Hand-built blocks with hand-computed values: the layout of every format, independent of any quantizer. */
class QuantBlocksTest {
    static MemorySegment seg(int n) {
        return MemorySegment.ofArray(new byte[n]);
    }

    static void u8(MemorySegment s, long i, int v) {
        s.set(ValueLayout.JAVA_BYTE, i, (byte) v);
    }

    static void u16(MemorySegment s, long i, int v) {
        s.set(Fp16.SHORT_LE, i, (short) v);
    }

    static float[] decode(QuantFormat f, MemorySegment s, long off, int n) {
        float[] y = new float[n];
        f.dequantizeRow(s, off, y, 0, n);
        return y;
    }

    /** dot and dotFast of the hand block against a ramp must equal Σ y·x of the hand-checked decoding. */
    static void checkDots(QuantFormat f, MemorySegment s, long off, float[] y) {
        float[] x = new float[y.length];
        double want = 0;
        for (int i = 0; i < x.length; i++) {
            x[i] = (i % 7) - 3 + 0.25f * (i % 3);
            want += (double) y[i] * x[i];
        }
        double tol = 1e-5 * Math.max(1, Math.abs(want)) + 1e-3;
        assertEquals(want, f.dot(s, off, x, 0, y.length), tol, f.type() + " reference dot");
        assertEquals(want, f.dotFast(s, off, x, 0, y.length), tol, f.type() + " vector dot");
    }

    @Test
    void q4_0() {
        MemorySegment s = seg(3 + 18);
        long o = 3; // unaligned on purpose
        u16(s, o, 0x3800); // d = 0.5
        for (int j = 0; j < 16; j++) {
            u8(s, o + 2 + j, 0x88); // both nibbles 8 -> 0
        }
        u8(s, o + 2, 0x9F); // element 0: (15-8)*0.5 = 3.5, element 16: (9-8)*0.5 = 0.5
        u8(s, o + 2 + 15, 0x07); // element 15: (7-8)*0.5 = -0.5, element 31: (0-8)*0.5 = -4
        float[] y = decode(Q4_0.INSTANCE, s, o, 32);
        assertEquals(3.5f, y[0]);
        assertEquals(0.5f, y[16]);
        assertEquals(-0.5f, y[15]);
        assertEquals(-4f, y[31]);
        assertEquals(0f, y[1]);
        assertEquals(0f, y[17]);
        checkDots(Q4_0.INSTANCE, s, o, y);
    }

    @Test
    void q4_1() {
        MemorySegment s = seg(20);
        u16(s, 0, 0x3400); // d = 0.25
        u16(s, 2, 0xBC00); // m = -1
        u8(s, 4 + 3, 0xF0); // element 3: 0*0.25-1 = -1, element 19: 15*0.25-1 = 2.75
        u8(s, 4 + 9, 0x48); // element 9: 8*0.25-1 = 1, element 25: 4*0.25-1 = 0
        float[] y = decode(Q4_1.INSTANCE, s, 0, 32);
        assertEquals(-1f, y[3]);
        assertEquals(2.75f, y[19]);
        assertEquals(1f, y[9]);
        assertEquals(0f, y[25]);
        assertEquals(-1f, y[0]);
        checkDots(Q4_1.INSTANCE, s, 0, y);
    }

    @Test
    void q8_0() {
        MemorySegment s = seg(34);
        u16(s, 0, 0x4000); // d = 2
        u8(s, 2 + 5, -3);
        u8(s, 2 + 31, 127);
        u8(s, 2 + 0, -128);
        float[] y = decode(Q8_0.INSTANCE, s, 0, 32);
        assertEquals(-6f, y[5]);
        assertEquals(254f, y[31]);
        assertEquals(-256f, y[0]);
        assertEquals(0f, y[1]);
        checkDots(Q8_0.INSTANCE, s, 0, y);
    }

    @Test
    void f16AndBf16() {
        MemorySegment s = seg(16);
        int[] h = {0x3C00, 0xC000, 0x0001, 0x7BFF, 0x8400, 0x3555, 0x0000, 0x0400};
        float[] want = {1f, -2f, 0x1p-24f, 65504f, -0x1p-14f, 0.33325195f, 0f, 0x1p-14f};
        for (int i = 0; i < 8; i++) {
            u16(s, 2 * i, h[i]);
        }
        float[] y = decode(F16.INSTANCE, s, 0, 8);
        for (int i = 0; i < 8; i++) {
            assertEquals(want[i], y[i], "f16 " + Integer.toHexString(h[i]));
        }
        checkDots(F16.INSTANCE, s, 0, y);
        int[] b = {0x3F80, 0xC0A0, 0x0001, 0x7F7F, 0x3E80, 0x8000, 0x4049, 0x0080};
        float[] wb = {1f, -5f, 0x1p-133f, 3.3895314e38f, 0.25f, -0f, 3.140625f, 0x1p-126f};
        for (int i = 0; i < 8; i++) {
            u16(s, 2 * i, b[i]);
        }
        y = decode(BF16.INSTANCE, s, 0, 8);
        for (int i = 0; i < 8; i++) {
            assertEquals(wb[i], y[i], "bf16 " + Integer.toHexString(b[i]));
        }
    }

    /** The fast f16 decoder equals the scalar conversion on all 65536 bit patterns (NaNs stay NaN). */
    @Test
    void fastF16DecodeIsExactForEveryPattern() {
        MemorySegment s = seg(2 * 65536);
        for (int i = 0; i < 65536; i++) {
            u16(s, 2L * i, i);
        }
        float[] y = new float[65536];
        VecDecode.row(GgmlType.F16, s, 0, y, 0, 65536);
        for (int i = 0; i < 65536; i++) {
            float want = Float.float16ToFloat((short) i);
            if (Float.isNaN(want)) {
                assertEquals(true, Float.isNaN(y[i]), "f16 " + Integer.toHexString(i));
            } else {
                assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(y[i]), "f16 " + Integer.toHexString(i));
            }
        }
    }

    /**
     * Q4_K: d = 1, dmin = 0.5. Scales/mins: sub-block 1 (j<4 rule) sc = 5, mn = 3; sub-block 4 (j>=4) sc = 1,
     * mn = 2 from byte 8; sub-block 5 (j>=4) sc = 2 | 3<<4 = 50, mn = 7 | 2<<4 = 39 using the top bits of bytes 1
     * and 5.
     */
    @Test
    void q4_K() {
        MemorySegment s = seg(144);
        u16(s, 0, 0x3C00);
        u16(s, 2, 0x3800);
        long sc = 4;
        u8(s, sc + 1, 0xC5); // sc(1) = 5; top bits 3 -> high bits of sc(5)
        u8(s, sc + 5, 0x83); // mn(1) = 3; top bits 2 -> high bits of mn(5)
        u8(s, sc + 8, 0x21); // sc(4) = 1, mn(4) = 2
        u8(s, sc + 9, 0x72); // sc(5) low 2, mn(5) low 7
        u8(s, sc + 3, 0x3F); // sc(3) = 63
        u8(s, sc + 7, 0x01); // mn(3) = 1
        long qs = 16;
        u8(s, qs + 0, 0xA0);      // y[0] = 0 (sc 0), y[32] = 1*5*10 - 0.5*3 = 48.5
        u8(s, qs + 64 + 7, 0x3C); // y[135] = 1*1*12 - 0.5*2 = 11, y[167] = 50*3 - 0.5*39 = 130.5
        u8(s, qs + 32 + 31, 0xF0); // y[64+32+31=127] = 63*15 - 0.5*1 = 944.5, y[95] = sc(2)=0 -> 0
        float[] y = decode(Q4_K.INSTANCE, s, 0, 256);
        assertEquals(0f, y[0]);
        assertEquals(48.5f, y[32]);
        assertEquals(-1.5f, y[33]); // nibble 0 in sub-block 1: -dmin*mn
        assertEquals(11f, y[135]);
        assertEquals(-1f, y[136]);
        assertEquals(130.5f, y[167]);
        assertEquals(-19.5f, y[160]);
        assertEquals(944.5f, y[127]);
        assertEquals(-0.5f, y[96]);
        assertEquals(0f, y[95]);
        assertEquals(0f, y[255]);
        checkDots(Q4_K.INSTANCE, s, 0, y);
    }

    /**
     * Q6_K: d = 0.5, scales sc[i] = i+1 for i<8 and -(i-7) for i>=8. Second half, l = 17 (is = 1):
     * ql[81] = 0x5A, ql[113] = 0x3C, qh[177] = 0xE4 (2-bit fields 0,1,2,3) give the four quarter positions
     * q = 10-32, 28-32, 37-32, 51-32 with scales sc[9], sc[11], sc[13], sc[15] = -2, -4, -6, -8.
     */
    @Test
    void q6_K() {
        MemorySegment s = seg(210);
        u16(s, 208, 0x3800);
        for (int i = 0; i < 16; i++) {
            u8(s, 192 + i, i < 8 ? i + 1 : -(i - 7));
        }
        u8(s, 64 + 17, 0x5A);
        u8(s, 64 + 17 + 32, 0x3C);
        u8(s, 128 + 32 + 17, 0xE4);
        u8(s, 3, 0x21);       // first half l=3: y[3] = 0.5*1*(1-32), y[67] = 0.5*5*(2-32)
        u8(s, 128 + 20, 0x40); // first half l=20 (is=1): y[20+64] high nibble 0, bits 4-5 = 0 ... bits 6-7 = 1
        float[] y = decode(Q6_K.INSTANCE, s, 0, 256);
        assertEquals(22f, y[128 + 17]);
        assertEquals(8f, y[128 + 17 + 32]);
        assertEquals(-15f, y[128 + 17 + 64]);
        assertEquals(-76f, y[128 + 17 + 96]);
        assertEquals(-15.5f, y[3]);
        assertEquals(-75f, y[67]);
        assertEquals(-16f, y[0]);         // q = -32, sc[0] = 1
        assertEquals(0.5f * 8 * (16 - 32), y[20 + 96]); // qh bits 6-7 = 1 -> q = 16, sc[1+6] = 8
        assertEquals(0.5f * 2 * -32, y[20]); // sc[1] = 2
        assertEquals(0.5f * -1 * -32, y[128]); // sc[8] = -1
        checkDots(Q6_K.INSTANCE, s, 0, y);
    }

    @Test
    void rejectsBadRows() {
        MemorySegment s = seg(34);
        float[] y = new float[64];
        assertThrows(IllegalArgumentException.class, () -> Q8_0.INSTANCE.dequantizeRow(s, 0, y, 0, 64));
        assertThrows(IllegalArgumentException.class, () -> Q8_0.INSTANCE.dequantizeRow(s, 0, y, 0, 31));
        assertThrows(IllegalArgumentException.class, () -> Q8_0.INSTANCE.dequantizeRow(s, 0, y, 40, 32));
        assertThrows(UnsupportedOperationException.class,
                () -> Q4_K.INSTANCE.quantizeRow(y, 0, 256, seg(144), 0));
        assertThrows(IllegalArgumentException.class, () -> Quants.of(GgmlType.Q5_K));
    }
}
