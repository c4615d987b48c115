package dev.wgllama.gpu;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.wgllama.gpu.ffi.Structs;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The limits the engine cares about (bytes, counts). A weight larger than {@link #maxStorageBufferBindingSize}
 * must be split over several bindings; workgroup arrays must fit {@link #maxComputeWorkgroupStorageSize}.
 */
public record Limits(long maxStorageBufferBindingSize, long maxBufferSize, long maxUniformBufferBindingSize,
                     int maxComputeWorkgroupStorageSize, int maxComputeInvocationsPerWorkgroup,
                     int maxComputeWorkgroupSizeX, int maxComputeWorkgroupsPerDimension,
                     int maxStorageBuffersPerShaderStage, int maxBindGroups, int maxBindingsPerBindGroup,
                     int minStorageBufferOffsetAlignment, int minUniformBufferOffsetAlignment) {

    static Limits read(MemorySegment s) {
        return new Limits(l(s, "maxStorageBufferBindingSize"), l(s, "maxBufferSize"),
                l(s, "maxUniformBufferBindingSize"), i(s, "maxComputeWorkgroupStorageSize"),
                i(s, "maxComputeInvocationsPerWorkgroup"), i(s, "maxComputeWorkgroupSizeX"),
                i(s, "maxComputeWorkgroupsPerDimension"), i(s, "maxStorageBuffersPerShaderStage"),
                i(s, "maxBindGroups"), i(s, "maxBindingsPerBindGroup"), i(s, "minStorageBufferOffsetAlignment"),
                i(s, "minUniformBufferOffsetAlignment"));
    }

    private static long l(MemorySegment s, String name) {
        return s.get(JAVA_LONG, Structs.offset(Structs.LIMITS, name));
    }

    private static int i(MemorySegment s, String name) {
        return s.get(JAVA_INT, Structs.offset(Structs.LIMITS, name));
    }

    /** Name → value, in declaration order, for listings. Unsigned values print as such. */
    public Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("maxStorageBufferBindingSize", Long.toUnsignedString(maxStorageBufferBindingSize));
        m.put("maxBufferSize", Long.toUnsignedString(maxBufferSize));
        m.put("maxUniformBufferBindingSize", Long.toUnsignedString(maxUniformBufferBindingSize));
        m.put("maxComputeWorkgroupStorageSize", Integer.toUnsignedString(maxComputeWorkgroupStorageSize));
        m.put("maxComputeInvocationsPerWorkgroup", Integer.toUnsignedString(maxComputeInvocationsPerWorkgroup));
        m.put("maxComputeWorkgroupSizeX", Integer.toUnsignedString(maxComputeWorkgroupSizeX));
        m.put("maxComputeWorkgroupsPerDimension", Integer.toUnsignedString(maxComputeWorkgroupsPerDimension));
        m.put("maxStorageBuffersPerShaderStage", Integer.toUnsignedString(maxStorageBuffersPerShaderStage));
        m.put("maxBindGroups", Integer.toUnsignedString(maxBindGroups));
        m.put("maxBindingsPerBindGroup", Integer.toUnsignedString(maxBindingsPerBindGroup));
        m.put("minStorageBufferOffsetAlignment", Integer.toUnsignedString(minStorageBufferOffsetAlignment));
        m.put("minUniformBufferOffsetAlignment", Integer.toUnsignedString(minUniformBufferOffsetAlignment));
        return m;
    }
}
