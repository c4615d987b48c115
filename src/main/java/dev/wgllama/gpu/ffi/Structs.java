package dev.wgllama.gpu.ffi;

import static java.lang.foreign.MemoryLayout.paddingLayout;
import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.nio.charset.StandardCharsets;

/**
 * Struct layouts of Dawn's {@code webgpu.h} for x86-64 System V: pointers and {@code size_t} 8 bytes, enums and
 * {@code WGPUBool} 4, {@code WGPUFlags} 8. Padding is explicit so each layout equals the C compiler's;
 * {@code StructsTest} pins sizes and offsets (numbers from gcc on the header).
 *
 * <p>Source: {@code dawn/webgpu.h} of kommander/bun-webgpu (commit b7dc1dc). The binary of bun-webgpu-linux-x64
 * 0.1.7 is a newer Dawn, and probes compiled against that header and run against the library showed four
 * differences, which these layouts follow (they match webgpu-native/webgpu-headers of early 2026 and the
 * struct definitions bun-webgpu 0.1.7 itself uses): {@code WGPUBindGroupLayoutEntry} has
 * {@code uint32_t bindingArraySize} after {@code visibility}; {@code WGPULimits} has {@code maxImmediateSize}
 * after {@code maxComputeWorkgroupsPerDimension}; {@code WGPUInstanceDescriptor} is
 * {@code {nextInChain, requiredFeatureCount, requiredFeatures, requiredLimits}}; the queue work-done callback
 * has a message. Feature-name values are the header's ({@code ShaderF16} = 0xA), verified the same way.
 */
public final class Structs {
    private Structs() {
    }

    private static MemoryLayout pad(int bytes) {
        return paddingLayout(bytes);
    }

    /** {@code WGPUStringView {char const* data; size_t length}}; length {@link #STRLEN} means NUL-terminated. */
    public static final StructLayout STRING_VIEW = structLayout(ADDRESS.withName("data"), JAVA_LONG.withName("length"));
    public static final long STRLEN = -1L;

    public static final StructLayout CHAINED_STRUCT = structLayout(
            ADDRESS.withName("next"), JAVA_INT.withName("sType"), pad(4));

    /** Every {@code WGPU*CallbackInfo} except the uncaptured-error one has this shape. */
    public static final StructLayout CALLBACK_INFO = structLayout(
            ADDRESS.withName("nextInChain"), JAVA_INT.withName("mode"), pad(4), ADDRESS.withName("callback"),
            ADDRESS.withName("userdata1"), ADDRESS.withName("userdata2"));

    /** {@code WGPUUncapturedErrorCallbackInfo}: no mode (it is always spontaneous). */
    public static final StructLayout UNCAPTURED_ERROR_CALLBACK_INFO = structLayout(
            ADDRESS.withName("nextInChain"), ADDRESS.withName("callback"), ADDRESS.withName("userdata1"),
            ADDRESS.withName("userdata2"));

    public static final StructLayout FUTURE = structLayout(JAVA_LONG.withName("id"));

    public static final StructLayout FUTURE_WAIT_INFO = structLayout(
            FUTURE.withName("future"), JAVA_INT.withName("completed"), pad(4));

    /** {@code WGPUInstanceDescriptor}; feature {@code WGPUInstanceFeatureName_TimedWaitAny} = 1. */
    public static final StructLayout INSTANCE_DESCRIPTOR = structLayout(
            ADDRESS.withName("nextInChain"), JAVA_LONG.withName("requiredFeatureCount"),
            ADDRESS.withName("requiredFeatures"), ADDRESS.withName("requiredLimits"));

    public static final StructLayout REQUEST_ADAPTER_OPTIONS = structLayout(
            ADDRESS.withName("nextInChain"), JAVA_INT.withName("featureLevel"), JAVA_INT.withName("powerPreference"),
            JAVA_INT.withName("forceFallbackAdapter"), JAVA_INT.withName("backendType"),
            ADDRESS.withName("compatibleSurface"));

    /** {@code WGPULimits}: u32 limits, with the u64 ones at 64, 72 and 96. */
    public static final StructLayout LIMITS = structLayout(
            ADDRESS.withName("nextInChain"),
            JAVA_INT.withName("maxTextureDimension1D"), JAVA_INT.withName("maxTextureDimension2D"),
            JAVA_INT.withName("maxTextureDimension3D"), JAVA_INT.withName("maxTextureArrayLayers"),
            JAVA_INT.withName("maxBindGroups"), JAVA_INT.withName("maxBindGroupsPlusVertexBuffers"),
            JAVA_INT.withName("maxBindingsPerBindGroup"), JAVA_INT.withName("maxDynamicUniformBuffersPerPipelineLayout"),
            JAVA_INT.withName("maxDynamicStorageBuffersPerPipelineLayout"),
            JAVA_INT.withName("maxSampledTexturesPerShaderStage"), JAVA_INT.withName("maxSamplersPerShaderStage"),
            JAVA_INT.withName("maxStorageBuffersPerShaderStage"), JAVA_INT.withName("maxStorageTexturesPerShaderStage"),
            JAVA_INT.withName("maxUniformBuffersPerShaderStage"),
            JAVA_LONG.withName("maxUniformBufferBindingSize"), JAVA_LONG.withName("maxStorageBufferBindingSize"),
            JAVA_INT.withName("minUniformBufferOffsetAlignment"), JAVA_INT.withName("minStorageBufferOffsetAlignment"),
            JAVA_INT.withName("maxVertexBuffers"), pad(4),
            JAVA_LONG.withName("maxBufferSize"),
            JAVA_INT.withName("maxVertexAttributes"), JAVA_INT.withName("maxVertexBufferArrayStride"),
            JAVA_INT.withName("maxInterStageShaderVariables"), JAVA_INT.withName("maxColorAttachments"),
            JAVA_INT.withName("maxColorAttachmentBytesPerSample"), JAVA_INT.withName("maxComputeWorkgroupStorageSize"),
            JAVA_INT.withName("maxComputeInvocationsPerWorkgroup"), JAVA_INT.withName("maxComputeWorkgroupSizeX"),
            JAVA_INT.withName("maxComputeWorkgroupSizeY"), JAVA_INT.withName("maxComputeWorkgroupSizeZ"),
            JAVA_INT.withName("maxComputeWorkgroupsPerDimension"), JAVA_INT.withName("maxImmediateSize"),
            JAVA_INT.withName("maxStorageBuffersInVertexStage"), JAVA_INT.withName("maxStorageTexturesInVertexStage"),
            JAVA_INT.withName("maxStorageBuffersInFragmentStage"),
            JAVA_INT.withName("maxStorageTexturesInFragmentStage"));

    public static final StructLayout ADAPTER_INFO = structLayout(
            ADDRESS.withName("nextInChain"), STRING_VIEW.withName("vendor"), STRING_VIEW.withName("architecture"),
            STRING_VIEW.withName("device"), STRING_VIEW.withName("description"), JAVA_INT.withName("backendType"),
            JAVA_INT.withName("adapterType"), JAVA_INT.withName("vendorID"), JAVA_INT.withName("deviceID"),
            JAVA_INT.withName("subgroupMinSize"), JAVA_INT.withName("subgroupMaxSize"));

    public static final StructLayout SUPPORTED_FEATURES = structLayout(
            JAVA_LONG.withName("featureCount"), ADDRESS.withName("features"));

    /** Layout shared by the queue, command-encoder, command-buffer and shader-module descriptors. */
    public static final StructLayout LABELLED_DESCRIPTOR = structLayout(
            ADDRESS.withName("nextInChain"), STRING_VIEW.withName("label"));

    public static final StructLayout DEVICE_DESCRIPTOR = structLayout(
            ADDRESS.withName("nextInChain"), STRING_VIEW.withName("label"), JAVA_LONG.withName("requiredFeatureCount"),
            ADDRESS.withName("requiredFeatures"), ADDRESS.withName("requiredLimits"),
            LABELLED_DESCRIPTOR.withName("defaultQueue"), CALLBACK_INFO.withName("deviceLostCallbackInfo"),
            UNCAPTURED_ERROR_CALLBACK_INFO.withName("uncapturedErrorCallbackInfo"));

    public static final StructLayout BUFFER_DESCRIPTOR = structLayout(
            ADDRESS.withName("nextInChain"), STRING_VIEW.withName("label"), JAVA_LONG.withName("usage"),
            JAVA_LONG.withName("size"), JAVA_INT.withName("mappedAtCreation"), pad(4));

    public static final StructLayout SHADER_SOURCE_WGSL = structLayout(
            CHAINED_STRUCT.withName("chain"), STRING_VIEW.withName("code"));

    public static final StructLayout COMPILATION_MESSAGE = structLayout(
            ADDRESS.withName("nextInChain"), STRING_VIEW.withName("message"), JAVA_INT.withName("type"), pad(4),
            JAVA_LONG.withName("lineNum"), JAVA_LONG.withName("linePos"), JAVA_LONG.withName("offset"),
            JAVA_LONG.withName("length"));

    public static final StructLayout COMPILATION_INFO = structLayout(
            ADDRESS.withName("nextInChain"), JAVA_LONG.withName("messageCount"), ADDRESS.withName("messages"));

    public static final StructLayout CONSTANT_ENTRY = structLayout(
            ADDRESS.withName("nextInChain"), STRING_VIEW.withName("key"), JAVA_DOUBLE.withName("value"));

    public static final StructLayout COMPUTE_STATE = structLayout(
            ADDRESS.withName("nextInChain"), ADDRESS.withName("module"), STRING_VIEW.withName("entryPoint"),
            JAVA_LONG.withName("constantCount"), ADDRESS.withName("constants"));

    public static final StructLayout COMPUTE_PIPELINE_DESCRIPTOR = structLayout(
            ADDRESS.withName("nextInChain"), STRING_VIEW.withName("label"), ADDRESS.withName("layout"),
            COMPUTE_STATE.withName("compute"));

    public static final StructLayout BUFFER_BINDING_LAYOUT = structLayout(
            ADDRESS.withName("nextInChain"), JAVA_INT.withName("type"), JAVA_INT.withName("hasDynamicOffset"),
            JAVA_LONG.withName("minBindingSize"));

    public static final StructLayout SAMPLER_BINDING_LAYOUT = structLayout(
            ADDRESS.withName("nextInChain"), JAVA_INT.withName("type"), pad(4));

    public static final StructLayout TEXTURE_BINDING_LAYOUT = structLayout(
            ADDRESS.withName("nextInChain"), JAVA_INT.withName("sampleType"), JAVA_INT.withName("viewDimension"),
            JAVA_INT.withName("multisampled"), pad(4));

    public static final StructLayout STORAGE_TEXTURE_BINDING_LAYOUT = structLayout(
            ADDRESS.withName("nextInChain"), JAVA_INT.withName("access"), JAVA_INT.withName("format"),
            JAVA_INT.withName("viewDimension"), pad(4));

    public static final StructLayout BIND_GROUP_LAYOUT_ENTRY = structLayout(
            ADDRESS.withName("nextInChain"), JAVA_INT.withName("binding"), pad(4), JAVA_LONG.withName("visibility"),
            JAVA_INT.withName("bindingArraySize"), pad(4), BUFFER_BINDING_LAYOUT.withName("buffer"), SAMPLER_BINDING_LAYOUT.withName("sampler"),
            TEXTURE_BINDING_LAYOUT.withName("texture"), STORAGE_TEXTURE_BINDING_LAYOUT.withName("storageTexture"));

    public static final StructLayout BIND_GROUP_LAYOUT_DESCRIPTOR = structLayout(
            ADDRESS.withName("nextInChain"), STRING_VIEW.withName("label"), JAVA_LONG.withName("entryCount"),
            ADDRESS.withName("entries"));

    public static final StructLayout BIND_GROUP_ENTRY = structLayout(
            ADDRESS.withName("nextInChain"), JAVA_INT.withName("binding"), pad(4), ADDRESS.withName("buffer"),
            JAVA_LONG.withName("offset"), JAVA_LONG.withName("size"), ADDRESS.withName("sampler"),
            ADDRESS.withName("textureView"));

    public static final StructLayout BIND_GROUP_DESCRIPTOR = structLayout(
            ADDRESS.withName("nextInChain"), STRING_VIEW.withName("label"), ADDRESS.withName("layout"),
            JAVA_LONG.withName("entryCount"), ADDRESS.withName("entries"));

    public static final StructLayout PIPELINE_LAYOUT_DESCRIPTOR = structLayout(
            ADDRESS.withName("nextInChain"), STRING_VIEW.withName("label"), JAVA_LONG.withName("bindGroupLayoutCount"),
            ADDRESS.withName("bindGroupLayouts"), JAVA_INT.withName("immediateDataRangeByteSize"), pad(4));

    public static final StructLayout PASS_TIMESTAMP_WRITES = structLayout(
            ADDRESS.withName("nextInChain"), ADDRESS.withName("querySet"),
            JAVA_INT.withName("beginningOfPassWriteIndex"), JAVA_INT.withName("endOfPassWriteIndex"));

    public static final StructLayout COMPUTE_PASS_DESCRIPTOR = structLayout(
            ADDRESS.withName("nextInChain"), STRING_VIEW.withName("label"), ADDRESS.withName("timestampWrites"));

    public static final StructLayout QUERY_SET_DESCRIPTOR = structLayout(
            ADDRESS.withName("nextInChain"), STRING_VIEW.withName("label"), JAVA_INT.withName("type"),
            JAVA_INT.withName("count"));

    /** Byte offset of a (possibly nested) field, e.g. {@code offset(LIMITS, "maxBufferSize")}. */
    public static long offset(MemoryLayout layout, String... path) {
        MemoryLayout.PathElement[] elements = new MemoryLayout.PathElement[path.length];
        for (int i = 0; i < path.length; i++) {
            elements[i] = MemoryLayout.PathElement.groupElement(path[i]);
        }
        return layout.byteOffset(elements);
    }

    /** Writes a UTF-8 string view (explicit length, no NUL needed) at {@code at} inside {@code struct}. */
    public static void putString(MemorySegment struct, long at, String s, SegmentAllocator alloc) {
        if (s == null) {
            struct.set(ADDRESS, at, MemorySegment.NULL);
            struct.set(JAVA_LONG, at + 8, STRLEN);
            return;
        }
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        MemorySegment data = alloc.allocate(Math.max(1, bytes.length));
        MemorySegment.copy(bytes, 0, data, JAVA_BYTE, 0, bytes.length);
        struct.set(ADDRESS, at, data);
        struct.set(JAVA_LONG, at + 8, bytes.length);
    }

    /** Reads a string view (by value in a callback, or inside a struct at {@code at}); null data gives "". */
    public static String getString(MemorySegment struct, long at) {
        MemorySegment data = struct.get(ADDRESS, at);
        long length = struct.get(JAVA_LONG, at + 8);
        if (data.equals(MemorySegment.NULL)) {
            return "";
        }
        if (length == STRLEN) {
            return data.reinterpret(Long.MAX_VALUE).getString(0, StandardCharsets.UTF_8);
        }
        if (length < 0 || length > (1 << 24)) {
            throw new IllegalStateException("implausible WGPUStringView length " + length);
        }
        byte[] bytes = data.reinterpret(length).toArray(JAVA_BYTE);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
