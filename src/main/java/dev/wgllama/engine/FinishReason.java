package dev.wgllama.engine;

/** Why a generation ended. */
public enum FinishReason {
    /** {@code maxTokens} reached (or the context is full). */
    LENGTH,
    /** An end-of-generation token (EOS, end of turn) was sampled and the request stops at those. */
    EOS,
    /** A stop string appeared in the text; the text ends before it. */
    STOP,
    /** {@link Session#cancel()} was called. */
    CANCELLED
}
