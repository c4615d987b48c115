package dev.wgllama.gpu;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.wgllama.gpu.ffi.Structs;
import java.lang.foreign.MemorySegment;
import java.util.List;

/** Buffers bound to group 0 of a pipeline's layout. */
public final class BindGroup implements AutoCloseable {
    /**
     * One binding: {@code size} bytes of {@code buffer} from {@code offset} (a multiple of the device's
     * minStorageBufferOffsetAlignment, 256 on most GPUs); size -1 means "to the end".
     */
    public record Entry(Buffer buffer, long offset, long size) {
        public static Entry of(Buffer buffer) {
            return new Entry(buffer, 0, -1);
        }
    }

    private final Device device;
    MemorySegment handle;
    private final String label;

    private BindGroup(Device device, MemorySegment handle, String label) {
        this.device = device;
        this.handle = handle;
        this.label = label;
    }

    static BindGroup create(Device device, String label, ComputePipeline pipeline, List<Entry> entries) {
        if (entries.size() != pipeline.bindings().size()) {
            throw new IllegalArgumentException("bind group '" + label + "' has " + entries.size()
                    + " entries but pipeline '" + pipeline.label() + "' declares " + pipeline.bindings().size());
        }
        long limit = device.limits().maxStorageBufferBindingSize();
        for (Entry e : entries) {
            long bytes = e.size() < 0 ? e.buffer().size() - e.offset() : e.size();
            if (Long.compareUnsigned(bytes, limit) > 0) {
                throw new GpuException("bind group '" + label + "': binding of buffer '" + e.buffer().label() + "' is "
                        + bytes + " bytes, over maxStorageBufferBindingSize " + limit + "; split it");
            }
        }
        MemorySegment h = device.scoped("creating bind group '" + label + "' for pipeline '" + pipeline.label() + "'",
                a -> {
                    long stride = Structs.BIND_GROUP_ENTRY.byteSize();
                    MemorySegment list = a.allocate(Structs.BIND_GROUP_ENTRY, entries.size());
                    for (int i = 0; i < entries.size(); i++) {
                        MemorySegment s = list.asSlice(i * stride, stride);
                        Entry e = entries.get(i);
                        s.set(JAVA_INT, Structs.offset(Structs.BIND_GROUP_ENTRY, "binding"), i);
                        s.set(ADDRESS, Structs.offset(Structs.BIND_GROUP_ENTRY, "buffer"), e.buffer().handle());
                        s.set(JAVA_LONG, Structs.offset(Structs.BIND_GROUP_ENTRY, "offset"), e.offset());
                        s.set(JAVA_LONG, Structs.offset(Structs.BIND_GROUP_ENTRY, "size"), e.size());
                    }
                    MemorySegment d = a.allocate(Structs.BIND_GROUP_DESCRIPTOR);
                    Structs.putString(d, Structs.offset(Structs.BIND_GROUP_DESCRIPTOR, "label"), label, a);
                    d.set(ADDRESS, Structs.offset(Structs.BIND_GROUP_DESCRIPTOR, "layout"), pipeline.groupLayout);
                    d.set(JAVA_LONG, Structs.offset(Structs.BIND_GROUP_DESCRIPTOR, "entryCount"), entries.size());
                    d.set(ADDRESS, Structs.offset(Structs.BIND_GROUP_DESCRIPTOR, "entries"), list);
                    return device.api.deviceCreateBindGroup(device.handle, d);
                }, device.api::bindGroupRelease, null);
        return new BindGroup(device, h, label);
    }

    public String label() {
        return label;
    }

    @Override
    public void close() {
        if (!handle.equals(MemorySegment.NULL)) {
            device.api.bindGroupRelease(handle);
            handle = MemorySegment.NULL;
        }
    }
}
