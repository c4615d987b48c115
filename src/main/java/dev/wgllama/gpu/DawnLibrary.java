package dev.wgllama.gpu;

import dev.wgllama.gpu.ffi.WebGpu;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Finds and loads Dawn's {@code libwebgpu_wrapper.so} (from npm package bun-webgpu-linux-x64 0.1.7).
 * Order: {@code $WGLLAMA_DAWN_LIB} (or system property {@code wgllama.dawn.lib}); the cache
 * {@code ~/.cache/wgllama/dawn/0.1.7/}; otherwise {@code scripts/fetch-dawn.sh} is run (found beside the
 * working directory or the jar) to fetch it with npm. Loaded once per JVM.
 */
public final class DawnLibrary {
    public static final String VERSION = "0.1.7";
    private static final String FILE = "libwebgpu_wrapper.so";
    private static volatile WebGpu api;
    private static volatile Path loadedFrom;

    private DawnLibrary() {
    }

    /** The bound API, loading the library on first use. */
    public static WebGpu api() {
        WebGpu a = api;
        if (a == null) {
            synchronized (DawnLibrary.class) {
                if (api == null) {
                    Path lib = locate();
                    SymbolLookup lookup;
                    try {
                        lookup = SymbolLookup.libraryLookup(lib, Arena.global());
                    } catch (IllegalArgumentException e) {
                        throw new GpuException("cannot load Dawn from " + lib + ": " + e.getMessage(), e);
                    }
                    try {
                        api = new WebGpu(lookup);
                    } catch (IllegalStateException e) {
                        throw new GpuException("Dawn library " + lib + " is not usable: " + e.getMessage(), e);
                    }
                    loadedFrom = lib;
                }
                a = api;
            }
        }
        return a;
    }

    /** Where the library was loaded from, or null before the first {@link #api()}. */
    public static Path loadedFrom() {
        return loadedFrom;
    }

    /** Default cache location of the library. */
    public static Path cachedPath() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path root = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return root.resolve("wgllama").resolve("dawn").resolve(VERSION).resolve(FILE);
    }

    static Path locate() {
        String explicit = System.getProperty("wgllama.dawn.lib", System.getenv("WGLLAMA_DAWN_LIB"));
        if (explicit != null && !explicit.isBlank()) {
            Path p = Path.of(explicit);
            if (!Files.isRegularFile(p)) {
                throw new GpuException("WGLLAMA_DAWN_LIB points at " + p + ", which is not a file");
            }
            return p;
        }
        Path cached = cachedPath();
        if (Files.isRegularFile(cached)) {
            return cached;
        }
        Path script = findScript();
        if (script == null) {
            throw new GpuException("Dawn (WebGPU) library not found at " + cached
                    + " and scripts/fetch-dawn.sh not found; run it from the wgllama checkout, or set"
                    + " WGLLAMA_DAWN_LIB to a libwebgpu_wrapper.so from npm package bun-webgpu-linux-x64@" + VERSION);
        }
        return fetch(script, cached);
    }

    private static Path findScript() {
        List<Path> candidates = new ArrayList<>();
        candidates.add(Path.of("scripts", "fetch-dawn.sh"));
        String home = System.getProperty("wgllama.home", System.getenv("WGLLAMA_HOME"));
        if (home != null) {
            candidates.add(Path.of(home, "scripts", "fetch-dawn.sh"));
        }
        try {
            Path code = Path.of(DawnLibrary.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // target/classes or target/wgllama.jar: the checkout is two levels up.
            for (Path p = code; p != null; p = p.getParent()) {
                candidates.add(p.resolve("scripts").resolve("fetch-dawn.sh"));
            }
        } catch (Exception ignored) {
            // No code source (custom class loader): fall back to the other candidates.
        }
        for (Path c : candidates) {
            if (Files.isRegularFile(c)) {
                return c.toAbsolutePath();
            }
        }
        return null;
    }

    private static Path fetch(Path script, Path expected) {
        Path root = expected.getParent().getParent();
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), root.toString());
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        try {
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new GpuException("fetching Dawn with " + script + " timed out");
            }
            if (p.exitValue() != 0 || !Files.isRegularFile(expected)) {
                throw new GpuException("fetching Dawn with " + script + " failed (exit " + p.exitValue()
                        + "): install npm, or set WGLLAMA_DAWN_LIB to libwebgpu_wrapper.so; output: " + out);
            }
            return expected;
        } catch (IOException e) {
            throw new GpuException("cannot run " + script + " to fetch Dawn: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GpuException("interrupted while fetching Dawn", e);
        }
    }
}
