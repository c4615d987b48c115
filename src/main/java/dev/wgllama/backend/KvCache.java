package dev.wgllama.backend;

/**
 * The keys and values of every layer for positions {@code [0, length())}, owned by a backend (f32 on the CPU).
 * A cache is sized once for {@link #capacity()} positions and reused across sessions: {@link #reset()} forgets
 * everything, {@link #truncate(int)} keeps a shared prefix (prompt caching).
 *
 * <p>Layout per layer: K and V rows of {@code kvHeads * headDim} values, one row per position.
 */
public interface KvCache extends AutoCloseable {
    /** Layers held. */
    int layers();

    /** Width of one K (or V) row: kvHeads * headDim. */
    int kvDim();

    /** Positions it can hold (the context length it was made for). */
    int capacity();

    /** Positions whose K and V are written in every layer. */
    int length();

    /**
     * Forgets positions {@code >= length}, keeping the prefix.
     *
     * @throws IllegalArgumentException if {@code length} is negative or beyond the current length
     */
    void truncate(int length);

    /** Forgets every position. */
    default void reset() {
        truncate(0);
    }

    /**
     * Marks positions up to {@code newLength} as written; the forward pass calls it once every layer has stored
     * its K and V rows there ({@link Backend#attention}).
     *
     * @throws IllegalArgumentException if {@code newLength} is below the current length or beyond the capacity
     */
    void extend(int newLength);

    @Override
    void close();
}
