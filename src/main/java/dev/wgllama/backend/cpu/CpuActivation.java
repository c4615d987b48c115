package dev.wgllama.backend.cpu;

import dev.wgllama.backend.Activation;

/** A heap f32 matrix {@code [rows, cols]}, row-major. */
final class CpuActivation implements Activation {
    final float[] data;
    private final int rows;
    private final int cols;
    private final String label;

    CpuActivation(String label, int rows, int cols) {
        if (rows <= 0 || cols <= 0 || (long) rows * cols > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("activation '" + label + "' of " + rows + " x " + cols
                    + " is empty or too large for the CPU backend");
        }
        this.rows = rows;
        this.cols = cols;
        this.label = label;
        this.data = new float[rows * cols];
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public int cols() {
        return cols;
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public void close() {
        // heap memory: the garbage collector frees it
    }

    @Override
    public String toString() {
        return label + "[" + rows + ", " + cols + "]";
    }
}
