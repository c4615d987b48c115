package dev.wgllama.gpu.ffi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemoryLayout;
import org.junit.jupiter.api.Test;

/**
 * Pins the FFM layouts to the C layout. Expected numbers were printed by gcc (x86-64) with sizeof/offsetof on the
 * header the library was built from, and re-derived by hand from the System V rules (8-byte pointers, size_t and
 * u64 aligned to 8; 4-byte enums): a wrong pad or field order shows up here, not as corrupt GPU calls.
 */
class StructsTest {
    private static void size(long expected, MemoryLayout l) {
        assertEquals(expected, l.byteSize(), l.toString());
    }

    private static void at(long expected, MemoryLayout l, String... path) {
        assertEquals(expected, Structs.offset(l, path), String.join(".", path));
    }

    @Test
    void basicStructs() {
        size(16, Structs.STRING_VIEW);
        size(16, Structs.CHAINED_STRUCT);
        size(40, Structs.CALLBACK_INFO);
        at(8, Structs.CALLBACK_INFO, "mode");
        at(16, Structs.CALLBACK_INFO, "callback");
        at(24, Structs.CALLBACK_INFO, "userdata1");
        size(32, Structs.UNCAPTURED_ERROR_CALLBACK_INFO);
        size(16, Structs.FUTURE_WAIT_INFO);
        at(8, Structs.FUTURE_WAIT_INFO, "completed");
        size(32, Structs.INSTANCE_DESCRIPTOR);
        size(32, Structs.REQUEST_ADAPTER_OPTIONS);
        at(12, Structs.REQUEST_ADAPTER_OPTIONS, "powerPreference");
        at(20, Structs.REQUEST_ADAPTER_OPTIONS, "backendType");
        size(16, Structs.SUPPORTED_FEATURES);
    }

    @Test
    void limitsAndAdapterInfo() {
        size(168, Structs.LIMITS);
        at(64, Structs.LIMITS, "maxUniformBufferBindingSize");
        at(72, Structs.LIMITS, "maxStorageBufferBindingSize");
        at(84, Structs.LIMITS, "minStorageBufferOffsetAlignment");
        at(96, Structs.LIMITS, "maxBufferSize");
        at(124, Structs.LIMITS, "maxComputeWorkgroupStorageSize");
        at(128, Structs.LIMITS, "maxComputeInvocationsPerWorkgroup");
        at(144, Structs.LIMITS, "maxComputeWorkgroupsPerDimension");
        at(148, Structs.LIMITS, "maxImmediateSize");
        size(96, Structs.ADAPTER_INFO);
        at(40, Structs.ADAPTER_INFO, "device");
        at(72, Structs.ADAPTER_INFO, "backendType");
        at(76, Structs.ADAPTER_INFO, "adapterType");
        at(92, Structs.ADAPTER_INFO, "subgroupMaxSize");
    }

    @Test
    void deviceAndBufferDescriptors() {
        size(144, Structs.DEVICE_DESCRIPTOR);
        at(24, Structs.DEVICE_DESCRIPTOR, "requiredFeatureCount");
        at(40, Structs.DEVICE_DESCRIPTOR, "requiredLimits");
        at(48, Structs.DEVICE_DESCRIPTOR, "defaultQueue");
        at(72, Structs.DEVICE_DESCRIPTOR, "deviceLostCallbackInfo");
        at(112, Structs.DEVICE_DESCRIPTOR, "uncapturedErrorCallbackInfo");
        size(48, Structs.BUFFER_DESCRIPTOR);
        at(24, Structs.BUFFER_DESCRIPTOR, "usage");
        at(32, Structs.BUFFER_DESCRIPTOR, "size");
        at(40, Structs.BUFFER_DESCRIPTOR, "mappedAtCreation");
        size(24, Structs.LABELLED_DESCRIPTOR);
        size(32, Structs.QUERY_SET_DESCRIPTOR);
    }

    @Test
    void shaderAndPipelineStructs() {
        size(32, Structs.SHADER_SOURCE_WGSL);
        at(16, Structs.SHADER_SOURCE_WGSL, "code");
        size(64, Structs.COMPILATION_MESSAGE);
        at(24, Structs.COMPILATION_MESSAGE, "type");
        at(32, Structs.COMPILATION_MESSAGE, "lineNum");
        at(40, Structs.COMPILATION_MESSAGE, "linePos");
        size(24, Structs.COMPILATION_INFO);
        size(32, Structs.CONSTANT_ENTRY);
        size(48, Structs.COMPUTE_STATE);
        size(80, Structs.COMPUTE_PIPELINE_DESCRIPTOR);
        at(24, Structs.COMPUTE_PIPELINE_DESCRIPTOR, "layout");
        at(32, Structs.COMPUTE_PIPELINE_DESCRIPTOR, "compute");
        size(48, Structs.PIPELINE_LAYOUT_DESCRIPTOR);
        size(32, Structs.COMPUTE_PASS_DESCRIPTOR);
        size(24, Structs.PASS_TIMESTAMP_WRITES);
    }

    @Test
    void bindingStructs() {
        size(24, Structs.BUFFER_BINDING_LAYOUT);
        size(16, Structs.SAMPLER_BINDING_LAYOUT);
        size(24, Structs.TEXTURE_BINDING_LAYOUT);
        size(24, Structs.STORAGE_TEXTURE_BINDING_LAYOUT);
        size(120, Structs.BIND_GROUP_LAYOUT_ENTRY);
        at(16, Structs.BIND_GROUP_LAYOUT_ENTRY, "visibility");
        at(24, Structs.BIND_GROUP_LAYOUT_ENTRY, "bindingArraySize");
        at(32, Structs.BIND_GROUP_LAYOUT_ENTRY, "buffer");
        at(40, Structs.BIND_GROUP_LAYOUT_ENTRY, "buffer", "type");
        at(56, Structs.BIND_GROUP_LAYOUT_ENTRY, "sampler");
        at(72, Structs.BIND_GROUP_LAYOUT_ENTRY, "texture");
        at(96, Structs.BIND_GROUP_LAYOUT_ENTRY, "storageTexture");
        size(40, Structs.BIND_GROUP_LAYOUT_DESCRIPTOR);
        size(56, Structs.BIND_GROUP_ENTRY);
        at(16, Structs.BIND_GROUP_ENTRY, "buffer");
        at(24, Structs.BIND_GROUP_ENTRY, "offset");
        at(32, Structs.BIND_GROUP_ENTRY, "size");
        size(48, Structs.BIND_GROUP_DESCRIPTOR);
        at(32, Structs.BIND_GROUP_DESCRIPTOR, "entryCount");
    }
}
