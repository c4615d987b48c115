package dev.wgllama.model;

import dev.wgllama.ModelFormatException;
import dev.wgllama.format.gguf.GgufArray;
import dev.wgllama.format.gguf.GgufFile;
import dev.wgllama.format.gguf.GgufValue;
import dev.wgllama.tokenizer.ChatTemplate;
import dev.wgllama.tokenizer.ChatTemplates;
import dev.wgllama.tokenizer.GgufVocabulary;
import dev.wgllama.tokenizer.HfTokenizerJson;
import dev.wgllama.tokenizer.SentencePieceModels;
import dev.wgllama.tokenizer.Vocabulary;
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
    private ModelAssets() {
    }

    /** The vocabulary of a loaded model, from wherever the model came from. */
    public static Vocabulary vocabulary(LoadedModel m) {
        if (m.resources() instanceof GgufFile f) {
            return GgufVocabulary.read(f.metadata(), f.path().toString());
        }
        return fromHfDir(m.source());
    }

    /**
     * The chat template of a loaded model, if it has one, knowing its BOS/EOS texts: GGUF's
     * {@code tokenizer.chat_template}, or the Hugging Face folder's (see {@link ChatTemplates#fromHfDir}).
     */
    public static Optional<ChatTemplate> chatTemplate(LoadedModel m, Vocabulary v) {
        if (m.resources() instanceof GgufFile f) {
            return ChatTemplates.fromString(f.metadata().optString("tokenizer.chat_template").orElse(null),
                            f.path() + " key tokenizer.chat_template")
                    .map(t -> t.withSpecialTokens(text(v, v.bos()), text(v, v.eos())));
        }
        return ChatTemplates.fromHfDir(m.source());
    }

    private static String text(Vocabulary v, int id) {
        return id >= 0 ? v.tokens()[id] : null;
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
