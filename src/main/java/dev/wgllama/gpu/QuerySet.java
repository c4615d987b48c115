package dev.wgllama.gpu;

import java.lang.foreign.MemorySegment;

/** A set of GPU timestamp queries (resolved to u64 nanoseconds with {@link CommandEncoder#resolveQuerySet}). */
public final class QuerySet implements AutoCloseable {
    private final Device device;
    MemorySegment handle;
    private final String label;
    private final int count;

    QuerySet(Device device, MemorySegment handle, String label, int count) {
        this.device = device;
        this.handle = handle;
        this.label = label;
        this.count = count;
    }

    public String label() {
        return label;
    }

    public int count() {
        return count;
    }

    @Override
    public void close() {
        if (!handle.equals(MemorySegment.NULL)) {
            device.api.querySetDestroy(handle);
            device.api.querySetRelease(handle);
            handle = MemorySegment.NULL;
        }
    }
}
