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
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A logical WebGPU device. Every create call runs inside error scopes (validation, out-of-memory, internal) so a
 * mistake surfaces as a {@link GpuException} naming the object's label at the call that made it; errors outside
 * any scope and device loss are recorded by callbacks and thrown at the next call.
 */
public final class Device implements AutoCloseable {
    final Gpu gpu;
    final WebGpu api;
    private final String label;
    final MemorySegment lostToken;
    final MemorySegment errorToken;
    MemorySegment handle = MemorySegment.NULL;
    private volatile String lost;
    private final List<String> uncaptured = new ArrayList<>();
    private Limits limits;
    private boolean timestamps;
    private boolean shaderF16;
    private Queue queue;
    private boolean closing;

    Device(Gpu gpu, String label) {
        this.gpu = gpu;
        this.api = gpu.api;
        this.label = label;
        this.lostToken = Callbacks.register((Callbacks.DeviceEvent) this::onLost);
        this.errorToken = Callbacks.register((Callbacks.DeviceEvent) this::onUncapturedError);
    }

    void attach(MemorySegment handle, boolean timestamps, boolean shaderF16) {
        this.handle = handle;
        this.timestamps = timestamps;
        this.shaderF16 = shaderF16;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(Structs.LIMITS);
            if (api.deviceGetLimits(handle, s) != Enums.STATUS_SUCCESS) {
                throw new GpuException("wgpuDeviceGetLimits failed for device '" + label + "'");
            }
            limits = Limits.read(s);
        }
        queue = new Queue(this, api.deviceGetQueue(handle));
    }

    void unregister() {
        Callbacks.unregister(lostToken);
        Callbacks.unregister(errorToken);
    }

    private void onLost(int reason, String message) {
        if (!closing) {
            lost = "device '" + label + "' lost (reason " + reason + "): " + message;
        }
    }

    private void onUncapturedError(int type, String message) {
        synchronized (uncaptured) {
            uncaptured.add(errorTypeName(type) + " error: " + message);
        }
    }

    static String errorTypeName(int type) {
        return switch (type) {
            case 2 -> "validation";
            case 3 -> "out-of-memory";
            case 4 -> "internal";
            default -> "unknown";
        };
    }

    public String label() {
        return label;
    }

    /** The limits this device was created with (the adapter's maxima). */
    public Limits limits() {
        return limits;
    }

    /** Whether timestamp queries were enabled (the adapter has {@code timestamp-query}). */
    public boolean hasTimestamps() {
        return timestamps;
    }

    /** Whether {@code shader-f16} was enabled (the adapter has it): WGSL may then say {@code enable f16;}. */
    public boolean hasShaderF16() {
        return shaderF16;
    }

    public Queue queue() {
        return queue;
    }

    /** Throws if the device was lost or an error escaped every scope since the last check. */
    public void check() {
        if (lost != null) {
            throw new GpuException(lost);
        }
        synchronized (uncaptured) {
            if (!uncaptured.isEmpty()) {
                String all = String.join("; ", uncaptured);
                uncaptured.clear();
                throw new GpuException("device '" + label + "': " + all);
            }
        }
        if (handle.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("device '" + label + "' is closed");
        }
    }

    /**
     * Runs {@code create} inside validation, out-of-memory and internal error scopes; on an error releases the
     * result with {@code release} and throws naming {@code what}. {@code extra} adds detail (WGSL messages).
     */
    <T> T scoped(String what, Function<Arena, T> create, java.util.function.Consumer<T> release,
                 Function<T, String> extra) {
        check();
        api.devicePushErrorScope(handle, Enums.ERROR_FILTER_INTERNAL);
        api.devicePushErrorScope(handle, Enums.ERROR_FILTER_OUT_OF_MEMORY);
        api.devicePushErrorScope(handle, Enums.ERROR_FILTER_VALIDATION);
        T result = null;
        RuntimeException thrown = null;
        try (Arena a = Arena.ofConfined()) {
            result = create.apply(a);
        } catch (RuntimeException e) {
            thrown = e;
        }
        List<String> errors = popErrorScopes(what, 3);
        if (thrown != null) {
            throw thrown;
        }
        if (!errors.isEmpty()) {
            String detail = extra == null || result == null ? "" : extra.apply(result);
            if (result != null) {
                release.accept(result);
            }
            throw new GpuException(what + " failed: " + String.join("; ", errors) + detail);
        }
        check();
        return result;
    }

    /**
     * Pops {@code n} error scopes, issuing every pop before waiting (one wait then covers them all), and returns
     * their error messages (none when everything was valid).
     */
    private List<String> popErrorScopes(String what, int n) {
        int[] status = new int[n];
        int[] type = new int[n];
        String[] message = new String[n];
        MemorySegment[] tokens = new MemorySegment[n];
        long[] futures = new long[n];
        try (Arena a = Arena.ofConfined()) {
            for (int i = 0; i < n; i++) {
                int k = i;
                tokens[i] = Callbacks.register((Callbacks.ErrorScope) (s, t, m) -> {
                    status[k] = s;
                    type[k] = t;
                    message[k] = m;
                });
                futures[i] = api.devicePopErrorScope(handle, gpu.callbackInfo(a, Callbacks.ERROR_SCOPE, tokens[i]));
            }
            for (int i = 0; i < n; i++) {
                gpu.await(futures[i], "error scope of " + what);
            }
        } finally {
            for (MemorySegment t : tokens) {
                if (t != null) {
                    Callbacks.unregister(t);
                }
            }
        }
        List<String> errors = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (status[i] != Enums.ASYNC_SUCCESS) {
                errors.add("error scope could not be popped (status " + status[i] + "): " + message[i]);
            } else if (type[i] != Enums.ERROR_TYPE_NO_ERROR) {
                errors.add(errorTypeName(type[i]) + " error: " + message[i]);
            }
        }
        return errors;
    }

    /** Creates a buffer of {@code size} bytes (a multiple of 4) with the given usages. */
    public Buffer createBuffer(String label, long size, Buffer.Usage... usages) {
        if (size <= 0 || size % 4 != 0) {
            throw new IllegalArgumentException("buffer '" + label + "' size must be a positive multiple of 4, got "
                    + size);
        }
        if (Long.compareUnsigned(size, limits.maxBufferSize()) > 0) {
            throw new GpuException("buffer '" + label + "' of " + size + " bytes exceeds the device's maxBufferSize "
                    + Long.toUnsignedString(limits.maxBufferSize()));
        }
        long usage = Buffer.Usage.bits(usages);
        MemorySegment h = scoped("creating buffer '" + label + "' (" + size + " bytes)", a -> {
            MemorySegment d = a.allocate(Structs.BUFFER_DESCRIPTOR);
            Structs.putString(d, Structs.offset(Structs.BUFFER_DESCRIPTOR, "label"), label, a);
            d.set(JAVA_LONG, Structs.offset(Structs.BUFFER_DESCRIPTOR, "usage"), usage);
            d.set(JAVA_LONG, Structs.offset(Structs.BUFFER_DESCRIPTOR, "size"), size);
            return api.deviceCreateBuffer(handle, d);
        }, api::bufferRelease, null);
        return new Buffer(this, h, label, size, usage);
    }

    /** Compiles WGSL; compile errors throw with every message as {@code line:column: text} plus the line. */
    public ShaderModule createShaderModule(String label, String wgsl) {
        String[] messages = {""};
        MemorySegment h = scoped("compiling WGSL shader '" + label + "'", a -> {
            MemorySegment src = a.allocate(Structs.SHADER_SOURCE_WGSL);
            src.set(JAVA_INT, Structs.offset(Structs.SHADER_SOURCE_WGSL, "chain", "sType"),
                    Enums.S_TYPE_SHADER_SOURCE_WGSL);
            Structs.putString(src, Structs.offset(Structs.SHADER_SOURCE_WGSL, "code"), wgsl, a);
            MemorySegment d = a.allocate(Structs.LABELLED_DESCRIPTOR);
            d.set(ADDRESS, 0, src);
            Structs.putString(d, Structs.offset(Structs.LABELLED_DESCRIPTOR, "label"), label, a);
            MemorySegment m = api.deviceCreateShaderModule(handle, d);
            messages[0] = ShaderModule.compilationMessages(this, m, wgsl);
            return m;
        }, api::shaderModuleRelease, m -> "\n" + messages[0]);
        return new ShaderModule(this, h, label, messages[0]);
    }

    /**
     * Creates a compute pipeline with an explicit layout: one bind group (group 0) whose bindings 0..n-1 have the
     * given kinds, in order. Explicit layouts keep unused bindings legal and bind groups reusable.
     */
    public ComputePipeline createComputePipeline(String label, ShaderModule module, String entryPoint,
                                                 List<ComputePipeline.Binding> bindings) {
        return ComputePipeline.create(this, label, module, entryPoint, bindings);
    }

    /** A bind group for group 0 of {@code pipeline}: entry i binds to binding i. */
    public BindGroup createBindGroup(String label, ComputePipeline pipeline, List<BindGroup.Entry> entries) {
        return BindGroup.create(this, label, pipeline, entries);
    }

    public CommandEncoder createCommandEncoder(String label) {
        MemorySegment h = scoped("creating command encoder '" + label + "'", a -> {
            MemorySegment d = a.allocate(Structs.LABELLED_DESCRIPTOR);
            Structs.putString(d, Structs.offset(Structs.LABELLED_DESCRIPTOR, "label"), label, a);
            return api.deviceCreateCommandEncoder(handle, d);
        }, api::commandEncoderRelease, null);
        return new CommandEncoder(this, h, label);
    }

    /** A query set of {@code count} timestamps; only on devices with {@link #hasTimestamps()}. */
    public QuerySet createTimestampQuerySet(String label, int count) {
        if (!timestamps) {
            throw new GpuException("device '" + this.label + "' has no timestamp-query feature");
        }
        MemorySegment h = scoped("creating query set '" + label + "'", a -> {
            MemorySegment d = a.allocate(Structs.QUERY_SET_DESCRIPTOR);
            Structs.putString(d, Structs.offset(Structs.QUERY_SET_DESCRIPTOR, "label"), label, a);
            d.set(JAVA_INT, Structs.offset(Structs.QUERY_SET_DESCRIPTOR, "type"), Enums.QUERY_TYPE_TIMESTAMP);
            d.set(JAVA_INT, Structs.offset(Structs.QUERY_SET_DESCRIPTOR, "count"), count);
            return api.deviceCreateQuerySet(handle, d);
        }, api::querySetRelease, null);
        return new QuerySet(this, h, label, count);
    }

    /**
     * Destroys the device's GPU resources now (as a driver reset would): Dawn reports it lost, and every later
     * call on it throws a {@link GpuException} naming the reason. {@link #close()} still releases the handle.
     */
    public void destroy() {
        if (!handle.equals(MemorySegment.NULL)) {
            api.deviceDestroy(handle);
            // The lost callback is spontaneous; let pending events run so it has fired before we return.
            api.instanceProcessEvents(gpu.instance);
        }
    }

    @Override
    public void close() {
        if (!handle.equals(MemorySegment.NULL)) {
            closing = true;
            queue.release();
            api.deviceDestroy(handle);
            api.deviceRelease(handle);
            handle = MemorySegment.NULL;
            // Let the lost callback (reason Destroyed) run before its handler is unregistered.
            try {
                gpu.api.instanceProcessEvents(gpu.instance);
            } finally {
                unregister();
            }
        }
    }
}
