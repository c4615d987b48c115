package dev.wgllama.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector-API dot products of GGML block rows with f32 activations (activations stay f32: no int8 rounding of x).
 * Codes are loaded 8 bytes at a time and widened at once to 8 int lanes, where the nibble and bit unpacking runs
 * (x86 has no byte-lane shifts: shifting byte vectors costs a widen/shift/narrow sequence per shift, which made the
 * earlier byte-lane kernels about 1.3-1.6x slower); then 8 f32 lanes are multiplied into x. Each block's scale
 * multiplies the block's partial vector once. Minimum/offset terms ({@code m·Σx}) use per-32 sums of x that a
 * matVec computes once for all rows ({@link #sums32}). Callers have already checked bounds and that {@code n} is a
 * multiple of the block size.
 *
 * <p>Why the kernels look the way they do: C2 intrinsifies a Vector-API call only when it is inlined into a
 * compilation that sees exact species; a call left out-of-line runs the API's Java fallback ({@code convert0},
 * {@code broadcastBits}, {@code fromArray0Template}: boxed vectors, 10-100x slower). C2 stops inlining once a
 * compilation's graph passes {@code NodeCountInliningCutoff} (18000 nodes), and each Vector-API call expands to
 * hundreds of nodes while it is parsed. A kernel inlined into its caller (as the earlier one-row kernels were into
 * the row loop of a matVec, often next to a second format's kernel) blew that budget, so parts of it ran the
 * fallback: that was the slow decode on Q4_K_M files. Hence each kernel here processes a whole row range, keeps
 * its vector values in locals, uses loops instead of unrolled copies (a loop body is parsed once), and is larger
 * than {@code FreqInlineSize} (325 bytecodes) so that it is always compiled as its own root. Code that runs before C2 has compiled it (interpreter, C1) executes the
 * Vector API's Java fallbacks ({@code convert0}, {@code broadcastBits}, {@code fromArray0Template}), 10-100x
 * slower: benchmarks must warm up first.
 */
final class VecDotQuant {
    private VecDotQuant() {
    }

    static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    static final VectorSpecies<Byte> B = ByteVector.SPECIES_64;
    static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    static final VectorSpecies<Float> FW = FloatVector.SPECIES_512;
    static final VectorSpecies<Integer> IW = IntVector.SPECIES_512;
    static final VectorSpecies<Byte> BW = ByteVector.SPECIES_128;
    /**
     * Whether the hardware has 512-bit vectors (AVX-512): then the block-32 formats and Q4_K use 16-lane kernels
     * (about 1.6x faster on Zen 4: half the instructions per weight). On narrower hardware 512-bit species would
     * run the Java fallbacks, so the 256-bit kernels are used there.
     */
    static final boolean WIDE = FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 512;
    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(LE);

    static ByteVector bytes(MemorySegment w, long p) {
        return ByteVector.fromMemorySegment(B, w, p, LE);
    }

    /** 8 bytes at {@code p} zero-extended to 8 int lanes (0..255). */
    static IntVector u8(MemorySegment w, long p) {
        return (IntVector) bytes(w, p).convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
    }

    /** 8 signed byte lanes → 8 f32 lanes. */
    static FloatVector toF(ByteVector b) {
        return (FloatVector) b.convertShape(VectorOperators.B2F, F, 0);
    }

    /** 8 int lanes → 8 f32 lanes. */
    static FloatVector f(IntVector v) {
        return (FloatVector) v.convert(VectorOperators.I2F, 0);
    }

    static FloatVector bc(float v) {
        return FloatVector.broadcast(F, v);
    }

    static FloatVector xv(float[] x, int i) {
        return FloatVector.fromArray(F, x, i);
    }

    /** {@code s[k] = Σ x[xOff + 32k .. xOff + 32k + 31]} for k < n/32 (the offset terms of Q4_1 and Q4_K). */
    static float[] sums32(float[] x, int xOff, int n) {
        float[] s = new float[n / 32];
        for (int k = 0; k < s.length; k++) {
            int o = xOff + 32 * k;
            s[k] = xv(x, o).add(xv(x, o + 8)).add(xv(x, o + 16).add(xv(x, o + 24))).reduceLanes(VectorOperators.ADD);
        }
        return s;
    }

    static void q8_0n(MemorySegment w, long off0, long rowBytes, int rows, float[] x, int xOff, int n,
            float[] out, int outOff) {
        // Checked here, inside the kernel, once per call (this also keeps the kernel's bytecode above C2's
        // FreqInlineSize, so callers never inline it: see the class comment).
        if (rows < 0 || n % 32 != 0 || rowBytes != (long) n / 32 * 34 || off0 < 0 || off0 > w.byteSize() - rows * rowBytes
                || xOff < 0 || xOff > x.length - n || outOff < 0 || outOff > out.length - rows) {
            throw new IllegalArgumentException("Q8_0: " + rows + " rows of " + n + " values, " + rowBytes
                    + " bytes each, at byte " + off0 + " of " + w.byteSize() + "; x[" + xOff + "..] of " + x.length
                    + ", out[" + outOff + "..] of " + out.length);
        }
        for (int r = 0; r < rows; r++) {
            long off = off0 + r * rowBytes;
            FloatVector acc = FloatVector.zero(F);
            for (int b = 0; b < n / 32; b++) {
                long p = off + 34L * b;
                int o = xOff + 32 * b;
                FloatVector s = toF(bytes(w, p + 2)).mul(xv(x, o));
                s = toF(bytes(w, p + 10)).fma(xv(x, o + 8), s);
                s = toF(bytes(w, p + 18)).fma(xv(x, o + 16), s);
                s = toF(bytes(w, p + 26)).fma(xv(x, o + 24), s);
                acc = s.fma(bc(Fp16.readF16(w, p)), acc);
            }
            out[outOff + r] = acc.reduceLanes(VectorOperators.ADD);
        }
    }

    static void q4_0n(MemorySegment w, long off0, long rowBytes, int rows, float[] x, int xOff, int n,
            float[] out, int outOff) {
        // Checked here, inside the kernel, once per call (this also keeps the kernel's bytecode above C2's
        // FreqInlineSize, so callers never inline it: see the class comment).
        if (rows < 0 || n % 32 != 0 || rowBytes != (long) n / 32 * 18 || off0 < 0 || off0 > w.byteSize() - rows * rowBytes
                || xOff < 0 || xOff > x.length - n || outOff < 0 || outOff > out.length - rows) {
            throw new IllegalArgumentException("Q4_0: " + rows + " rows of " + n + " values, " + rowBytes
                    + " bytes each, at byte " + off0 + " of " + w.byteSize() + "; x[" + xOff + "..] of " + x.length
                    + ", out[" + outOff + "..] of " + out.length);
        }
        for (int r = 0; r < rows; r++) {
            long off = off0 + r * rowBytes;
            FloatVector acc = FloatVector.zero(F);
            for (int b = 0; b < n / 32; b++) {
                long p = off + 18L * b;
                int o = xOff + 32 * b;
                IntVector q0 = u8(w, p + 2);   // elements 0..7 (low nibbles) and 16..23 (high)
                IntVector q1 = u8(w, p + 10);  // elements 8..15 and 24..31
                FloatVector s = f(q0.and(0xF).sub(8)).mul(xv(x, o));
                s = f(q1.and(0xF).sub(8)).fma(xv(x, o + 8), s);
                s = f(q0.lanewise(VectorOperators.LSHR, 4).sub(8)).fma(xv(x, o + 16), s);
                s = f(q1.lanewise(VectorOperators.LSHR, 4).sub(8)).fma(xv(x, o + 24), s);
                acc = s.fma(bc(Fp16.readF16(w, p)), acc);
            }
            out[outOff + r] = acc.reduceLanes(VectorOperators.ADD);
        }
    }

    /** Σ (q·d + m)·x = d·Σ q·x + m·Σ x per block; {@code sx} from {@link #sums32}. */
    static void q4_1n(MemorySegment w, long off0, long rowBytes, int rows, float[] x, int xOff, int n, float[] sx,
            float[] out, int outOff) {
        // Checked here, inside the kernel, once per call (this also keeps the kernel's bytecode above C2's
        // FreqInlineSize, so callers never inline it: see the class comment).
        if (rows < 0 || n % 32 != 0 || rowBytes != (long) n / 32 * 20 || off0 < 0 || off0 > w.byteSize() - rows * rowBytes
                || xOff < 0 || xOff > x.length - n || outOff < 0 || outOff > out.length - rows) {
            throw new IllegalArgumentException("Q4_1: " + rows + " rows of " + n + " values, " + rowBytes
                    + " bytes each, at byte " + off0 + " of " + w.byteSize() + "; x[" + xOff + "..] of " + x.length
                    + ", out[" + outOff + "..] of " + out.length);
        }
        for (int r = 0; r < rows; r++) {
            long off = off0 + r * rowBytes;
            FloatVector acc = FloatVector.zero(F);
            float mins = 0f;
            for (int b = 0; b < n / 32; b++) {
                long p = off + 20L * b;
                int o = xOff + 32 * b;
                IntVector q0 = u8(w, p + 4);
                IntVector q1 = u8(w, p + 12);
                FloatVector s = f(q0.and(0xF)).mul(xv(x, o));
                s = f(q1.and(0xF)).fma(xv(x, o + 8), s);
                s = f(q0.lanewise(VectorOperators.LSHR, 4)).fma(xv(x, o + 16), s);
                s = f(q1.lanewise(VectorOperators.LSHR, 4)).fma(xv(x, o + 24), s);
                acc = s.fma(bc(Fp16.readF16(w, p)), acc);
                mins += Fp16.readF16(w, p + 2) * sx[b];
            }
            out[outOff + r] = acc.reduceLanes(VectorOperators.ADD) + mins;
        }
    }

    /**
     * Per sub-block of 32: d·sc·Σ q·x − dmin·mn·Σ x, with {@code sx} from {@link #sums32}. The twelve scale bytes
     * are read as three ints and unpacked with masks: sc/mn 0-3 are the low 6 bits of bytes 0-3 / 4-7; sc/mn 4-7
     * the low / high nibbles of bytes 8-11 plus the top 2 bits of bytes 0-3 / 4-7 (see {@link Q4_K#scaleMin}).
     */
    static void q4_kn(MemorySegment w, long off0, long rowBytes, int rows, float[] x, int xOff, int n, float[] sx,
            float[] out, int outOff) {
        // Checked here, inside the kernel, once per call (this also keeps the kernel's bytecode above C2's
        // FreqInlineSize, so callers never inline it: see the class comment).
        if (rows < 0 || n % 256 != 0 || rowBytes != (long) n / 256 * 144 || off0 < 0 || off0 > w.byteSize() - rows * rowBytes
                || xOff < 0 || xOff > x.length - n || outOff < 0 || outOff > out.length - rows) {
            throw new IllegalArgumentException("Q4_K: " + rows + " rows of " + n + " values, " + rowBytes
                    + " bytes each, at byte " + off0 + " of " + w.byteSize() + "; x[" + xOff + "..] of " + x.length
                    + ", out[" + outOff + "..] of " + out.length);
        }
        for (int r = 0; r < rows; r++) {
            long off = off0 + r * rowBytes;
            FloatVector acc = FloatVector.zero(F);
            float mins = 0f;
            for (int b = 0; b < n / 256; b++) {
                long p = off + 144L * b;
                float d = Fp16.readF16(w, p);
                float dmin = Fp16.readF16(w, p + 2);
                int u0 = w.get(INT_LE, p + 4);
                int u1 = w.get(INT_LE, p + 8);
                int u2 = w.get(INT_LE, p + 12);
                long sc = (u0 & 0x3f3f3f3fL) | (((u2 & 0x0f0f0f0f) | (((u0 >>> 6) & 0x03030303) << 4)) & 0xffffffffL) << 32;
                long mn = (u1 & 0x3f3f3f3fL)
                        | ((((u2 >>> 4) & 0x0f0f0f0f) | (((u1 >>> 6) & 0x03030303) << 4)) & 0xffffffffL) << 32;
                for (int c = 0; c < 4; c++) {
                    long qp = p + 16 + 32L * c;
                    int o = xOff + 256 * b + 64 * c;
                    FloatVector slo = FloatVector.zero(F);
                    FloatVector shi = FloatVector.zero(F);
                    for (int k = 0; k < 4; k++) {
                        IntVector q = u8(w, qp + 8 * k);
                        slo = f(q.and(0xF)).fma(xv(x, o + 8 * k), slo);
                        shi = f(q.lanewise(VectorOperators.LSHR, 4)).fma(xv(x, o + 32 + 8 * k), shi);
                    }
                    int j = 2 * c;
                    acc = slo.fma(bc(d * (int) ((sc >>> (8 * j)) & 0xff)), acc);
                    acc = shi.fma(bc(d * (int) ((sc >>> (8 * j + 8)) & 0xff)), acc);
                    mins += dmin * (int) ((mn >>> (8 * j)) & 0xff) * sx[8 * b + j]
                            + dmin * (int) ((mn >>> (8 * j + 8)) & 0xff) * sx[8 * b + j + 1];
                }
            }
            out[outOff + r] = acc.reduceLanes(VectorOperators.ADD) - mins;
        }
    }

    /**
     * Q6_K: eight lanes share one i8 scale (sub-blocks are 16 long), so each 8-lane product is scaled once.
     * Pass {@code nh} handles quarters {@code 2nh} (from {@code ql[l]}) and {@code 2nh+1} (from {@code ql[l+32]}):
     * low nibbles and qh bits 0-3 first, then everything shifted right by 4. The passes are a loop with constant
     * shifts rather than unrolled copies: C2 stops inlining once a compilation's graph passes
     * {@code NodeCountInliningCutoff} (each Vector-API call expands to hundreds of nodes before it collapses into
     * one instruction), and every vector call left un-inlined runs its boxed Java fallback, ~10x slower. A loop
     * body is counted once.
     */
    static void q6_kn(MemorySegment w, long off0, long rowBytes, int rows, float[] x, int xOff, int n,
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
            FloatVector acc = FloatVector.zero(F);
            for (int b = 0; b < n / 256; b++) {
                long p = off + 210L * b;
                float d = Fp16.readF16(w, p + 208);
                for (int h = 0; h < 2; h++) {
                    for (int l = 0; l < 32; l += 8) {
                        IntVector a = u8(w, p + 64 * h + l);
                        IntVector c = u8(w, p + 64 * h + l + 32);
                        IntVector hb = u8(w, p + 128 + 32 * h + l);
                        long sc = p + 192 + 8 * h + l / 16;
                        int o = xOff + 256 * b + 128 * h + l;
                        for (int nh = 0; nh < 2; nh++) {
                            IntVector q1 = a.and(0xF).or(hb.and(3).lanewise(VectorOperators.LSHL, 4)).sub(32);
                            IntVector q2 = c.and(0xF).or(hb.and(0xC).lanewise(VectorOperators.LSHL, 2)).sub(32);
                            acc = f(q1).mul(xv(x, o + 64 * nh)).fma(bc(d * sc(w, sc + 4 * nh)), acc);
                            acc = f(q2).mul(xv(x, o + 64 * nh + 32)).fma(bc(d * sc(w, sc + 4 * nh + 2)), acc);
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


    // ---- dispatch: 512-bit kernels where the hardware has them (AVX-512), 256-bit ones otherwise ----

    static void q8_0(MemorySegment w, long off0, long rowBytes, int rows, float[] x, int xOff, int n, float[] out,
                     int outOff) {
        if (WIDE) {
            VecDotWide.q8_0w(w, off0, rowBytes, rows, x, xOff, n, out, outOff);
        } else {
            q8_0n(w, off0, rowBytes, rows, x, xOff, n, out, outOff);
        }
    }

    static void q4_0(MemorySegment w, long off0, long rowBytes, int rows, float[] x, int xOff, int n, float[] out,
                     int outOff) {
        if (WIDE) {
            VecDotWide.q4_0w(w, off0, rowBytes, rows, x, xOff, n, out, outOff);
        } else {
            q4_0n(w, off0, rowBytes, rows, x, xOff, n, out, outOff);
        }
    }

    static void q4_1(MemorySegment w, long off0, long rowBytes, int rows, float[] x, int xOff, int n, float[] sx,
                     float[] out, int outOff) {
        if (WIDE) {
            VecDotWide.q4_1w(w, off0, rowBytes, rows, x, xOff, n, sx, out, outOff);
        } else {
            q4_1n(w, off0, rowBytes, rows, x, xOff, n, sx, out, outOff);
        }
    }

    static void q4_k(MemorySegment w, long off0, long rowBytes, int rows, float[] x, int xOff, int n, float[] sx,
                     float[] out, int outOff) {
        if (WIDE) {
            VecDotWide.q4_kw(w, off0, rowBytes, rows, x, xOff, n, sx, out, outOff);
        } else {
            q4_kn(w, off0, rowBytes, rows, x, xOff, n, sx, out, outOff);
        }
    }

    static void q6_k(MemorySegment w, long off0, long rowBytes, int rows, float[] x, int xOff, int n, float[] out,
                     int outOff) {
        if (WIDE) {
            VecDotWide.q6_kw(w, off0, rowBytes, rows, x, xOff, n, out, outOff);
        } else {
            q6_kn(w, off0, rowBytes, rows, x, xOff, n, out, outOff);
        }
    }

    static int sc(MemorySegment w, long p) {
        return w.get(ValueLayout.JAVA_BYTE, p);
    }
}
