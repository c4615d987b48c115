package dev.wgllama.quant;

import java.util.Random;

/** Test rows in several distributions that stress the quantizers' edge cases. */
final class QuantData {
    private QuantData() {
    }

    static final int KINDS = 10;

    /** Fills {@code row} with distribution {@code kind} (0..KINDS-1). */
    static void fill(float[] row, int kind, Random rnd) {
        int n = row.length;
        switch (kind) {
            case 0 -> { // normal
                for (int i = 0; i < n; i++) row[i] = (float) rnd.nextGaussian();
            }
            case 1 -> { // uniform
                for (int i = 0; i < n; i++) row[i] = rnd.nextFloat() * 2 - 1;
            }
            case 2 -> { // normal with 30% exact zeros
                for (int i = 0; i < n; i++) row[i] = rnd.nextFloat() < 0.3f ? 0f : (float) rnd.nextGaussian() * 0.02f;
            }
            case 3 -> java.util.Arrays.fill(row, 0f); // all zero: d = 0 must give zero codes
            case 4 -> { // ties: with a max of -8 (Q4_0: d=1) or 127 (Q8_0: d=1) every x*id+8.5 / x*id is k+0.5
                for (int i = 0; i < n; i++) {
                    row[i] = (i % 32 == 0) ? -8f : (i % 32 == 1 ? 127f : rnd.nextInt(-16, 16) + 0.5f);
                }
            }
            case 5 -> { // a single huge outlier per 32 values, otherwise small
                for (int i = 0; i < n; i++) {
                    row[i] = i % 32 == 7 ? (rnd.nextBoolean() ? 3.0e4f : -3.0e4f) : (float) rnd.nextGaussian() * 1e-3f;
                }
            }
            case 6 -> { // negative extremes, log-uniform magnitudes
                for (int i = 0; i < n; i++) row[i] = -(float) Math.pow(10, rnd.nextDouble() * 8 - 4);
            }
            case 7 -> { // f32 and f16 subnormals (1/d overflows, d rounds to 0 in f16)
                for (int i = 0; i < n; i++) {
                    row[i] = (float) rnd.nextGaussian() * ((i / 32) % 2 == 0 ? 1e-40f : 1e-6f);
                }
            }
            case 8 -> { // wide dynamic range
                for (int i = 0; i < n; i++) row[i] = (float) (rnd.nextGaussian() * Math.exp(rnd.nextGaussian() * 3));
            }
            default -> { // small integers and exact midpoints between f16 values
                for (int i = 0; i < n; i++) {
                    row[i] = i % 2 == 0 ? rnd.nextInt(-20, 20) : 1f + (2 * rnd.nextInt(1024) + 1) * 0x1p-11f;
                }
            }
        }
    }

    static float[] rows(int nrows, int ncols, long seed) {
        Random rnd = new Random(seed);
        float[] all = new float[nrows * ncols];
        float[] row = new float[ncols];
        for (int r = 0; r < nrows; r++) {
            fill(row, r % KINDS, rnd);
            System.arraycopy(row, 0, all, r * ncols, ncols);
        }
        return all;
    }
}
