package dev.wgllama.quant;

import dev.wgllama.ModelFormatException;
import dev.wgllama.format.Tensor;
import java.lang.foreign.MemorySegment;

/** {@link RowMatrix} over one GGML tensor: row {@code r} starts at byte {@code r * rowBytes}. */
final class GgmlRows implements RowMatrix {
    /**
     * Batches at least this large decode each row once to f32 (vector decoder, about the cost of one dot) and
     * then dot it with every token; smaller ones dot the encoded row directly per token.
     */
    static final int DECODE_BATCH = 3;

    private final String name;
    private final QuantFormat fmt;
    private final MemorySegment data;
    private final long rows;
    private final int cols;
    private final long rowBytes;

    GgmlRows(GgmlWeight w) {
        Tensor t = w.tensor();
        this.name = t.name();
        try {
            this.fmt = Quants.of(t.type());
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException("tensor " + t.name() + ": " + e.getMessage());
        }
        long c = t.cols();
        if (c <= 0 || c > Integer.MAX_VALUE - 64 || c % fmt.blockSize() != 0) {
            throw new ModelFormatException("tensor " + t.name() + " " + t.shapeString() + " " + t.type()
                    + ": row length " + c + " must be a positive multiple of " + fmt.blockSize());
        }
        this.cols = (int) c;
        this.rows = t.rows();
        this.rowBytes = fmt.rowBytes(c);
        long want = Math.multiplyExact(rows, rowBytes);
        if (t.data().byteSize() != want) {
            throw new ModelFormatException("tensor " + t.name() + " " + t.shapeString() + " " + t.type() + ": expected "
                    + want + " bytes, data has " + t.data().byteSize());
        }
        this.data = t.data();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long rows() {
        return rows;
    }

    @Override
    public int cols() {
        return cols;
    }

    private void checkRow(long r) {
        if (r < 0 || r >= rows) {
            throw new IllegalArgumentException(name + ": row " + r + " outside [0, " + rows + ")");
        }
    }

    @Override
    public void dequantizeRow(long r, float[] dst, int off) {
        checkRow(r);
        if (off < 0 || off > dst.length - cols) {
            throw new IllegalArgumentException(name + ": array of length " + dst.length + " at " + off
                    + " has no room for " + cols + " values");
        }
        VecDecode.row(fmt.type(), data, r * rowBytes, dst, off, cols);   // bit-identical to the scalar decoder
    }

    @Override
    public float dot(long r, float[] x, int xOff) {
        checkRow(r);
        return fmt.dotFast(data, r * rowBytes, x, xOff, cols);
    }

    @Override
    public float dotReference(long r, float[] x, int xOff) {
        checkRow(r);
        return fmt.dot(data, r * rowBytes, x, xOff, cols);
    }

    @Override
    public void matVec(float[] x, int xOff, float[] out, int outOff, long rowFrom, long rowTo) {
        checkRange(x, xOff, out, outOff, rowFrom, rowTo);
        // One kernel per format holds the row loop too: each kernel is then larger than C2's inlining limit for
        // hot callees and compiles alone (several kernels inlined into one caller would exhaust the node budget,
        // leaving Vector-API calls un-inlined and boxed). Q4_1 and Q4_K take per-32 sums of x computed once.
        int rows = (int) (rowTo - rowFrom);
        long off = rowFrom * rowBytes;
        switch (fmt.type()) {
            case Q4_0 -> VecDotQuant.q4_0(data, off, rowBytes, rows, x, xOff, cols, out, outOff);
            case Q8_0 -> VecDotQuant.q8_0(data, off, rowBytes, rows, x, xOff, cols, out, outOff);
            case Q4_1 -> VecDotQuant.q4_1(data, off, rowBytes, rows, x, xOff, cols, VecDotQuant.sums32(x, xOff, cols),
                    out, outOff);
            case Q4_K -> VecDotQuant.q4_k(data, off, rowBytes, rows, x, xOff, cols, VecDotQuant.sums32(x, xOff, cols),
                    out, outOff);
            case Q6_K -> VecDotQuant.q6_k(data, off, rowBytes, rows, x, xOff, cols, out, outOff);
            default -> {
                for (long r = rowFrom; r < rowTo; r++) {
                    out[outOff + (int) (r - rowFrom)] = fmt.dotFast(data, r * rowBytes, x, xOff, cols);
                }
            }
        }
    }

    @Override
    public void matMul(float[][] xs, int xOff, float[][] outs, int outOff, long rowFrom, long rowTo) {
        if (xs.length != outs.length) {
            throw new IllegalArgumentException(name + ": " + xs.length + " activations but " + outs.length + " outputs");
        }
        for (int t = 0; t < xs.length; t++) {
            checkRange(xs[t], xOff, outs[t], outOff, rowFrom, rowTo);
        }
        if (xs.length < DECODE_BATCH) {
            for (long r = rowFrom; r < rowTo; r++) {
                for (int t = 0; t < xs.length; t++) {
                    outs[t][outOff + (int) (r - rowFrom)] = fmt.dotFast(data, r * rowBytes, xs[t], xOff, cols);
                }
            }
            return;
        }
        float[] row = new float[cols];
        float[] tmp = new float[4];
        for (long r = rowFrom; r < rowTo; r++) {
            VecDecode.row(fmt.type(), data, r * rowBytes, row, 0, cols);
            VecDotFloat.rowTimesTokens(row, xs, xOff, cols, outs, outOff + (int) (r - rowFrom), tmp);
        }
    }
}
