package dev.wgllama.backend.webgpu;

import dev.wgllama.gpu.Buffer;

/**
 * The per-step uniform shared by RoPE and attention: {@code pos} (0-based position of the token) and
 * {@code seq_len = pos + 1}. Written once per step before submitting, so recorded dispatches stay valid.
 */
public final class StepBuffer implements AutoCloseable {
    private final Buffer buffer;

    public StepBuffer(Kernels k, String label) {
        this.buffer = k.uniform(label, 0, 1, 0, 0);
    }

    public Buffer buffer() {
        return buffer;
    }

    /** Sets the position for the next submitted step (queued write). */
    public void set(int pos) {
        if (pos < 0) {
            throw new IllegalArgumentException("position must be >= 0, got " + pos);
        }
        buffer.write(0, new int[] {pos, pos + 1, 0, 0});
    }

    @Override
    public void close() {
        buffer.close();
    }
}
