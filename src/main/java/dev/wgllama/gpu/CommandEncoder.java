package dev.wgllama.gpu;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.wgllama.gpu.ffi.Structs;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Records passes and copies into one command buffer. Encoding errors are deferred by WebGPU to
 * {@link #finish}, which checks them in an error scope and names this encoder's label.
 */
public final class CommandEncoder implements AutoCloseable {
    private final Device device;
    private MemorySegment handle;
    private final String label;

    CommandEncoder(Device device, MemorySegment handle, String label) {
        this.device = device;
        this.handle = handle;
        this.label = label;
    }

    private MemorySegment handle() {
        if (handle.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("command encoder '" + label + "' is finished or closed");
        }
        return handle;
    }

    /** Begins a compute pass; end it with {@link ComputePass#end()} (or close) before anything else. */
    public ComputePass beginComputePass(String passLabel) {
        return beginComputePass(passLabel, null, 0, 0);
    }

    /** Begins a compute pass writing GPU timestamps at its start and end into {@code timestamps}. */
    public ComputePass beginComputePass(String passLabel, QuerySet timestamps, int beginIndex, int endIndex) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment d = a.allocate(Structs.COMPUTE_PASS_DESCRIPTOR);
            Structs.putString(d, Structs.offset(Structs.COMPUTE_PASS_DESCRIPTOR, "label"), passLabel, a);
            if (timestamps != null) {
                MemorySegment tw = a.allocate(Structs.PASS_TIMESTAMP_WRITES);
                tw.set(ADDRESS, Structs.offset(Structs.PASS_TIMESTAMP_WRITES, "querySet"), timestamps.handle);
                tw.set(JAVA_INT, Structs.offset(Structs.PASS_TIMESTAMP_WRITES, "beginningOfPassWriteIndex"),
                        beginIndex);
                tw.set(JAVA_INT, Structs.offset(Structs.PASS_TIMESTAMP_WRITES, "endOfPassWriteIndex"), endIndex);
                d.set(ADDRESS, Structs.offset(Structs.COMPUTE_PASS_DESCRIPTOR, "timestampWrites"), tw);
            }
            return new ComputePass(device, device.api.commandEncoderBeginComputePass(handle(), d), passLabel);
        }
    }

    public void copyBufferToBuffer(Buffer src, long srcOffset, Buffer dst, long dstOffset, long bytes) {
        src.checkRange(srcOffset, bytes, "copy source");
        dst.checkRange(dstOffset, bytes, "copy destination");
        device.api.commandEncoderCopyBufferToBuffer(handle(), src.handle(), srcOffset, dst.handle(), dstOffset, bytes);
    }

    public void clearBuffer(Buffer b, long offset, long bytes) {
        b.checkRange(offset, bytes, "clear");
        device.api.commandEncoderClearBuffer(handle(), b.handle(), offset, bytes);
    }

    /** Copies {@code count} resolved timestamps (u64 nanoseconds) into {@code dst} at {@code dstOffset}. */
    public void resolveQuerySet(QuerySet q, int first, int count, Buffer dst, long dstOffset) {
        device.api.commandEncoderResolveQuerySet(handle(), q.handle, first, count, dst.handle(), dstOffset);
    }

    /** Ends recording; validation errors of everything recorded throw here. */
    public CommandBuffer finish(String bufferLabel) {
        MemorySegment enc = handle();
        MemorySegment cb = device.scoped("finishing command encoder '" + label + "'", a -> {
            MemorySegment d = a.allocate(Structs.LABELLED_DESCRIPTOR);
            Structs.putString(d, Structs.offset(Structs.LABELLED_DESCRIPTOR, "label"), bufferLabel, a);
            return device.api.commandEncoderFinish(enc, d);
        }, device.api::commandBufferRelease, null);
        return new CommandBuffer(device, cb, bufferLabel);
    }

    @Override
    public void close() {
        if (!handle.equals(MemorySegment.NULL)) {
            device.api.commandEncoderRelease(handle);
            handle = MemorySegment.NULL;
        }
    }
}
