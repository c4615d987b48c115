package dev.wgllama.gpu;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.wgllama.gpu.ffi.Callbacks;
import dev.wgllama.gpu.ffi.Enums;
import dev.wgllama.gpu.ffi.Structs;
import dev.wgllama.gpu.ffi.WebGpu;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** A physical (or software) GPU as WebGPU exposes it. Request a {@link Device} from it. */
public final class Adapter implements AutoCloseable {
    /** {@code WGPUBackendType}. */
    public enum Backend {
        UNDEFINED(0), NULL(1), WEBGPU(2), D3D11(3), D3D12(4), METAL(5), VULKAN(6), OPENGL(7), OPENGLES(8);
        final int code;

        Backend(int code) {
            this.code = code;
        }

        static Backend of(int code) {
            for (Backend b : values()) {
                if (b.code == code) {
                    return b;
                }
            }
            return UNDEFINED;
        }
    }

    /** {@code WGPUAdapterType}. */
    public enum Type {
        DISCRETE_GPU, INTEGRATED_GPU, CPU, UNKNOWN;

        static Type of(int code) {
            return code >= 1 && code <= 4 ? values()[code - 1] : UNKNOWN;
        }
    }

    /** Names of the standard {@code WGPUFeatureName} values (Dawn-only ones print in hex). */
    private static final Map<Integer, String> FEATURE_NAMES = Map.ofEntries(
            Map.entry(0x1, "depth-clip-control"), Map.entry(0x2, "depth32float-stencil8"),
            Map.entry(0x3, "timestamp-query"), Map.entry(0x4, "texture-compression-bc"),
            Map.entry(0x5, "texture-compression-bc-sliced-3d"), Map.entry(0x6, "texture-compression-etc2"),
            Map.entry(0x7, "texture-compression-astc"), Map.entry(0x8, "texture-compression-astc-sliced-3d"),
            Map.entry(0x9, "indirect-first-instance"), Map.entry(0xA, "shader-f16"),
            Map.entry(0xB, "rg11b10ufloat-renderable"), Map.entry(0xC, "bgra8unorm-storage"),
            Map.entry(0xD, "float32-filterable"), Map.entry(0xE, "float32-blendable"),
            Map.entry(0xF, "clip-distances"), Map.entry(0x10, "dual-source-blending"),
            Map.entry(0x11, "subgroups"), Map.entry(0x12, "core-features-and-limits"),
            Map.entry(0x50008, "subgroups-f16"), Map.entry(0x50038, "chromium-experimental-subgroup-matrix"));

    private final Gpu gpu;
    final MemorySegment handle;
    private boolean closed;

    Adapter(Gpu gpu, MemorySegment handle) {
        this.gpu = gpu;
        this.handle = handle;
    }

    public Gpu gpu() {
        return gpu;
    }

    public AdapterInfo info() {
        WebGpu api = gpu.api;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(Structs.ADAPTER_INFO);
            if (api.adapterGetInfo(handle, s) != Enums.STATUS_SUCCESS) {
                throw new GpuException("wgpuAdapterGetInfo failed");
            }
            try {
                return new AdapterInfo(str(s, "vendor"), str(s, "architecture"), str(s, "device"),
                        str(s, "description"), Backend.of(s.get(JAVA_INT, off("backendType"))),
                        Type.of(s.get(JAVA_INT, off("adapterType"))), s.get(JAVA_INT, off("vendorID")),
                        s.get(JAVA_INT, off("deviceID")), s.get(JAVA_INT, off("subgroupMinSize")),
                        s.get(JAVA_INT, off("subgroupMaxSize")));
            } finally {
                api.adapterInfoFreeMembers(s);
            }
        }
    }

    private static long off(String field) {
        return Structs.offset(Structs.ADAPTER_INFO, field);
    }

    private static String str(MemorySegment s, String field) {
        return Structs.getString(s, off(field));
    }

    public Limits limits() {
        try (Arena a = Arena.ofConfined()) {
            return Limits.read(rawLimits(a));
        }
    }

    MemorySegment rawLimits(Arena a) {
        MemorySegment s = a.allocate(Structs.LIMITS);
        if (gpu.api.adapterGetLimits(handle, s) != Enums.STATUS_SUCCESS) {
            throw new GpuException("wgpuAdapterGetLimits failed");
        }
        return s;
    }

    /** Feature names ("shader-f16", "subgroups", "timestamp-query", Dawn-specific ones as hex). */
    public Set<String> features() {
        Set<String> out = new LinkedHashSet<>();
        for (int id : featureIds()) {
            out.add(FEATURE_NAMES.getOrDefault(id, String.format("0x%05x", id)));
        }
        return out;
    }

    int[] featureIds() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(Structs.SUPPORTED_FEATURES);
            gpu.api.adapterGetFeatures(handle, s);
            try {
                long n = s.get(JAVA_LONG, 0);
                if (n < 0 || n > 4096) {
                    throw new GpuException("adapter reported " + n + " features");
                }
                MemorySegment list = s.get(ADDRESS, 8).reinterpret(n * 4);
                return list.toArray(JAVA_INT);
            } finally {
                gpu.api.supportedFeaturesFreeMembers(s);
            }
        }
    }

    public boolean hasFeature(int featureId) {
        return gpu.api.adapterHasFeature(handle, featureId);
    }

    /**
     * Requests a device whose limits are the adapter's own maxima (WebGPU's defaults would cap storage bindings at
     * 128 MiB and workgroup memory at 16 KiB), with timestamp queries and {@code shader-f16} when the adapter has
     * them.
     */
    public Device requestDevice(String label) {
        final int[] status = {0};
        final MemorySegment[] dev = {MemorySegment.NULL};
        final String[] message = {""};
        MemorySegment token = Callbacks.register((Callbacks.Request) (s, h, m) -> {
            status[0] = s;
            dev[0] = h;
            message[0] = m;
        });
        Device device = new Device(gpu, label);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment d = a.allocate(Structs.DEVICE_DESCRIPTOR);
            Structs.putString(d, Structs.offset(Structs.DEVICE_DESCRIPTOR, "label"), label, a);
            boolean timestamps = hasFeature(Enums.FEATURE_TIMESTAMP_QUERY);
            boolean f16 = hasFeature(Enums.FEATURE_SHADER_F16);
            int[] wanted = new int[2];
            int count = 0;
            if (timestamps) {
                wanted[count++] = Enums.FEATURE_TIMESTAMP_QUERY;
            }
            if (f16) {
                wanted[count++] = Enums.FEATURE_SHADER_F16;
            }
            if (count > 0) {
                MemorySegment feats = a.allocateFrom(JAVA_INT, java.util.Arrays.copyOf(wanted, count));
                d.set(JAVA_LONG, Structs.offset(Structs.DEVICE_DESCRIPTOR, "requiredFeatureCount"), count);
                d.set(ADDRESS, Structs.offset(Structs.DEVICE_DESCRIPTOR, "requiredFeatures"), feats);
            }
            d.set(ADDRESS, Structs.offset(Structs.DEVICE_DESCRIPTOR, "requiredLimits"), rawLimits(a));
            Structs.putString(d, Structs.offset(Structs.DEVICE_DESCRIPTOR, "defaultQueue", "label"),
                    label + " queue", a);
            long lost = Structs.offset(Structs.DEVICE_DESCRIPTOR, "deviceLostCallbackInfo");
            MemorySegment lostInfo = Gpu.callbackInfo(a, Callbacks.DEVICE_EVENT, device.lostToken,
                    Enums.CALLBACK_MODE_ALLOW_SPONTANEOUS);
            MemorySegment.copy(lostInfo, 0, d, lost, Structs.CALLBACK_INFO.byteSize());
            long unc = Structs.offset(Structs.DEVICE_DESCRIPTOR, "uncapturedErrorCallbackInfo");
            d.set(ADDRESS, unc + Structs.offset(Structs.UNCAPTURED_ERROR_CALLBACK_INFO, "callback"),
                    Callbacks.DEVICE_EVENT);
            d.set(ADDRESS, unc + Structs.offset(Structs.UNCAPTURED_ERROR_CALLBACK_INFO, "userdata1"),
                    device.errorToken);
            long future = gpu.api.adapterRequestDevice(handle, d, gpu.callbackInfo(a, Callbacks.REQUEST, token));
            gpu.await(future, "device request '" + label + "'");
            if (status[0] != Enums.ASYNC_SUCCESS || dev[0].equals(MemorySegment.NULL)) {
                device.unregister();
                throw new GpuException("device request '" + label + "' failed (status " + status[0] + "): "
                        + message[0]);
            }
            device.attach(dev[0], timestamps, f16);
            return device;
        } finally {
            Callbacks.unregister(token);
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            gpu.api.adapterRelease(handle);
        }
    }
}
