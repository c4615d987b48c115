package dev.wgllama.model;

/**
 * Receives named intermediates of the forward pass, for tests that compare them with a reference. Names:
 * {@code embd}; per layer {@code blk.N.} + {@code attn_norm}, {@code q}, {@code k}, {@code v} (after RoPE, QK
 * norm and temperature tuning), {@code attn} (heads concatenated), {@code attn_out} (after Wo), {@code ffn_norm},
 * {@code ffn_moe} (routed experts), {@code ffn_shexp}, {@code ffn_out}, {@code out} (the residual stream after
 * the layer); then {@code output_norm} and {@code logits}. Every value is an f32 matrix {@code [rows, cols]}.
 *
 * <p>Reading an intermediate forces a device sync, so the forward pass asks {@link #wants} first.
 */
public interface Trace {
    /** Whether {@link #accept} should receive this intermediate. */
    default boolean wants(String name) {
        return true;
    }

    /** One intermediate, row-major {@code [rows, cols]}; the array is the receiver's to keep. */
    void accept(String name, int rows, int cols, float[] values);
}
