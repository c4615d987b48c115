package dev.wgllama.gpu;

import java.lang.foreign.MemorySegment;

/** A finished command buffer; {@link Queue#submit} consumes it (a command buffer runs once). */
public final class CommandBuffer implements AutoCloseable {
    private final Device device;
    private MemorySegment handle;
    private final String label;

    CommandBuffer(Device device, MemorySegment handle, String label) {
        this.device = device;
        this.handle = handle;
        this.label = label;
    }

    MemorySegment take() {
        if (handle.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("command buffer '" + label + "' was already submitted");
        }
        MemorySegment h = handle;
        handle = MemorySegment.NULL;
        return h;
    }

    @Override
    public void close() {
        if (!handle.equals(MemorySegment.NULL)) {
            device.api.commandBufferRelease(handle);
            handle = MemorySegment.NULL;
        }
    }
}
