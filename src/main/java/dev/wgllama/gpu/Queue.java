package dev.wgllama.gpu;

import static java.lang.foreign.ValueLayout.ADDRESS;

import dev.wgllama.gpu.ffi.Callbacks;
import dev.wgllama.gpu.ffi.Enums;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** The device's queue: writes, submits (each checked in an error scope) and synchronous reads. */
public final class Queue {
    private final Device device;
    private final MemorySegment handle;
    private static final long WRITE_DRAIN_BYTES = 256L << 20;
    private Buffer staging;
    private long submitCount;
    private long unflushedWriteBytes;

    Queue(Device device, MemorySegment handle) {
        this.device = device;
        this.handle = handle;
    }

    void writeBuffer(Buffer b, long offset, MemorySegment data) {
        b.checkRange(offset, data.byteSize(), "write");
        device.check();
        MemorySegment src = data;
        Arena tmp = null;
        if (!data.isNative()) {
            tmp = Arena.ofConfined();
            src = tmp.allocate(data.byteSize(), 16).copyFrom(data);
        }
        try {
            device.api.queueWriteBuffer(handle, b.handle(), offset, src, data.byteSize());
        } finally {
            if (tmp != null) {
                tmp.close();
            }
        }
        // Dawn stages written bytes in host memory until the queue next runs; uploading a whole model without a
        // pause would hold all of it at once. Drain every 256 MiB.
        unflushedWriteBytes += data.byteSize();
        if (unflushedWriteBytes > WRITE_DRAIN_BYTES) {
            awaitIdle();
        }
    }

    /** Command buffers submitted through this queue so far (one per submit call). */
    public long submitCount() {
        return submitCount;
    }

    /** Submits command buffers (consuming them); validation errors at submit throw here. */
    public void submit(CommandBuffer... buffers) {
        submitCount++;
        device.scoped("submitting " + buffers.length + " command buffer(s) to '" + device.label() + "'", a -> {
            MemorySegment list = a.allocate(ADDRESS, buffers.length);
            for (int i = 0; i < buffers.length; i++) {
                list.setAtIndex(ADDRESS, i, buffers[i].take());
            }
            device.api.queueSubmit(handle, buffers.length, list);
            for (int i = 0; i < buffers.length; i++) {
                device.api.commandBufferRelease(list.getAtIndex(ADDRESS, i));
            }
            return Boolean.TRUE;
        }, x -> { }, null);
    }

    /** Blocks until all submitted work has finished; device loss or errors throw. */
    public void awaitIdle() {
        unflushedWriteBytes = 0;
        final int[] status = {0};
        MemorySegment token = Callbacks.register((Callbacks.WorkDone) s -> status[0] = s);
        try (Arena a = Arena.ofConfined()) {
            long f = device.api.queueOnSubmittedWorkDone(handle, device.gpu.callbackInfo(a, Callbacks.WORK_DONE,
                    token));
            device.gpu.await(f, "queue of '" + device.label() + "' to finish");
        } finally {
            Callbacks.unregister(token);
        }
        device.check();
        if (status[0] != Enums.ASYNC_SUCCESS) {
            throw new GpuException("queue of device '" + device.label() + "' failed (work-done status " + status[0]
                    + ")");
        }
    }

    /** Copies a range of {@code src} into a heap segment through a reused MAP_READ staging buffer. */
    MemorySegment read(Buffer src, long offset, long bytes) {
        src.checkRange(offset, bytes, "read");
        if (!src.has(Buffer.Usage.COPY_SRC)) {
            throw new IllegalArgumentException("buffer '" + src.label() + "' lacks COPY_SRC usage; cannot read it");
        }
        if (bytes == 0) {
            return MemorySegment.ofArray(new byte[0]);
        }
        if (staging == null || staging.size() < bytes) {
            if (staging != null) {
                staging.close();
            }
            staging = device.createBuffer(device.label() + " readback staging", Math.max(bytes, 256),
                    Buffer.Usage.MAP_READ, Buffer.Usage.COPY_DST);
        }
        try (CommandEncoder enc = device.createCommandEncoder("readback of '" + src.label() + "'")) {
            enc.copyBufferToBuffer(src, offset, staging, 0, bytes);
            submit(enc.finish("readback of '" + src.label() + "'"));
        }
        return mapRead(staging, bytes, "the readback of '" + src.label() + "'");
    }

    /**
     * Maps the first {@code bytes} of a MAP_READ buffer (filled by submitted work), copies them to the heap and
     * unmaps it. Waits for the work that writes it.
     */
    MemorySegment mapRead(Buffer b, long bytes, String what) {
        if (!b.has(Buffer.Usage.MAP_READ)) {
            throw new IllegalArgumentException("buffer '" + b.label() + "' lacks MAP_READ usage");
        }
        b.checkRange(0, bytes, "map");
        final int[] status = {0};
        final String[] message = {""};
        MemorySegment token = Callbacks.register((Callbacks.BufferMap) (s, m) -> {
            status[0] = s;
            message[0] = m;
        });
        try (Arena a = Arena.ofConfined()) {
            long f = device.api.bufferMapAsync(b.handle(), Enums.MAP_MODE_READ, 0, bytes,
                    device.gpu.callbackInfo(a, Callbacks.MAP, token));
            device.gpu.await(f, "mapping " + what);
        } finally {
            Callbacks.unregister(token);
        }
        device.check();
        if (status[0] != Enums.ASYNC_SUCCESS) {
            throw new GpuException("mapping " + what + " failed (status " + status[0] + "): " + message[0]);
        }
        try {
            MemorySegment mapped = device.api.bufferGetConstMappedRange(b.handle(), 0, bytes);
            if (mapped.equals(MemorySegment.NULL)) {
                throw new GpuException("wgpuBufferGetConstMappedRange returned NULL for " + what);
            }
            byte[] out = new byte[Math.toIntExact(bytes)];
            MemorySegment.copy(mapped.reinterpret(bytes), java.lang.foreign.ValueLayout.JAVA_BYTE, 0, out, 0,
                    out.length);
            return MemorySegment.ofArray(out);
        } finally {
            device.api.bufferUnmap(b.handle());
        }
    }

    void release() {
        if (staging != null) {
            staging.close();
            staging = null;
        }
        device.api.queueRelease(handle);
    }
}
