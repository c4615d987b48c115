package dev.wgllama.backend;

/**
 * The length bookkeeping every {@link KvCache} shares; backends add only where the keys and values live.
 */
public abstract class KvCacheBase implements KvCache {
    private final int layers;
    private final int kvDim;
    private final int capacity;
    private int length;

    protected KvCacheBase(int layers, int kvDim, int capacity) {
        if (layers <= 0 || kvDim <= 0 || capacity <= 0) {
            throw new IllegalArgumentException("KV cache needs positive layers, width and capacity, got " + layers
                    + ", " + kvDim + ", " + capacity);
        }
        this.layers = layers;
        this.kvDim = kvDim;
        this.capacity = capacity;
    }

    @Override
    public final int layers() {
        return layers;
    }

    @Override
    public final int kvDim() {
        return kvDim;
    }

    @Override
    public final int capacity() {
        return capacity;
    }

    @Override
    public final int length() {
        return length;
    }

    @Override
    public final void truncate(int newLength) {
        if (newLength < 0 || newLength > length) {
            throw new IllegalArgumentException("cannot truncate a KV cache of " + length + " positions to "
                    + newLength);
        }
        length = newLength;
    }

    @Override
    public final void extend(int newLength) {
        if (newLength < length || newLength > capacity) {
            throw new IllegalArgumentException("cannot extend a KV cache of " + length + " positions to " + newLength
                    + " (capacity " + capacity + ")");
        }
        length = newLength;
    }
}
