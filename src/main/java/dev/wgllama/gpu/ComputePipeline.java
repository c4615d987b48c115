package dev.wgllama.gpu;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.wgllama.gpu.ffi.Enums;
import dev.wgllama.gpu.ffi.Structs;
import dev.wgllama.gpu.ffi.WebGpu;
import java.lang.foreign.MemorySegment;
import java.util.List;

/** A compute pipeline with an explicit one-group layout (group 0, bindings 0..n-1). */
public final class ComputePipeline implements AutoCloseable {
    /** Kind of one binding of group 0. */
    public enum Binding {
        UNIFORM(Enums.BUFFER_BINDING_UNIFORM), STORAGE(Enums.BUFFER_BINDING_STORAGE),
        READ_ONLY_STORAGE(Enums.BUFFER_BINDING_READ_ONLY_STORAGE);
        final int code;

        Binding(int code) {
            this.code = code;
        }
    }

    private final Device device;
    MemorySegment handle;
    MemorySegment groupLayout;
    private MemorySegment pipelineLayout;
    private final String label;
    private final List<Binding> bindings;

    private ComputePipeline(Device device, String label, List<Binding> bindings) {
        this.device = device;
        this.label = label;
        this.bindings = List.copyOf(bindings);
    }

    static ComputePipeline create(Device device, String label, ShaderModule module, String entryPoint,
                                  List<Binding> bindings) {
        WebGpu api = device.api;
        ComputePipeline p = new ComputePipeline(device, label, bindings);
        p.groupLayout = device.scoped("creating bind group layout of pipeline '" + label + "'", a -> {
            long stride = Structs.BIND_GROUP_LAYOUT_ENTRY.byteSize();
            MemorySegment entries = a.allocate(Structs.BIND_GROUP_LAYOUT_ENTRY, Math.max(1, bindings.size()));
            for (int i = 0; i < bindings.size(); i++) {
                MemorySegment e = entries.asSlice(i * stride, stride);
                e.set(JAVA_INT, Structs.offset(Structs.BIND_GROUP_LAYOUT_ENTRY, "binding"), i);
                e.set(JAVA_LONG, Structs.offset(Structs.BIND_GROUP_LAYOUT_ENTRY, "visibility"),
                        Enums.SHADER_STAGE_COMPUTE);
                e.set(JAVA_INT, Structs.offset(Structs.BIND_GROUP_LAYOUT_ENTRY, "buffer", "type"),
                        bindings.get(i).code);
            }
            MemorySegment d = a.allocate(Structs.BIND_GROUP_LAYOUT_DESCRIPTOR);
            Structs.putString(d, Structs.offset(Structs.BIND_GROUP_LAYOUT_DESCRIPTOR, "label"), label + " group 0", a);
            d.set(JAVA_LONG, Structs.offset(Structs.BIND_GROUP_LAYOUT_DESCRIPTOR, "entryCount"), bindings.size());
            d.set(ADDRESS, Structs.offset(Structs.BIND_GROUP_LAYOUT_DESCRIPTOR, "entries"), entries);
            return api.deviceCreateBindGroupLayout(device.handle, d);
        }, api::bindGroupLayoutRelease, null);
        try {
            p.pipelineLayout = device.scoped("creating pipeline layout of '" + label + "'", a -> {
                MemorySegment layouts = a.allocate(ADDRESS, 1);
                layouts.set(ADDRESS, 0, p.groupLayout);
                MemorySegment d = a.allocate(Structs.PIPELINE_LAYOUT_DESCRIPTOR);
                Structs.putString(d, Structs.offset(Structs.PIPELINE_LAYOUT_DESCRIPTOR, "label"), label + " layout",
                        a);
                d.set(JAVA_LONG, Structs.offset(Structs.PIPELINE_LAYOUT_DESCRIPTOR, "bindGroupLayoutCount"), 1);
                d.set(ADDRESS, Structs.offset(Structs.PIPELINE_LAYOUT_DESCRIPTOR, "bindGroupLayouts"), layouts);
                return api.deviceCreatePipelineLayout(device.handle, d);
            }, api::pipelineLayoutRelease, null);
            p.handle = device.scoped("creating compute pipeline '" + label + "' (entry point " + entryPoint
                    + " of shader '" + module.label() + "')", a -> {
                MemorySegment d = a.allocate(Structs.COMPUTE_PIPELINE_DESCRIPTOR);
                Structs.putString(d, Structs.offset(Structs.COMPUTE_PIPELINE_DESCRIPTOR, "label"), label, a);
                d.set(ADDRESS, Structs.offset(Structs.COMPUTE_PIPELINE_DESCRIPTOR, "layout"), p.pipelineLayout);
                long cs = Structs.offset(Structs.COMPUTE_PIPELINE_DESCRIPTOR, "compute");
                d.set(ADDRESS, cs + Structs.offset(Structs.COMPUTE_STATE, "module"), module.handle);
                Structs.putString(d, cs + Structs.offset(Structs.COMPUTE_STATE, "entryPoint"), entryPoint, a);
                return api.deviceCreateComputePipeline(device.handle, d);
            }, api::computePipelineRelease, null);
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
        return p;
    }

    public String label() {
        return label;
    }

    public List<Binding> bindings() {
        return bindings;
    }

    @Override
    public void close() {
        WebGpu api = device.api;
        if (handle != null && !handle.equals(MemorySegment.NULL)) {
            api.computePipelineRelease(handle);
        }
        if (pipelineLayout != null && !pipelineLayout.equals(MemorySegment.NULL)) {
            api.pipelineLayoutRelease(pipelineLayout);
        }
        if (groupLayout != null && !groupLayout.equals(MemorySegment.NULL)) {
            api.bindGroupLayoutRelease(groupLayout);
        }
        handle = pipelineLayout = groupLayout = MemorySegment.NULL;
    }
}
