package dev.wgllama.backend.webgpu;

import static dev.wgllama.gpu.ComputePipeline.Binding.READ_ONLY_STORAGE;
import static dev.wgllama.gpu.ComputePipeline.Binding.STORAGE;
import static dev.wgllama.gpu.ComputePipeline.Binding.UNIFORM;

import dev.wgllama.gpu.ComputePipeline;
import dev.wgllama.gpu.Device;
import dev.wgllama.gpu.GpuException;
import dev.wgllama.gpu.ShaderModule;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The WGSL kernels of {@code resources/shaders} compiled once per device, each with its binding kinds (group 0,
 * bindings in order), after expanding their {@code //#include} lines. Pipelines live as long as this object.
 */
public final class Kernels implements AutoCloseable {
    /** A line starting with this is replaced by the library named after it (see {@link #source}). */
    private static final String INCLUDE = "//#include ";
    /** Bindings of a kernel over a GGML weight: params, W chunk, x, y. */
    private static final List<ComputePipeline.Binding> GGML_WEIGHT =
            List.of(UNIFORM, READ_ONLY_STORAGE, READ_ONLY_STORAGE, STORAGE);
    /** Bindings of a kernel over a block-group weight: params, codes, scales, zeros, x, y. */
    private static final List<ComputePipeline.Binding> BG_WEIGHT = List.of(UNIFORM, READ_ONLY_STORAGE,
            READ_ONLY_STORAGE, READ_ONLY_STORAGE, READ_ONLY_STORAGE, STORAGE);

    /** Kernel name (file name without .wgsl) → its bindings, matching the declarations in the file. */
    static final Map<String, List<ComputePipeline.Binding>> BINDINGS = bindings();

    private static Map<String, List<ComputePipeline.Binding>> bindings() {
        Map<String, List<ComputePipeline.Binding>> m = new HashMap<>(Map.ofEntries(
                Map.entry("rmsnorm", List.of(UNIFORM, READ_ONLY_STORAGE, READ_ONLY_STORAGE, STORAGE)),
                Map.entry("rope", List.of(UNIFORM, READ_ONLY_STORAGE, STORAGE)),
                Map.entry("attention", List.of(UNIFORM, READ_ONLY_STORAGE, READ_ONLY_STORAGE, READ_ONLY_STORAGE,
                        STORAGE, STORAGE)),
                Map.entry("attention_merge", List.of(UNIFORM, READ_ONLY_STORAGE, STORAGE)),
                Map.entry("swiglu", List.of(UNIFORM, STORAGE, READ_ONLY_STORAGE)),
                Map.entry("add", List.of(UNIFORM, STORAGE, READ_ONLY_STORAGE)),
                Map.entry("argmax", List.of(UNIFORM, READ_ONLY_STORAGE, STORAGE)),
                Map.entry("logprob", List.of(UNIFORM, READ_ONLY_STORAGE, READ_ONLY_STORAGE, STORAGE)),
                Map.entry("temperature", List.of(UNIFORM, STORAGE)),
                Map.entry("moe_route", List.of(UNIFORM, READ_ONLY_STORAGE, READ_ONLY_STORAGE, STORAGE, STORAGE)),
                Map.entry("matmul_reduce", List.of(UNIFORM, READ_ONLY_STORAGE, STORAGE)),
                Map.entry("moe_scale", List.of(UNIFORM, READ_ONLY_STORAGE, READ_ONLY_STORAGE, STORAGE))));
        // Every weight format has a matvec (decode) and a tiled matmul (prompt) kernel with the same bindings.
        for (String f : List.of("f32", "f16", "bf16", "q4_0", "q4_1", "q8_0", "q4_k", "q6_k")) {
            m.put("matvec_" + f, GGML_WEIGHT);
            m.put("matmul_" + f, GGML_WEIGHT);
        }
        m.put("matvec_bg", BG_WEIGHT);
        m.put("matmul_bg", BG_WEIGHT);
        ShaderF16.nativeKernels().forEach(n -> m.put(n, GGML_WEIGHT));
        return Map.copyOf(m);
    }

    private final Device device;
    private final Map<String, ComputePipeline> pipelines = new HashMap<>();
    private final boolean shaderF16;

    /** Kernels on {@code device}, reading F16 weights as f16 where the device allows it (see {@link ShaderF16}). */
    public Kernels(Device device) {
        this(device, ShaderF16.wanted(device));
    }

    /**
     * Kernels on {@code device}; {@code shaderF16} picks the f16 kernel variants for F16 weights.
     *
     * @throws IllegalArgumentException if {@code shaderF16} but the device lacks the feature
     */
    public Kernels(Device device, boolean shaderF16) {
        if (shaderF16 && !device.hasShaderF16()) {
            throw new IllegalArgumentException("device '" + device.label() + "' has no shader-f16 feature");
        }
        this.device = device;
        this.shaderF16 = shaderF16;
    }

    /** Whether F16 weights are read by the shader-f16 kernel variants. */
    public boolean shaderF16() {
        return shaderF16;
    }

    /** The kernel to launch for {@code name}: its shader-f16 variant when this object uses them. */
    String variant(String name) {
        return ShaderF16.variant(name, shaderF16);
    }

    public Device device() {
        return device;
    }

    /** The pipeline of kernel {@code name}, compiled on first use. */
    public ComputePipeline pipeline(String name) {
        ComputePipeline p = pipelines.get(name);
        if (p == null) {
            List<ComputePipeline.Binding> bindings = BINDINGS.get(name);
            if (bindings == null) {
                throw new IllegalArgumentException("no kernel named '" + name + "'");
            }
            try (ShaderModule m = device.createShaderModule(name + ".wgsl", source(name))) {
                p = device.createComputePipeline(name, m, "main", bindings);
            }
            pipelines.put(name, p);
        }
        return p;
    }

    /**
     * The WGSL text of {@code shaders/<name>.wgsl} on the class path with its {@code //#include lib} lines
     * replaced by {@code shaders/lib/<lib>.wgsl} (recursively; each library at most once per kernel, at its first
     * include). WGSL has no include of its own; this lets the kernels of every weight format share one driver
     * (matvec, tiled matmul) and each format's decoding.
     */
    public static String source(String name) {
        StringBuilder out = new StringBuilder();
        expand("/shaders/" + name + ".wgsl", out, new java.util.HashSet<>());
        return out.toString();
    }

    /** Appends the lines of {@code path}, expanding includes not in {@code done} (so cycles end too). */
    private static void expand(String path, StringBuilder out, java.util.Set<String> done) {
        for (String line : read(path).split("\n", -1)) {
            if (line.startsWith(INCLUDE)) {
                String lib = "/shaders/lib/" + line.substring(INCLUDE.length()).strip() + ".wgsl";
                if (done.add(lib)) {
                    expand(lib, out, done);
                }
            } else {
                out.append(line).append('\n');
            }
        }
    }

    private static String read(String path) {
        try (InputStream in = Kernels.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new GpuException("kernel " + path + " missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new GpuException("cannot read kernel " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        pipelines.values().forEach(ComputePipeline::close);
        pipelines.clear();
    }
}
