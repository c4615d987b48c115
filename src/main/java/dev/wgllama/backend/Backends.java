package dev.wgllama.backend;

import dev.wgllama.WgllamaException;
import dev.wgllama.backend.cpu.CpuBackend;
import dev.wgllama.backend.webgpu.WebGpuBackend;
import dev.wgllama.gpu.Adapter;
import dev.wgllama.gpu.AdapterInfo;
import dev.wgllama.gpu.Gpu;
import java.io.PrintStream;
import java.util.Locale;

/** Creates a {@link Backend} by name: the one place the CLI, the server and the engine pick one. */
public final class Backends {
    private Backends() {
    }

    /** The backend names {@link #create} accepts. */
    public static final java.util.List<String> NAMES = java.util.List.of("cpu", "webgpu", "auto");

    /** {@link #create(String, int, PrintStream)} with every core for the CPU backend. */
    public static Backend create(String name, PrintStream log) {
        return create(name, 0, log);
    }

    /**
     * Creates a backend.
     *
     * @param name    {@code cpu}; {@code webgpu} (the default WebGPU adapter); or {@code auto}: WebGPU when a hardware
     *                adapter opens, else the CPU, saying which (and why) on {@code log}
     * @param threads CPU threads; {@code <= 0} uses every core
     * @param log     where {@code auto} reports its choice (may be null)
     * @throws IllegalArgumentException for an unknown name
     * @throws WgllamaException         when {@code webgpu} is asked for and is not available
     */
    public static Backend create(String name, int threads, PrintStream log) {
        String n = name == null ? "auto" : name.toLowerCase(Locale.ROOT);
        switch (n) {
            case "cpu":
                return cpu(threads);
            case "webgpu":
                return webGpu();
            case "auto":
                try {
                    String why = softwareAdapter();
                    if (why != null) {
                        Backend b = cpu(threads);
                        say(log, "backend: " + b.name() + " (auto: " + why + ")");
                        return b;
                    }
                    Backend b = webGpu();
                    say(log, "backend: " + b.name() + " (auto)");
                    return b;
                } catch (WgllamaException e) {
                    Backend b = cpu(threads);
                    say(log, "backend: " + b.name() + " (auto: " + e.getMessage() + ")");
                    return b;
                }
            default:
                throw new IllegalArgumentException("unknown backend '" + name + "': expected one of " + NAMES);
        }
    }

    private static Backend cpu(int threads) {
        return threads > 0 ? new CpuBackend(threads) : new CpuBackend();
    }

    private static void say(PrintStream log, String line) {
        if (log != null) {
            log.println(line);
            log.flush();
        }
    }

    /** The WebGPU backend on the default adapter, with its own device. */
    private static Backend webGpu() {
        try {
            return new WebGpuBackend();
        } catch (WgllamaException e) {
            throw new WgllamaException("webgpu backend not available: " + e.getMessage(), e);
        } catch (LinkageError e) { // Dawn's native library missing or incompatible
            throw new WgllamaException("webgpu backend not available: " + e, e);
        }
    }

    /**
     * Why {@code auto} should not use the default adapter, or null: a software rasterizer such as lavapipe
     * ({@code llvmpipe}) runs WGSL on the CPU several times slower than the CPU backend does the same work.
     */
    private static String softwareAdapter() {
        try (Gpu gpu = Gpu.open(); Adapter a = gpu.requestAdapter()) {
            AdapterInfo info = a.info();
            return info.type() == Adapter.Type.CPU
                    ? "the only WebGPU adapter, " + info.device() + ", is a software adapter on the CPU" : null;
        } catch (LinkageError e) {
            throw new WgllamaException("no WebGPU: " + e, e);
        }
    }
}
