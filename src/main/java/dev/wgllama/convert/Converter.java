package dev.wgllama.convert;

import dev.wgllama.ModelFormatException;
import dev.wgllama.format.gguf.GgufFile;
import dev.wgllama.format.gguf.GgufValue;
import dev.wgllama.format.gguf.GgufWriter;
import dev.wgllama.format.gguf.TensorSource;
import dev.wgllama.model.Arch;
import dev.wgllama.model.LoadedModel;
import dev.wgllama.model.ModelAssets;
import dev.wgllama.model.ModelConfig;
import dev.wgllama.model.Models;
import dev.wgllama.model.Rope;
import dev.wgllama.quant.GgmlType;
import dev.wgllama.quant.RowMatrix;
import dev.wgllama.quant.Weight;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts a Hugging Face folder (llama, llama4) or a GGUF file into a GGUF file that llama.cpp loads: canonical
 * tensor names, HF Llama 2/3 q/k rows permuted to adjacent RoPE pairs, Llama 3 rope scaling baked into
 * {@code rope_freqs.weight}, tokenizer and chat template in the metadata, and each tensor in the type the
 * {@link TypePolicy} picks. Tensors are produced one at a time while the file is written, so memory stays at one
 * tensor's worth whatever the model's size.
 */
public final class Converter {

    /** Receives progress as tensors are written (for the CLI's progress bar). */
    public interface Progress {
        void tensorDone(String name, long bytesWritten, long bytesTotal);
    }

    /** What a conversion produced. */
    public record Result(Path output, int tensors, long parameters, long tensorBytes, long fileBytes,
                         Map<String, Integer> tensorsByType) {
        /** Average storage bits per weight over all tensors. */
        public double bitsPerWeight() {
            return parameters == 0 ? 0 : 8.0 * tensorBytes / parameters;
        }
    }

    private Converter() {
    }

    public static Result convert(Path input, Path output, TypePolicy policy, Progress progress) {
        boolean gguf = Files.isRegularFile(input);
        if (!gguf && !Files.isDirectory(input)) {
            throw new ModelFormatException(input + ": no such file or folder");
        }
        if (input.toAbsolutePath().normalize().equals(output.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("the output " + output + " would overwrite the input");
        }
        try (LoadedModel model = Models.load(input)) {
            return write(model, input, output, policy, progress);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new ModelFormatException(input + ": " + e.getMessage(), e);
        }
    }

    private static Result write(LoadedModel model, Path input, Path output, TypePolicy policy, Progress progress) {
        ModelConfig c = model.config();
        boolean permuteQk = c.rope().layout() == Rope.PairLayout.ROTATE_HALF;
        List<TensorSource> sources = new ArrayList<>();
        Map<String, Integer> byType = new LinkedHashMap<>();
        long params = 0;
        boolean anyQuantized = false;
        boolean anyBlockGroup = false;
        for (String name : ordered(model.weights().keySet())) {
            Weight w = model.weights().get(name);
            long[] shape = w.shape();
            TypePolicy.Target target = policy.targetFor(name, shape);
            int[] rowOrder = permuteQk ? qkRowOrder(name, c) : null;
            if (target.ggml() != null) {
                sources.add(new QuantizingSource(name, shape, target.ggml(), w, rowOrder));
            } else {
                sources.addAll(BlockGroupSources.of(name, shape, target.blockGroup(), RowMatrix.of(w), rowOrder));
                anyBlockGroup = true;
            }
            anyQuantized |= target.ggml() == null || target.ggml().quantized();
            byType.merge(target.describe(), 1, Integer::sum);
            params += w.rows() * w.cols();
        }
        // GGUF files of llama.cpp carry Llama 3 scaling as per-pair divisors; HF configs carry the parameters.
        float[] factors = c.rope().freqFactors();
        if (factors == null && c.rope().scaling() != null) {
            factors = Rope.llama3Factors(c.rope().theta(), c.rope().dim(), c.rope().scaling());
        }
        if (factors != null && !model.weights().containsKey("rope_freqs.weight")) {
            sources.add(1, FloatSource.of("rope_freqs.weight", factors));
            byType.merge("F32", 1, Integer::sum);
        }

        Map<String, GgufValue> meta = new LinkedHashMap<>();
        String name = model.source().getFileName().toString().replaceFirst("\\.gguf$", "");
        meta.putAll(ArchKeys.of(c, name, policy.llamaFileType(), anyQuantized));
        dev.wgllama.tokenizer.Vocabulary vocab = ModelAssets.vocabulary(model);
        meta.putAll(ModelAssets.toGguf(vocab, ModelAssets.chatTemplate(model, vocab)
                .map(dev.wgllama.tokenizer.ChatTemplate::source).orElse(null)));
        for (TensorSource s : sources) {
            if (s instanceof BlockGroupSources.Meta m && m.key() != null) {
                meta.put(m.key(), GgufValue.string(m.json()));
            }
        }
        // Block-group parts map straight onto GPU buffers: every tensor's data starts on 256 bytes.
        GgufWriter writer = new GgufWriter(anyBlockGroup ? 256 : GgufFile.DEFAULT_ALIGNMENT);
        writer.putAll(meta);
        long total = 0;
        for (TensorSource s : sources) {
            total += s.byteSize();
        }
        long[] done = {0};
        long bytesTotal = total;
        for (TensorSource s : sources) {
            writer.add(progress == null ? s : new ReportingSource(s, n -> {
                done[0] += n;
                progress.tensorDone(s.name(), done[0], bytesTotal);
            }));
        }
        writer.write(output);
        long fileBytes;
        try {
            fileBytes = Files.size(output);
        } catch (java.io.IOException e) {
            fileBytes = -1;
        }
        return new Result(output, sources.size(), params + (factors != null ? factors.length : 0), total,
                fileBytes, byType);
    }

    /** Source rows for q/k of an HF Llama 2/3 model (rotate-half → adjacent pairs), else null. */
    private static int[] qkRowOrder(String name, ModelConfig c) {
        if (c.arch() != Arch.LLAMA || !name.startsWith("blk.")) {
            return null;
        }
        if (name.endsWith(".attn_q.weight")) {
            return QkPermutation.sourceRows(c.heads(), c.headDim());
        }
        if (name.endsWith(".attn_k.weight")) {
            return QkPermutation.sourceRows(c.kvHeads(), c.headDim());
        }
        return null;
    }

    /** llama.cpp's order: token_embd, then each block's tensors, then output_norm and output. */
    public static List<String> ordered(java.util.Collection<String> names) {
        List<String> out = new ArrayList<>(names);
        out.sort(Comparator.comparingLong(Converter::rank).thenComparing(Comparator.naturalOrder()));
        return out;
    }

    private static long rank(String n) {
        if (n.startsWith("token_embd")) {
            return 0;
        }
        if (n.startsWith("rope_freqs")) {
            return 1;
        }
        if (n.startsWith("blk.")) {
            int dot = n.indexOf('.', 4);
            return 2 + Long.parseLong(n.substring(4, dot));
        }
        return Long.MAX_VALUE - (n.startsWith("output_norm") ? 1 : 0);
    }

    /** Wraps a source to report how many bytes it wrote. */
    private record ReportingSource(TensorSource inner, java.util.function.LongConsumer onDone)
            implements TensorSource {
        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public long[] shape() {
            return inner.shape();
        }

        @Override
        public GgmlType type() {
            return inner.type();
        }

        @Override
        public long byteSize() {
            return inner.byteSize();
        }

        @Override
        public void writeTo(java.nio.channels.WritableByteChannel out) throws java.io.IOException {
            inner.writeTo(out);
            onDone.accept(inner.byteSize());
        }
    }
}
