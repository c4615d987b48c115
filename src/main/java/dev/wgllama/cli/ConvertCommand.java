package dev.wgllama.cli;

import dev.wgllama.convert.Converter;
import dev.wgllama.convert.TypePolicy;
import dev.wgllama.quant.BlockGroupSpec;
import dev.wgllama.quant.GgmlType;
import dev.wgllama.quant.Quants;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code wgllama convert}: Hugging Face folder or GGUF file → GGUF file of the requested type. */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = {"Convert a Hugging Face model folder (llama, llama4) or a GGUF file to GGUF.",
            "Weight matrices take --type; norms, rope_freqs and the MoE router stay F32."})
public final class ConvertCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "Hugging Face folder or .gguf file")
    Path input;

    @Spec
    CommandSpec spec;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT.gguf", description = "output file")
    Path output;

    @Option(names = {"-t", "--type"}, defaultValue = "f16", paramLabel = "TYPE",
            description = "f32, f16, bf16, q8_0, q4_0, q4_1, or a block-group spec such as bg-q4_1-b32-g128 "
                    + "(bg-<q4_0|q4_1|q8_0>-b<blockSize>-g<groupSize>[-dynamic]); default ${DEFAULT-VALUE}")
    String type;

    @Option(names = "--token-embedding-type", paramLabel = "TYPE",
            description = "type for token_embd.weight (like llama-quantize's option)")
    String embedType;

    @Option(names = "--output-tensor-type", paramLabel = "TYPE",
            description = "type for output.weight (like llama-quantize's option)")
    String outputType;

    @Option(names = "--keep-embeddings-f16",
            description = "store token_embd and output in F16 whatever --type says")
    boolean keepEmbeddingsF16;

    @Option(names = {"-q", "--quiet"}, description = "no progress bar")
    boolean quiet;

    @Option(names = {"-v", "--verbose"}, description = "stack traces on errors")
    boolean verbose;

    @Override
    public Integer call() {
        TypePolicy policy = policy();
        java.io.PrintWriter err = spec.commandLine().getErr();
        ProgressBar bar = quiet ? null : new ProgressBar(err, "converting");
        long t0 = System.nanoTime();
        Converter.Result r = Converter.convert(input, output, policy, bar == null ? null
                : (name, done, total) -> bar.update(done, total, name));
        if (bar != null) {
            bar.finish();
        }
        double s = (System.nanoTime() - t0) / 1e9;
        err.printf(Locale.ROOT, "wrote %s: %d tensors, %,d parameters, %s of tensor data (%s file), %.2f bits per "
                        + "weight, %.1f s%n", r.output(), r.tensors(), r.parameters(), ProgressBar.bytes(r.tensorBytes()),
                ProgressBar.bytes(r.fileBytes()), r.bitsPerWeight(), s);
        err.println("tensor types: " + r.tensorsByType());
        err.flush();
        return 0;
    }

    TypePolicy policy() {
        String t = type.toLowerCase(Locale.ROOT);
        GgmlType embed = keepEmbeddingsF16 ? GgmlType.F16 : parseOverride(embedType, "--token-embedding-type");
        GgmlType out = keepEmbeddingsF16 ? GgmlType.F16 : parseOverride(outputType, "--output-tensor-type");
        if (t.startsWith("bg-")) {
            return new TypePolicy(null, BlockGroupSpec.parse(t), embed, out);
        }
        TypePolicy p = new TypePolicy(parseOverride(t, "--type"), null, embed, out);
        p.llamaFileType(); // rejects types we can read but not write (Q4_K, Q6_K, ...)
        return p;
    }

    private static GgmlType parseOverride(String name, String option) {
        if (name == null) {
            return null;
        }
        GgmlType t;
        try {
            t = GgmlType.parse(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + " '" + name
                    + "' is not a type: use f32, f16, bf16, q8_0, q4_0, q4_1 or a bg-... spec");
        }
        if (!t.supported() || !Quants.of(t).canQuantize()) {
            throw new IllegalArgumentException(option + " " + t + " cannot be written: use f32, f16, bf16, q8_0, "
                    + "q4_0 or q4_1");
        }
        return t;
    }
}
