package dev.wgllama.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wgllama.model.LoadedModel;
import dev.wgllama.model.ModelAssets;
import dev.wgllama.model.ModelConfig;
import dev.wgllama.model.Models;
import dev.wgllama.quant.Weight;
import dev.wgllama.tokenizer.Vocabulary;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code wgllama inspect}: what a model file or folder holds. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Show a model's architecture, hyper-parameters, tokenizer, chat template and tensors.")
public final class InspectCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "GGUF file or Hugging Face folder")
    Path model;

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "print one JSON object instead of text")
    boolean json;

    @Option(names = "--no-tensors", description = "leave out the tensor table")
    boolean noTensors;

    @Option(names = {"-v", "--verbose"}, description = "stack traces on errors")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        try (LoadedModel m = Models.load(model)) {
            Vocabulary v = ModelAssets.vocabulary(m);
            Optional<String> template = ModelAssets.chatTemplate(m, v).map(dev.wgllama.tokenizer.ChatTemplate::source);
            ObjectNode o = describe(m, v, template);
            java.io.PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(o));
            } else {
                printText(out, m, v, template);
            }
            out.flush();
        }
        return 0;
    }

    static ObjectNode describe(LoadedModel m, Vocabulary v, Optional<String> template) {
        ObjectMapper mapper = new ObjectMapper();
        ModelConfig c = m.config();
        ObjectNode o = mapper.createObjectNode();
        o.put("source", m.source().toString());
        o.put("format", m.format());
        o.put("architecture", c.arch().ggufName());
        ObjectNode h = o.putObject("hyperparameters");
        h.put("vocab_size", c.vocabSize());
        h.put("hidden_size", c.hiddenSize());
        h.put("layers", c.layers());
        h.put("heads", c.heads());
        h.put("kv_heads", c.kvHeads());
        h.put("head_dim", c.headDim());
        h.put("ffn_size", c.ffnSize());
        h.put("context_length", c.contextLength());
        h.put("rms_eps", c.rmsEps());
        h.put("rope_theta", c.rope().theta());
        h.put("rope_dim", c.rope().dim());
        h.put("rope_pairs", c.rope().layout().name().toLowerCase(Locale.ROOT));
        h.put("rope_scaling", c.rope().scaling() != null ? "llama3" : c.rope().freqFactors() != null
                ? "rope_freqs" : "none");
        h.put("tied_embeddings", c.tiedEmbeddings());
        if (c.experts() > 0) {
            h.put("experts", c.experts());
            h.put("experts_used", c.expertsUsed());
            h.put("expert_ffn_size", c.expertFfnSize());
            h.put("moe_layers", Arrays.toString(layers(c.moeLayers(), true)));
        }
        if (c.arch() == dev.wgllama.model.Arch.LLAMA4) {
            h.put("nope_layers", Arrays.toString(layers(c.ropeLayers(), false)));
            h.put("attention_chunk_size", c.attentionChunkSize());
            h.put("qk_norm", c.qkNorm());
            h.put("attn_temperature_tuning", c.attnTemperatureTuning());
            h.put("attn_floor_scale", c.attnFloorScale());
            h.put("attn_scale", c.attnScale());
        }
        ObjectNode t = o.putObject("tokenizer");
        t.put("model", v.kind() == Vocabulary.Kind.SENTENCEPIECE ? "llama (SentencePiece)" : "gpt2 (byte-level BPE)");
        t.put("pre", v.pre());
        t.put("tokens", v.size());
        t.put("merges", v.merges().length);
        t.put("bos", v.bos());
        t.put("eos", v.eos());
        t.put("bos_text", v.bos() >= 0 ? v.tokens()[v.bos()] : null);
        t.put("eos_text", v.eos() >= 0 ? v.tokens()[v.eos()] : null);
        t.put("add_bos", v.addBos());
        o.put("chat_template", template.isPresent());
        long params = 0;
        long bytes = 0;
        Map<String, Integer> byType = new TreeMap<>();
        ArrayNode tensors = o.putArray("tensors");
        for (Map.Entry<String, Weight> e : sortedWeights(m)) {
            Weight w = e.getValue();
            ObjectNode row = tensors.addObject();
            row.put("name", e.getKey());
            ArrayNode shape = row.putArray("shape");
            for (long d : w.shape()) {
                shape.add(d);
            }
            row.put("type", w.typeName());
            row.put("bytes", w.byteSize());
            params += w.rows() * w.cols();
            bytes += w.byteSize();
            byType.merge(w.typeName(), 1, Integer::sum);
        }
        o.put("parameters", params);
        o.put("tensor_bytes", bytes);
        o.put("bits_per_weight", params == 0 ? 0 : 8.0 * bytes / params);
        ObjectNode types = o.putObject("tensor_types");
        byType.forEach(types::put);
        return o;
    }

    private void printText(java.io.PrintWriter out, LoadedModel m, Vocabulary v, Optional<String> template) {
        ObjectNode o = describe(m, v, template);
        out.printf("%s  (%s)%n", m.source(), m.format().equals("gguf") ? "GGUF" : "Hugging Face folder");
        out.printf("architecture: %s%n", o.get("architecture").asText());
        out.println("hyper-parameters:");
        o.get("hyperparameters").properties().forEach(e -> out.printf("  %-24s %s%n", e.getKey(),
                e.getValue().asText()));
        ObjectNode t = (ObjectNode) o.get("tokenizer");
        out.printf("tokenizer: %s, pre=%s, %d tokens, %d merges, bos=%d %s, eos=%d %s, add_bos=%s%n",
                t.get("model").asText(), v.pre(), v.size(), v.merges().length, v.bos(), t.get("bos_text").asText(""),
                v.eos(), t.get("eos_text").asText(""), v.addBos());
        out.printf("chat template: %s%n", template.map(s -> "yes (" + s.length() + " chars)").orElse("no"));
        out.printf(Locale.ROOT, "parameters: %,d   tensor data: %s   %.2f bits per weight   types: %s%n",
                o.get("parameters").asLong(), ProgressBar.bytes(o.get("tensor_bytes").asLong()),
                o.get("bits_per_weight").asDouble(), o.get("tensor_types"));
        if (noTensors) {
            return;
        }
        out.printf("%-36s %-20s %-18s %12s%n", "tensor", "shape", "type", "bytes");
        for (Map.Entry<String, Weight> e : sortedWeights(m)) {
            Weight w = e.getValue();
            out.printf("%-36s %-20s %-18s %,12d%n", e.getKey(), Arrays.toString(w.shape()), w.typeName(),
                    w.byteSize());
        }
    }

    private static java.util.List<Map.Entry<String, Weight>> sortedWeights(LoadedModel m) {
        java.util.List<String> names = dev.wgllama.convert.Converter.ordered(m.weights().keySet());
        return names.stream().map(n -> Map.entry(n, m.weights().get(n))).toList();
    }

    private static int[] layers(boolean[] flags, boolean value) {
        return java.util.stream.IntStream.range(0, flags.length).filter(i -> flags[i] == value).toArray();
    }
}
