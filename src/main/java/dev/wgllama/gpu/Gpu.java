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

/**
 * A WebGPU instance (Dawn): the entry point. Every asynchronous WebGPU call made through this package waits here
 * ({@code wgpuInstanceWaitAny} with a timeout) and is status-checked, so the API above is synchronous.
 * Not thread-safe: use one instance and its devices from one thread at a time.
 */
public final class Gpu implements AutoCloseable {
    /** How long one wait may take before it is declared hung (a step on lavapipe is seconds, not minutes). */
    private static final long WAIT_LIMIT_NS = Long.getLong("wgllama.gpu.waitSeconds", 600) * 1_000_000_000L;
    private static final long WAIT_SLICE_NS = 100_000_000L;

    final WebGpu api;
    final MemorySegment instance;
    private boolean closed;

    private Gpu(WebGpu api, MemorySegment instance) {
        this.api = api;
        this.instance = instance;
    }

    /** Loads Dawn (fetching it if needed) and creates an instance with timed waits enabled. */
    public static Gpu open() {
        WebGpu api = DawnLibrary.api();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment desc = a.allocate(Structs.INSTANCE_DESCRIPTOR);
            // Timed waits (WaitAny with a timeout) must be asked for: instance feature TimedWaitAny = 1.
            MemorySegment features = a.allocateFrom(JAVA_INT, 1);
            desc.set(JAVA_LONG, Structs.offset(Structs.INSTANCE_DESCRIPTOR, "requiredFeatureCount"), 1);
            desc.set(ADDRESS, Structs.offset(Structs.INSTANCE_DESCRIPTOR, "requiredFeatures"), features);
            MemorySegment inst = api.createInstance(desc);
            if (inst.equals(MemorySegment.NULL)) {
                throw new GpuException("wgpuCreateInstance failed (Dawn " + DawnLibrary.loadedFrom() + ")");
            }
            return new Gpu(api, inst);
        }
    }

    /** Power preference of an adapter request. */
    public enum Power { DEFAULT, LOW_POWER, HIGH_PERFORMANCE }

    /**
     * The default adapter (high performance), or a GpuException saying why there is none. Dawn's Null backend
     * (a testing stub that computes nothing) is what Dawn offers when no Vulkan driver loads: it is refused.
     */
    public Adapter requestAdapter() {
        Adapter a = requestAdapter(Power.HIGH_PERFORMANCE, Adapter.Backend.UNDEFINED);
        if (a.info().backend() == Adapter.Backend.NULL) {
            a.close();
            throw new GpuException("no WebGPU adapter: Dawn found no working Vulkan driver and offered only its "
                    + "Null (testing) adapter — check the Vulkan loader and ICD (VK_DRIVER_FILES), or on a machine "
                    + "without a GPU install Mesa's lavapipe (scripts/setup-vulkan.sh)");
        }
        return a;
    }

    /**
     * Requests an adapter. {@code forceFallbackAdapter} is never set: with lavapipe it yields nothing.
     */
    public Adapter requestAdapter(Power power, Adapter.Backend backend) {
        checkOpen();
        final int[] status = {0};
        final MemorySegment[] handle = {MemorySegment.NULL};
        final String[] message = {""};
        MemorySegment token = Callbacks.register((Callbacks.Request) (s, h, m) -> {
            status[0] = s;
            handle[0] = h;
            message[0] = m;
        });
        try (Arena a = Arena.ofConfined()) {
            MemorySegment opts = a.allocate(Structs.REQUEST_ADAPTER_OPTIONS);
            opts.set(JAVA_INT, Structs.offset(Structs.REQUEST_ADAPTER_OPTIONS, "powerPreference"), power.ordinal());
            opts.set(JAVA_INT, Structs.offset(Structs.REQUEST_ADAPTER_OPTIONS, "backendType"), backend.code);
            long future = api.instanceRequestAdapter(instance, opts, callbackInfo(a, Callbacks.REQUEST, token));
            await(future, "adapter request");
        } finally {
            Callbacks.unregister(token);
        }
        if (status[0] != Enums.ASYNC_SUCCESS || handle[0].equals(MemorySegment.NULL)) {
            throw new GpuException("no WebGPU adapter" + (backend == Adapter.Backend.UNDEFINED ? "" : " for " + backend)
                    + " (status " + status[0] + "): " + message[0]
                    + " — on a machine without a GPU install Mesa's lavapipe (scripts/setup-vulkan.sh)");
        }
        return new Adapter(this, handle[0]);
    }

    /**
     * One adapter per backend that offers one (Vulkan, then the others), for {@code wgllama devices}.
     * Backends without an adapter are skipped; an empty list means no WebGPU at all.
     */
    public List<Adapter> adapters() {
        List<Adapter> out = new ArrayList<>();
        for (Adapter.Backend b : List.of(Adapter.Backend.VULKAN, Adapter.Backend.OPENGL, Adapter.Backend.OPENGLES)) {
            try {
                out.add(requestAdapter(Power.HIGH_PERFORMANCE, b));
            } catch (GpuException e) {
                // This backend has no adapter on this machine: not an error when listing.
            }
        }
        return out;
    }

    /** Builds a {@code WGPU*CallbackInfo} (mode WaitAnyOnly) in {@code a}. */
    MemorySegment callbackInfo(Arena a, MemorySegment fn, MemorySegment token) {
        return callbackInfo(a, fn, token, Enums.CALLBACK_MODE_WAIT_ANY_ONLY);
    }

    static MemorySegment callbackInfo(Arena a, MemorySegment fn, MemorySegment token, int mode) {
        MemorySegment info = a.allocate(Structs.CALLBACK_INFO);
        info.set(JAVA_INT, Structs.offset(Structs.CALLBACK_INFO, "mode"), mode);
        info.set(ADDRESS, Structs.offset(Structs.CALLBACK_INFO, "callback"), fn);
        info.set(ADDRESS, Structs.offset(Structs.CALLBACK_INFO, "userdata1"), token);
        return info;
    }

    /** Waits for a future; its callback has run when this returns. */
    void await(long futureId, String what) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment wait = a.allocate(Structs.FUTURE_WAIT_INFO);
            long deadline = System.nanoTime() + WAIT_LIMIT_NS;
            while (true) {
                wait.set(JAVA_LONG, 0, futureId);
                wait.set(JAVA_INT, Structs.offset(Structs.FUTURE_WAIT_INFO, "completed"), 0);
                int s = api.instanceWaitAny(instance, 1, wait, WAIT_SLICE_NS);
                if (s == Enums.WAIT_STATUS_SUCCESS
                        && wait.get(JAVA_INT, Structs.offset(Structs.FUTURE_WAIT_INFO, "completed")) != 0) {
                    return;
                }
                if (s != Enums.WAIT_STATUS_TIMED_OUT && s != Enums.WAIT_STATUS_SUCCESS) {
                    throw new GpuException("waiting for " + what + " failed (wgpuInstanceWaitAny status " + s + ")");
                }
                if (System.nanoTime() > deadline) {
                    throw new GpuException("gave up waiting for " + what + " after "
                            + WAIT_LIMIT_NS / 1_000_000_000L + " s (-Dwgllama.gpu.waitSeconds raises the limit)");
                }
            }
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("Gpu instance is closed");
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            api.instanceRelease(instance);
        }
    }
}
