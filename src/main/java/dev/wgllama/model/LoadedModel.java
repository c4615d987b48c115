package dev.wgllama.model;

import dev.wgllama.quant.Weight;
import java.nio.file.Path;
import java.util.Map;

/**
 * A model opened from a GGUF file or a Hugging Face directory: its validated config and its weights under the
 * canonical (GGUF) names, e.g. {@code token_embd.weight}, {@code blk.0.attn_q.weight},
 * {@code blk.1.ffn_gate_exps.weight} ([E, I, d]). Weights are views into memory-mapped files (or, where a
 * layout had to change, e.g. HF's fused Llama 4 experts, into memory owned by {@code resources}).
 *
 * @param resources closes the mapped files and arenas
 */
public record LoadedModel(Path source, String format, ModelConfig config, Map<String, Weight> weights,
                          AutoCloseable resources) implements AutoCloseable {

    public Weight weight(String name) {
        Weight w = weights.get(name);
        if (w == null) {
            throw new dev.wgllama.ModelFormatException(source + ": tensor '" + name + "' is missing");
        }
        return w;
    }

    @Override
    public void close() throws Exception {
        resources.close();
    }

}
