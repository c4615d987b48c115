package dev.wgllama.quant;

import dev.wgllama.ModelFormatException;

/**
 * {@link RowMatrix} over a block-group weight. Static specs dot with f32 activations; dynamic specs quantize
 * each activation once per call to int8 per block and accumulate integer products per block.
 */
final class BlockGroupRows implements RowMatrix {
    private final BlockGroupWeight w;
    private final BlockGroupSpec spec;
    private final long rows;
    private final int cols;

    BlockGroupRows(BlockGroupWeight w) {
        this.w = w;
        this.spec = w.spec();
        long[] shape = w.shape();
        String what = "block-group weight " + w.name() + " " + java.util.Arrays.toString(shape) + " " + spec.name();
        if (shape.length == 0) {
            throw new ModelFormatException(what + ": no dimensions");
        }
        long c = w.cols();
        if (c <= 0 || c > Integer.MAX_VALUE - 64 || c % spec.groupSize() != 0) {
            throw new ModelFormatException(what + ": row length " + c + " must be a positive multiple of groupSize "
                    + spec.groupSize());
        }
        this.cols = (int) c;
        this.rows = w.rows();
        expect(what, ".bg.codes", w.codes().byteSize(), BlockGroup.codesBytes(spec, rows, c));
        expect(what, ".bg.scales", w.scales().byteSize(), BlockGroup.scalesBytes(spec, rows, c));
        if (spec.zeroPoints()) {
            if (w.zeros() == null) {
                throw new ModelFormatException(what + ": " + spec.format() + " needs a .bg.zeros tensor");
            }
            expect(what, ".bg.zeros", w.zeros().byteSize(), BlockGroup.zerosBytes(spec, rows, c));
        }
    }

    private static void expect(String what, String part, long have, long want) {
        if (have != want) {
            throw new ModelFormatException(what + ": " + part + " has " + have + " bytes, expected " + want);
        }
    }

    @Override
    public String name() {
        return w.name();
    }

    @Override
    public long rows() {
        return rows;
    }

    @Override
    public int cols() {
        return cols;
    }

    private void checkRow(long r, float[] x, int xOff) {
        if (r < 0 || r >= rows) {
            throw new IllegalArgumentException(w.name() + ": row " + r + " outside [0, " + rows + ")");
        }
        if (xOff < 0 || xOff > x.length - cols) {
            throw new IllegalArgumentException(w.name() + ": array of length " + x.length + " at " + xOff
                    + " has no room for " + cols + " values");
        }
    }

    @Override
    public void dequantizeRow(long r, float[] dst, int off) {
        checkRow(r, dst, off);
        BlockGroup.dequantizeRow(w, r, dst, off);
    }

    /** The activation in the form the kernels take: int8 blocks (dynamic), nibble order (4-bit) or as is. */
    private Object prepare(float[] x, int xOff) {
        if (spec.dynamic()) {
            return BlockGroupVec.quantizeX(spec, x, xOff, cols);
        }
        if (spec.bits() == 4) {
            return BlockGroupVec.permute4(x, xOff, cols, new float[cols]);
        }
        if (xOff == 0) {
            return x;
        }
        return java.util.Arrays.copyOfRange(x, xOff, xOff + cols);
    }

    private float dotPrepared(long r, Object xp) {
        return xp instanceof BlockGroupVec.DynamicX d ? BlockGroupVec.dotDynamic(w, r, d)
                : BlockGroupVec.dot(w, r, (float[]) xp);
    }

    @Override
    public float dot(long r, float[] x, int xOff) {
        checkRow(r, x, xOff);
        return dotPrepared(r, prepare(x, xOff));
    }

    @Override
    public float dotReference(long r, float[] x, int xOff) {
        checkRow(r, x, xOff);
        if (spec.dynamic()) {
            return BlockGroupVec.dotDynamicScalar(w, r, BlockGroupVec.quantizeX(spec, x, xOff, cols));
        }
        return BlockGroup.dot(w, r, x, xOff);
    }

    @Override
    public void matVec(float[] x, int xOff, float[] out, int outOff, long rowFrom, long rowTo) {
        checkRange(x, xOff, out, outOff, rowFrom, rowTo);
        Object xp = prepare(x, xOff);
        for (long r = rowFrom; r < rowTo; r++) {
            out[outOff + (int) (r - rowFrom)] = dotPrepared(r, xp);
        }
    }

    @Override
    public void matMul(float[][] xs, int xOff, float[][] outs, int outOff, long rowFrom, long rowTo) {
        if (xs.length != outs.length) {
            throw new IllegalArgumentException(w.name() + ": " + xs.length + " activations but " + outs.length
                    + " outputs");
        }
        for (int t = 0; t < xs.length; t++) {
            checkRange(xs[t], xOff, outs[t], outOff, rowFrom, rowTo);
        }
        Object[] xp = new Object[xs.length];
        for (int t = 0; t < xs.length; t++) {
            xp[t] = prepare(xs[t], xOff);
        }
        if (!spec.dynamic() && xs.length >= GgmlRows.DECODE_BATCH) {
            // Decode each row once (in kernel order, matching the prepared activations), then f32 dots per token.
            float[] row = new float[cols];
            float[] tmp = new float[4];
            float[][] xf = new float[xs.length][];
            for (int t = 0; t < xs.length; t++) {
                xf[t] = (float[]) xp[t];
            }
            for (long r = rowFrom; r < rowTo; r++) {
                BlockGroupVec.decodeRow(w, r, row);
                VecDotFloat.rowTimesTokens(row, xf, 0, cols, outs, outOff + (int) (r - rowFrom), tmp);
            }
            return;
        }
        for (long r = rowFrom; r < rowTo; r++) {
            for (int t = 0; t < xs.length; t++) {
                outs[t][outOff + (int) (r - rowFrom)] = dotPrepared(r, xp[t]);
            }
        }
    }
}
