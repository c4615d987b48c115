package dev.wgllama.gpu;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.wgllama.gpu.ffi.Enums;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** A GPU buffer of {@link #size()} bytes. Writes go through the queue; reads copy through a staging buffer. */
public final class Buffer implements AutoCloseable {
    /** {@code WGPUBufferUsage} flags. */
    public enum Usage {
        MAP_READ(Enums.BUFFER_USAGE_MAP_READ), MAP_WRITE(Enums.BUFFER_USAGE_MAP_WRITE),
        COPY_SRC(Enums.BUFFER_USAGE_COPY_SRC), COPY_DST(Enums.BUFFER_USAGE_COPY_DST),
        UNIFORM(Enums.BUFFER_USAGE_UNIFORM), STORAGE(Enums.BUFFER_USAGE_STORAGE),
        INDIRECT(Enums.BUFFER_USAGE_INDIRECT), QUERY_RESOLVE(Enums.BUFFER_USAGE_QUERY_RESOLVE);
        final long bit;

        Usage(long bit) {
            this.bit = bit;
        }

        static long bits(Usage... usages) {
            long b = 0;
            for (Usage u : usages) {
                b |= u.bit;
            }
            return b;
        }
    }

    private final Device device;
    MemorySegment handle;
    private final String label;
    private final long size;
    private final long usage;

    Buffer(Device device, MemorySegment handle, String label, long size, long usage) {
        this.device = device;
        this.handle = handle;
        this.label = label;
        this.size = size;
        this.usage = usage;
    }

    public String label() {
        return label;
    }

    public long size() {
        return size;
    }

    public boolean has(Usage u) {
        return (usage & u.bit) != 0;
    }

    MemorySegment handle() {
        if (handle.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("buffer '" + label + "' is closed");
        }
        return handle;
    }

    void checkRange(long offset, long bytes, String what) {
        if (offset < 0 || bytes < 0 || offset % 4 != 0 || bytes % 4 != 0 || offset + bytes > size) {
            throw new IllegalArgumentException(what + " of buffer '" + label + "': range [" + offset + ", "
                    + (offset + bytes) + ") must be 4-byte aligned and inside its " + size + " bytes");
        }
    }

    /** Writes {@code data} (a multiple of 4 bytes) at byte {@code offset} (queued; ordered before later submits). */
    public void write(long offset, MemorySegment data) {
        device.queue().writeBuffer(this, offset, data);
    }

    public void write(long offset, float[] data) {
        try (Arena a = Arena.ofConfined()) {
            write(offset, a.allocateFrom(JAVA_FLOAT, data));
        }
    }

    public void write(long offset, int[] data) {
        try (Arena a = Arena.ofConfined()) {
            write(offset, a.allocateFrom(JAVA_INT, data));
        }
    }

    /** Writes raw bytes; a length that is not a multiple of 4 is zero-padded (the buffer must have room). */
    public void write(long offset, byte[] data) {
        long padded = (data.length + 3L) & ~3L;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(Math.max(4, padded));
            MemorySegment.copy(data, 0, s, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, data.length);
            write(offset, s.asSlice(0, padded));
        }
    }

    /** Copies {@code bytes} bytes from byte {@code offset} back to the host (waits for all queued work). */
    public byte[] readBytes(long offset, long bytes) {
        return device.queue().read(this, offset, bytes).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
    }

    /**
     * For a MAP_READ buffer that submitted work has filled (e.g. a copy recorded into the same command buffer as
     * the kernels): maps its first {@code bytes}, copies them out and unmaps. No extra submit.
     */
    public byte[] mapReadBytes(long bytes) {
        return device.queue().mapRead(this, bytes, "buffer '" + label + "'").toArray(
                java.lang.foreign.ValueLayout.JAVA_BYTE);
    }

    public float[] readFloats(long offset, int count) {
        return device.queue().read(this, offset, 4L * count).toArray(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED);
    }

    public int[] readInts(long offset, int count) {
        return device.queue().read(this, offset, 4L * count).toArray(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED);
    }

    @Override
    public void close() {
        if (!handle.equals(MemorySegment.NULL)) {
            device.api.bufferDestroy(handle);
            device.api.bufferRelease(handle);
            handle = MemorySegment.NULL;
        }
    }

    @Override
    public String toString() {
        return "Buffer[" + label + ", " + size + " bytes]";
    }
}
