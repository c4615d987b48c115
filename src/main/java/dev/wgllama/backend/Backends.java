package dev.wgllama.backend;

import dev.wgllama.WgllamaException;
import dev.wgllama.backend.cpu.CpuBackend;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.util.Locale;

/** Creates a {@link Backend} by name: the one place the CLI, the server and the engine pick one. */
public final class Backends {
    /** The WebGPU backend, looked up by name so this class compiles (and {@code cpu} works) without it. */
    static final String WEBGPU_CLASS = "dev.wgllama.backend.webgpu.WebGpuBackend";

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
     * @param name    {@code cpu}; {@code webgpu} (the default WebGPU adapter); or {@code auto}: WebGPU when an
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

    /** The WebGPU backend through its no-argument constructor (default adapter, its own device). */
    private static Backend webGpu() {
        Class<?> c;
        try {
            c = Class.forName(WEBGPU_CLASS);
        } catch (ClassNotFoundException e) {
            throw new WgllamaException("the webgpu backend is not available in this build; use --backend cpu");
        }
        try {
            return (Backend) c.getConstructor().newInstance();
        } catch (InvocationTargetException e) {
            Throwable t = e.getCause();
            if (t instanceof WgllamaException w) {
                throw new WgllamaException("webgpu backend not available: " + w.getMessage(), w);
            }
            if (t instanceof LinkageError l) {        // Dawn's native library missing or incompatible
                throw new WgllamaException("webgpu backend not available: " + l, l);
            }
            if (t instanceof RuntimeException r) {
                throw r;
            }
            throw new WgllamaException("webgpu backend failed to start: " + t, t);
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new WgllamaException("webgpu backend cannot be created: " + e, e);
        }
    }
}
