package dev.wgllama.backend.webgpu;

import dev.wgllama.backend.Activation;
import dev.wgllama.gpu.Buffer;

/** An activation in one GPU storage buffer, row-major f32 [rows, cols]. */
final class GpuActivation implements Activation {
    final WebGpuBackend backend;
    final Buffer buffer;
    private final int rows;
    private final int cols;
    private final String label;
    private boolean closed;

    GpuActivation(WebGpuBackend backend, Buffer buffer, int rows, int cols, String label) {
        this.backend = backend;
        this.buffer = buffer;
        this.rows = rows;
        this.cols = cols;
        this.label = label;
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

    long bytes() {
        return 4L * rows * cols;
    }

    boolean closed() {
        return closed;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            backend.release(buffer);
        }
    }
}
