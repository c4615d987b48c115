package dev.wgllama.quant;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The 512-bit (16-lane) kernels {@link VecDotQuant} dispatches to on AVX-512 hardware: the same row-range
 * structure, argument checks and arithmetic as its 256-bit kernels, with one 16-byte load where those take two
 * 8-byte loads. Block-32 formats fit 16 lanes exactly (low nibbles are elements 0-15, high nibbles 16-31), and
 * Q6_K's scales cover 16 elements. See {@link VecDotQuant} for why each kernel holds its row loop.
 */
final class VecDotWide {
    private VecDotWide() {
    }

    private static final java.nio.ByteOrder LE = java.nio.ByteOrder.LITTLE_ENDIAN;
    private static final java.lang.foreign.ValueLayout.OfInt INT_LE =
            java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED.withOrder(LE);
    private static final jdk.incubator.vector.VectorSpecies<Float> FW = VecDotQuant.FW;
    private static final jdk.incubator.vector.VectorSpecies<Integer> IW = VecDotQuant.IW;
    private static final jdk.incubator.vector.VectorSpecies<Byte> BW = VecDotQuant.BW;

    private static int sc(MemorySegment w, long p) {
        return VecDotQuant.sc(w, p);
    }

    /** 16 bytes at {@code p} zero-extended to 16 int lanes. */
    static IntVector u8w(MemorySegment w, long p) {
        return (IntVector) ByteVector.fromMemorySegment(BW, w, p, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, IW, 0);
    }

    static FloatVector fw(IntVector v) {
        return (FloatVector) v.convert(VectorOperators.I2F, 0);
    }

    static FloatVector xw(float[] x, int i) {
        return FloatVector.fromArray(FW, x, i);
    }

    /** 512-bit Q8_0: 16 lanes, two per block. */
    static void q8_0w(MemorySegment w, long off0, long rowBytes, int rows, float[] x, int xOff, int n, float[] out,
                      int outOff) {
        if (rows < 0 || n % 32 != 0 || rowBytes != (long) n / 32 * 34 || off0 < 0 || off0 > w.byteSize() - rows * rowBytes
                || xOff < 0 || xOff > x.length - n || outOff < 0 || outOff > out.length - rows) {
            throw new IllegalArgumentException("Q8_0: " + rows + " rows of " + n + " values, " + rowBytes
                    + " bytes each, at byte " + off0 + " of " + w.byteSize() + "; x[" + xOff + "..] of " + x.length
                    + ", out[" + outOff + "..] of " + out.length + " (" + rows * rowBytes + " bytes to read)");
        }
        if (n == 0) {                                       // empty rows: zero dots
            java.util.Arrays.fill(out, outOff, outOff + rows, 0f);
            return;
        }
        for (int r = 0; r < rows; r++) {
            long off = off0 + r * rowBytes;
            FloatVector acc = FloatVector.zero(FW);
            for (int b = 0; b < n / 32; b++) {
                long p = off + 34L * b;
                int o = xOff + 32 * b;
                FloatVector s = ((FloatVector) ByteVector.fromMemorySegment(BW, w, p + 2, LE)
                        .convertShape(VectorOperators.B2F, FW, 0)).mul(xw(x, o));
                s = ((FloatVector) ByteVector.fromMemorySegment(BW, w, p + 18, LE)
                        .convertShape(VectorOperators.B2F, FW, 0)).fma(xw(x, o + 16), s);
                acc = s.fma(FloatVector.broadcast(FW, Fp16.readF16(w, p)), acc);
            }
            out[outOff + r] = acc.reduceLanes(VectorOperators.ADD);
        }
    }

    /** 512-bit Q4_0: one 16-byte load per block; low nibbles are elements 0-15, high nibbles 16-31. */
    static void q4_0w(MemorySegment w, long off0, long rowBytes, int rows, float[] x, int xOff, int n, float[] out,
                      int outOff) {
        if (rows < 0 || n % 32 != 0 || rowBytes != (long) n / 32 * 18 || off0 < 0 || off0 > w.byteSize() - rows * rowBytes
                || xOff < 0 || xOff > x.length - n || outOff < 0 || outOff > out.length - rows) {
            throw new IllegalArgumentException("Q4_0: " + rows + " rows of " + n + " values, " + rowBytes
                    + " bytes each, at byte " + off0 + " of " + w.byteSize() + "; x[" + xOff + "..] of " + x.length
                    + ", out[" + outOff + "..] of " + out.length + " (" + rows * rowBytes + " bytes to read)");
        }
        if (n == 0) {                                       // empty rows: zero dots
            java.util.Arrays.fill(out, outOff, outOff + rows, 0f);
            return;
        }
        for (int r = 0; r < rows; r++) {
            long off = off0 + r * rowBytes;
            FloatVector acc = FloatVector.zero(FW);
            for (int b = 0; b < n / 32; b++) {
                long p = off + 18L * b;
                int o = xOff + 32 * b;
                IntVector q = u8w(w, p + 2);
                FloatVector s = fw(q.and(0xF).sub(8)).mul(xw(x, o));
                s = fw(q.lanewise(VectorOperators.LSHR, 4).sub(8)).fma(xw(x, o + 16), s);
                acc = s.fma(FloatVector.broadcast(FW, Fp16.readF16(w, p)), acc);
            }
            out[outOff + r] = acc.reduceLanes(VectorOperators.ADD);
        }
    }

    /** 512-bit Q4_1; {@code sx} from {@link VecDotQuant#sums32}. */
    static void q4_1w(MemorySegment w, long off0, long rowBytes, int rows, float[] x, int xOff, int n, float[] sx,
                      float[] out, int outOff) {
        if (rows < 0 || n % 32 != 0 || rowBytes != (long) n / 32 * 20 || off0 < 0 || off0 > w.byteSize() - rows * rowBytes
                || xOff < 0 || xOff > x.length - n || outOff < 0 || outOff > out.length - rows) {
            throw new IllegalArgumentException("Q4_1: " + rows + " rows of " + n + " values, " + rowBytes
                    + " bytes each, at byte " + off0 + " of " + w.byteSize() + "; x[" + xOff + "..] of " + x.length
                    + ", out[" + outOff + "..] of " + out.length + " (" + rows * rowBytes + " bytes to read)");
        }
        if (n == 0) {                                       // empty rows: zero dots
            java.util.Arrays.fill(out, outOff, outOff + rows, 0f);
            return;
        }
        for (int r = 0; r < rows; r++) {
            long off = off0 + r * rowBytes;
            FloatVector acc = FloatVector.zero(FW);
            float mins = 0f;
            for (int b = 0; b < n / 32; b++) {
                long p = off + 20L * b;
                int o = xOff + 32 * b;
                IntVector q = u8w(w, p + 4);
                FloatVector s = fw(q.and(0xF)).mul(xw(x, o));
                s = fw(q.lanewise(VectorOperators.LSHR, 4)).fma(xw(x, o + 16), s);
                acc = s.fma(FloatVector.broadcast(FW, Fp16.readF16(w, p)), acc);
                mins += Fp16.readF16(w, p + 2) * sx[b];
            }
            out[outOff + r] = acc.reduceLanes(VectorOperators.ADD) + mins;
        }
    }

    /** 512-bit Q4_K: per 64-value chunk two 16-byte loads; scales as in {@link VecDotQuant#q4_kn}. */
    static void q4_kw(MemorySegment w, long off0, long rowBytes, int rows, float[] x, int xOff, int n, float[] sx,
                      float[] out, int outOff) {
        if (rows < 0 || n % 256 != 0 || rowBytes != (long) n / 256 * 144 || off0 < 0
                || off0 > w.byteSize() - rows * rowBytes || xOff < 0 || xOff > x.length - n || outOff < 0
                || outOff > out.length - rows) {
            throw new IllegalArgumentException("Q4_K: " + rows + " rows of " + n + " values, " + rowBytes
                    + " bytes each, at byte " + off0 + " of " + w.byteSize() + "; x[" + xOff + "..] of " + x.length
                    + ", out[" + outOff + "..] of " + out.length);
        }
        for (int r = 0; r < rows; r++) {
            long off = off0 + r * rowBytes;
            FloatVector acc = FloatVector.zero(FW);
            float mins = 0f;
            for (int b = 0; b < n / 256; b++) {
                long p = off + 144L * b;
                float d = Fp16.readF16(w, p);
                float dmin = Fp16.readF16(w, p + 2);
                int u0 = w.get(INT_LE, p + 4);
                int u1 = w.get(INT_LE, p + 8);
                int u2 = w.get(INT_LE, p + 12);
                long sc = (u0 & 0x3f3f3f3fL)
                        | (((u2 & 0x0f0f0f0f) | (((u0 >>> 6) & 0x03030303) << 4)) & 0xffffffffL) << 32;
                long mn = (u1 & 0x3f3f3f3fL)
                        | ((((u2 >>> 4) & 0x0f0f0f0f) | (((u1 >>> 6) & 0x03030303) << 4)) & 0xffffffffL) << 32;
                for (int c = 0; c < 4; c++) {
                    long qp = p + 16 + 32L * c;
                    int o = xOff + 256 * b + 64 * c;
                    IntVector q0 = u8w(w, qp);
                    IntVector q1 = u8w(w, qp + 16);
                    FloatVector slo = fw(q0.and(0xF)).mul(xw(x, o)).add(fw(q1.and(0xF)).mul(xw(x, o + 16)));
                    FloatVector shi = fw(q0.lanewise(VectorOperators.LSHR, 4)).mul(xw(x, o + 32))
                            .add(fw(q1.lanewise(VectorOperators.LSHR, 4)).mul(xw(x, o + 48)));
                    int j = 2 * c;
                    acc = slo.fma(FloatVector.broadcast(FW, d * (int) ((sc >>> (8 * j)) & 0xff)), acc);
                    acc = shi.fma(FloatVector.broadcast(FW, d * (int) ((sc >>> (8 * j + 8)) & 0xff)), acc);
                    mins += dmin * (int) ((mn >>> (8 * j)) & 0xff) * sx[8 * b + j]
                            + dmin * (int) ((mn >>> (8 * j + 8)) & 0xff) * sx[8 * b + j + 1];
                }
            }
            out[outOff + r] = acc.reduceLanes(VectorOperators.ADD) - mins;
        }
    }


    /** 512-bit Q6_K: 16 lanes share one scale (l = 0-15 and 16-31 of each half), same passes as {@link VecDotQuant#q6_kn}. */
    static void q6_kw(MemorySegment w, long off0, long rowBytes, int rows, float[] x, int xOff, int n,
            float[] out, int outOff) {
        // Checked here, inside the kernel, once per call (this also keeps the kernel's bytecode above C2's
        // FreqInlineSize, so callers never inline it: see the class comment).
        if (rows < 0 || n % 256 != 0 || rowBytes != (long) n / 256 * 210 || off0 < 0 || off0 > w.byteSize() - rows * rowBytes
                || xOff < 0 || xOff > x.length - n || outOff < 0 || outOff > out.length - rows) {
            throw new IllegalArgumentException("Q6_K: " + rows + " rows of " + n + " values, " + rowBytes
                    + " bytes each, at byte " + off0 + " of " + w.byteSize() + "; x[" + xOff + "..] of " + x.length
                    + ", out[" + outOff + "..] of " + out.length);
        }
        for (int r = 0; r < rows; r++) {
            long off = off0 + r * rowBytes;
            FloatVector acc = FloatVector.zero(FW);
            for (int b = 0; b < n / 256; b++) {
                long p = off + 210L * b;
                float d = Fp16.readF16(w, p + 208);
                for (int h = 0; h < 2; h++) {
                    for (int l = 0; l < 32; l += 16) {
                        IntVector a = u8w(w, p + 64 * h + l);
                        IntVector c = u8w(w, p + 64 * h + l + 32);
                        IntVector hb = u8w(w, p + 128 + 32 * h + l);
                        long sc = p + 192 + 8 * h + l / 16;
                        int o = xOff + 256 * b + 128 * h + l;
                        for (int nh = 0; nh < 2; nh++) {
                            IntVector q1 = a.and(0xF).or(hb.and(3).lanewise(VectorOperators.LSHL, 4)).sub(32);
                            IntVector q2 = c.and(0xF).or(hb.and(0xC).lanewise(VectorOperators.LSHL, 2)).sub(32);
                            acc = fw(q1).mul(xw(x, o + 64 * nh)).fma(FloatVector.broadcast(FW, d * sc(w, sc + 4 * nh)), acc);
                            acc = fw(q2).mul(xw(x, o + 64 * nh + 32)).fma(FloatVector.broadcast(FW, d * sc(w, sc + 4 * nh + 2)), acc);
                            a = a.lanewise(VectorOperators.LSHR, 4);
                            c = c.lanewise(VectorOperators.LSHR, 4);
                            hb = hb.lanewise(VectorOperators.LSHR, 4);
                        }
                    }
                }
            }
            out[outOff + r] = acc.reduceLanes(VectorOperators.ADD);
        }
    }
}
