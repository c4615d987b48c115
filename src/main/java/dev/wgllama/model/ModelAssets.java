package dev.wgllama.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wgllama.ModelFormatException;
import dev.wgllama.format.gguf.GgufArray;
import dev.wgllama.format.gguf.GgufFile;
import dev.wgllama.format.gguf.GgufMetadata;
import dev.wgllama.format.gguf.GgufValue;
import dev.wgllama.tokenizer.HfTokenizerJson;
import dev.wgllama.tokenizer.SentencePieceModels;
import dev.wgllama.tokenizer.Vocabulary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The non-weight parts of a model: its vocabulary and chat template, read from GGUF metadata
 * ({@code tokenizer.ggml.*}, {@code tokenizer.chat_template}) or from a Hugging Face folder ({@code tokenizer.model},
 * {@code tokenizer.json}, {@code tokenizer_config.json}, {@code chat_template.jinja}), and written back as GGUF keys.
 */
public final class ModelAssets {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelAssets() {
    }

    /** The vocabulary of a loaded model, from wherever the model came from. */
    public static Vocabulary vocabulary(LoadedModel m) {
        if (m.resources() instanceof GgufFile f) {
            return fromGguf(f.metadata(), f.path().toString());
        }
        return fromHfDir(m.source());
    }

    /** The chat template of a loaded model, if it has one. */
    public static Optional<String> chatTemplate(LoadedModel m) {
        if (m.resources() instanceof GgufFile f) {
            return f.metadata().optString("tokenizer.chat_template");
        }
        return chatTemplateFromHfDir(m.source());
    }

    /** SentencePiece {@code tokenizer.model} when present (Llama 2), else {@code tokenizer.json} (Llama 3/4). */
    public static Vocabulary fromHfDir(Path dir) {
        Path cfg = dir.resolve("tokenizer_config.json");
        Path cfgOrNull = Files.isRegularFile(cfg) ? cfg : null;
        Path spm = dir.resolve("tokenizer.model");
        if (Files.isRegularFile(spm)) {
            return SentencePieceModels.read(spm);
        }
        Path json = dir.resolve("tokenizer.json");
        if (Files.isRegularFile(json)) {
            return HfTokenizerJson.read(json, cfgOrNull);
        }
        throw new ModelFormatException(dir + ": no tokenizer.model or tokenizer.json in the model folder");
    }

    /**
     * {@code chat_template.jinja} first (transformers 4.43+ writes it there), else {@code tokenizer_config.json}'s
     * {@code chat_template}: a string, or a list of {@code {name, template}} of which "default" is taken.
     */
    public static Optional<String> chatTemplateFromHfDir(Path dir) {
        try {
            Path jinja = dir.resolve("chat_template.jinja");
            if (Files.isRegularFile(jinja)) {
                return Optional.of(Files.readString(jinja));
            }
            Path cfg = dir.resolve("tokenizer_config.json");
            if (!Files.isRegularFile(cfg)) {
                return Optional.empty();
            }
            JsonNode t = JSON.readTree(cfg.toFile()).path("chat_template");
            if (t.isTextual()) {
                return Optional.of(t.asText());
            }
            for (JsonNode named : t) {
                if ("default".equals(named.path("name").asText())) {
                    return Optional.of(named.path("template").asText());
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new ModelFormatException(dir + ": cannot read the chat template: " + e.getMessage(), e);
        }
    }

    /** A vocabulary from GGUF's {@code tokenizer.ggml.*} keys. */
    public static Vocabulary fromGguf(GgufMetadata md, String src) {
        String model = md.string("tokenizer.ggml.model");
        Vocabulary.Kind kind = switch (model) {
            case "llama" -> Vocabulary.Kind.SENTENCEPIECE;
            case "gpt2" -> Vocabulary.Kind.BYTE_BPE;
            default -> throw new ModelFormatException(src + ": tokenizer.ggml.model = '" + model
                    + "' is not supported (expected 'llama' or 'gpt2')");
        };
        String[] tokens = md.stringArray("tokenizer.ggml.tokens");
        float[] scores = md.optFloatArray("tokenizer.ggml.scores").orElse(null);
        int[] types = md.optIntArray("tokenizer.ggml.token_type").orElse(null);
        String[] merges = md.optStringArray("tokenizer.ggml.merges").orElse(null);
        String pre = md.stringOr("tokenizer.ggml.pre", "default");
        int bos = md.int32Or("tokenizer.ggml.bos_token_id", kind == Vocabulary.Kind.SENTENCEPIECE ? 1 : -1);
        int eos = md.int32Or("tokenizer.ggml.eos_token_id", kind == Vocabulary.Kind.SENTENCEPIECE ? 2 : -1);
        int unk = md.int32Or("tokenizer.ggml.unknown_token_id", kind == Vocabulary.Kind.SENTENCEPIECE ? 0 : -1);
        int pad = md.int32Or("tokenizer.ggml.padding_token_id", -1);
        // llama.cpp's defaults: SentencePiece adds BOS and a space prefix; "llama-bpe" adds BOS too.
        boolean addBos = md.boolOr("tokenizer.ggml.add_bos_token", true);
        boolean addEos = md.boolOr("tokenizer.ggml.add_eos_token", false);
        boolean addSpace = md.boolOr("tokenizer.ggml.add_space_prefix", kind == Vocabulary.Kind.SENTENCEPIECE);
        return Vocabulary.of(kind, src, pre, tokens, scores, types, merges, valid(bos, tokens), valid(eos, tokens),
                valid(unk, tokens), valid(pad, tokens), addBos, addEos, addSpace);
    }

    /** Ids past the vocabulary (some files carry a pad id of the unpadded vocab size) count as absent. */
    private static int valid(int id, String[] tokens) {
        return id >= 0 && id < tokens.length ? id : -1;
    }

    /** The GGUF keys llama.cpp reads for this vocabulary, in the order its converter writes them. */
    public static Map<String, GgufValue> toGguf(Vocabulary v, String chatTemplate) {
        Map<String, GgufValue> out = new LinkedHashMap<>();
        boolean spm = v.kind() == Vocabulary.Kind.SENTENCEPIECE;
        out.put("tokenizer.ggml.model", GgufValue.string(spm ? "llama" : "gpt2"));
        out.put("tokenizer.ggml.pre", GgufValue.string(spm ? "default" : v.pre()));
        out.put("tokenizer.ggml.tokens", GgufValue.array(GgufArray.strings(v.tokens())));
        out.put("tokenizer.ggml.scores", GgufValue.array(GgufArray.f32(v.scores())));
        out.put("tokenizer.ggml.token_type", GgufValue.array(GgufArray.i32(v.types())));
        if (!spm) {
            out.put("tokenizer.ggml.merges", GgufValue.array(GgufArray.strings(v.merges())));
        }
        putId(out, "tokenizer.ggml.bos_token_id", v.bos());
        putId(out, "tokenizer.ggml.eos_token_id", v.eos());
        putId(out, "tokenizer.ggml.unknown_token_id", v.unk());
        putId(out, "tokenizer.ggml.padding_token_id", v.pad());
        out.put("tokenizer.ggml.add_bos_token", GgufValue.bool(v.addBos()));
        out.put("tokenizer.ggml.add_eos_token", GgufValue.bool(v.addEos()));
        if (spm) {
            out.put("tokenizer.ggml.add_space_prefix", GgufValue.bool(v.addSpacePrefix()));
        }
        if (chatTemplate != null) {
            out.put("tokenizer.chat_template", GgufValue.string(chatTemplate));
        }
        return out;
    }

    private static void putId(Map<String, GgufValue> out, String key, int id) {
        if (id >= 0) {
            out.put(key, GgufValue.u32(id));
        }
    }
}
