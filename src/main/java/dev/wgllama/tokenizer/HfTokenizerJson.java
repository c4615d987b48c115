package dev.wgllama.tokenizer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wgllama.ModelFormatException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads a Hugging Face {@code tokenizer.json} plus the optional {@code tokenizer_config.json}: byte-level BPE
 * (GPT-2 / Llama 3 / Llama 4 style) into a {@link Vocabulary.Kind#BYTE_BPE} vocabulary, SentencePiece-style BPE
 * (Llama 2 style, see {@link HfSentencePieceStyle}) into a {@link Vocabulary.Kind#SENTENCEPIECE} one.
 *
 * <p>Supported byte-level pre-tokenizers: Sequence[Split(Llama 3 regex, Isolated), ByteLevel(use_regex=false)] →
 * "llama-bpe", and a lone ByteLevel(use_regex=true) → "gpt2". Anything else (another regex, other models than
 * BPE) is rejected with a {@link ModelFormatException} rather than tokenized wrongly.
 */
public final class HfTokenizerJson {
    /** Real tokenizer.json files are under 40 MB (Gemma's 256k vocabulary); the JSON tree costs ~10x in memory. */
    private static final long MAX_FILE_BYTES = 96L << 20;
    private static final int MAX_TOKENS = 1 << 22;
    private static final ObjectMapper JSON = new ObjectMapper();

    private HfTokenizerJson() {
    }

    /**
     * Reads {@code tokenizerJson} and, when not null, {@code tokenizerConfig} (bos/eos/pad names,
     * add_bos_token/add_eos_token, which override what the post-processor implies).
     */
    public static Vocabulary read(Path tokenizerJson, Path tokenizerConfig) {
        JsonNode root = load(tokenizerJson);
        JsonNode config = tokenizerConfig == null ? null : load(tokenizerConfig);
        String src = tokenizerJson.toString();

        JsonNode model = root.path("model");
        String type = model.path("type").asText("");
        if (!type.equals("BPE")) {
            throw new ModelFormatException(src + ": model.type is '" + type + "', only BPE is supported");
        }
        boolean spm = HfSentencePieceStyle.detect(root);
        boolean addSpacePrefix = spm && HfSentencePieceStyle.addSpacePrefix(root, src);
        String pre = spm ? "default" : detectPre(root.path("pre_tokenizer"), src);

        JsonNode vocab = model.path("vocab");
        if (!vocab.isObject()) {
            throw new ModelFormatException(src + ": model.vocab is missing or not an object");
        }
        JsonNode added = root.path("added_tokens");
        if (!added.isMissingNode() && !added.isNull() && !added.isArray()) {
            throw new ModelFormatException(src + ": added_tokens is not an array");
        }
        Map<Integer, String> byId = new HashMap<>();
        int maxId = -1;
        for (Map.Entry<String, JsonNode> e : vocab.properties()) {
            int id = id(e.getValue(), src, "model.vocab['" + e.getKey() + "']");
            String before = byId.put(id, e.getKey());
            if (before != null) {
                throw new ModelFormatException(src + ": model.vocab gives id " + id + " to both '" + before
                        + "' and '" + e.getKey() + "'");
            }
            maxId = Math.max(maxId, id);
        }
        Map<Integer, Integer> addedType = new HashMap<>();
        if (added.isArray()) {
            for (int i = 0; i < added.size(); i++) {
                JsonNode a = added.get(i);
                int id = id(a.path("id"), src, "added_tokens[" + i + "].id");
                JsonNode content = a.path("content");
                if (!content.isTextual()) {
                    throw new ModelFormatException(src + ": added_tokens[" + i + "].content is not a string");
                }
                byId.put(id, content.asText());
                addedType.put(id, a.path("special").asBoolean(false) ? Vocabulary.CONTROL : Vocabulary.USER_DEFINED);
                maxId = Math.max(maxId, id);
            }
        }
        if (maxId < 0) {
            throw new ModelFormatException(src + ": empty vocabulary");
        }
        if (maxId >= 2 * byId.size() + 1024) { // a few holes are normal (padded vocabularies); millions are not
            throw new ModelFormatException(src + ": token id " + maxId + " for only " + byId.size()
                    + " tokens: too many unassigned ids");
        }
        int n = maxId + 1;
        String[] tokens = new String[n];
        int[] types = new int[n];
        Map<String, Integer> ids = new HashMap<>();
        for (int i = 0; i < n; i++) {
            String t = byId.get(i);
            if (t == null) { // a hole in the ids: llama.cpp's converter fills it the same way
                tokens[i] = "[PAD" + i + "]";
                types[i] = Vocabulary.UNUSED;
            } else {
                tokens[i] = t;
                types[i] = addedType.getOrDefault(i, Vocabulary.NORMAL);
                if (spm && types[i] == Vocabulary.NORMAL && SpmTokenizer.parseByte(t) >= 0) {
                    types[i] = Vocabulary.BYTE;
                }
                ids.putIfAbsent(t, i);
            }
        }

        String[] merges = readMerges(model.path("merges"), src);

        // BOS / EOS: the config names them; the post-processor (TemplateProcessing) says whether BOS is added.
        JsonNode single = root.path("post_processor").path("single");
        if (root.path("post_processor").path("type").asText("").equals("Sequence")) {
            for (JsonNode p : root.path("post_processor").path("processors")) {
                if (p.path("type").asText("").equals("TemplateProcessing")) {
                    single = p.path("single");
                }
            }
        }
        String templateBos = null, templateEos = null;
        boolean seenSequence = false;
        for (JsonNode piece : single) {
            if (piece.has("Sequence")) {
                seenSequence = true;
            } else if (piece.has("SpecialToken")) {
                String name = piece.path("SpecialToken").path("id").asText(null);
                if (!seenSequence && templateBos == null) {
                    templateBos = name;
                } else if (seenSequence) {
                    templateEos = name;
                }
            }
        }
        String bosName = config == null ? null : tokenName(config.path("bos_token"));
        String eosName = config == null ? null : tokenName(config.path("eos_token"));
        String padName = config == null ? null : tokenName(config.path("pad_token"));
        String unkName = tokenName(model.path("unk_token"));
        if (bosName == null) {
            bosName = templateBos;
        }
        boolean addBos = templateBos != null;
        boolean addEos = templateEos != null;
        if (config != null && config.path("add_bos_token").isBoolean()) {
            addBos = config.path("add_bos_token").asBoolean();
        }
        if (config != null && config.path("add_eos_token").isBoolean()) {
            addEos = config.path("add_eos_token").asBoolean();
        }
        int bos = lookup(ids, bosName, src, "bos_token");
        int eos = lookup(ids, eosName, src, "eos_token");
        int pad = lookup(ids, padName, src, "pad_token");
        int unk = lookup(ids, unkName, src, "model.unk_token");
        if (addBos && bos < 0) {
            addBos = false;
        }
        if (spm) {
            if (unk >= 0) {
                types[unk] = Vocabulary.UNKNOWN; // as SentencePiece types it (byte-level files keep theirs)
            }
            return new Vocabulary(Vocabulary.Kind.SENTENCEPIECE, src, pre, tokens,
                    HfSentencePieceStyle.scores(tokens, merges, ids), types, null, bos, eos, unk, pad, addBos, addEos,
                    addSpacePrefix, false);
        }
        return new Vocabulary(Vocabulary.Kind.BYTE_BPE, src, pre, tokens, new float[n], types, merges, bos, eos,
                unk, pad, addBos, addEos, false, model.path("ignore_merges").asBoolean(false));
    }

    /** The Llama 3 pre-tokenizer regex, exactly as Meta's tokenizer.json spells it. */
    static final String LLAMA3_REGEX = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}|"
            + " ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    private static String detectPre(JsonNode pt, String src) {
        String type = pt.path("type").asText("");
        if (type.equals("ByteLevel") && pt.path("use_regex").asBoolean(true)
                && !pt.path("add_prefix_space").asBoolean(false)) {
            return "gpt2";
        }
        if (type.equals("Sequence") && pt.path("pretokenizers").size() == 2) {
            JsonNode split = pt.path("pretokenizers").get(0), bl = pt.path("pretokenizers").get(1);
            if (split.path("type").asText("").equals("Split")
                    && LLAMA3_REGEX.equals(split.path("pattern").path("Regex").asText(""))
                    && split.path("behavior").asText("").equals("Isolated")
                    && !split.path("invert").asBoolean(false)
                    && bl.path("type").asText("").equals("ByteLevel") && !bl.path("use_regex").asBoolean(true)
                    && !bl.path("add_prefix_space").asBoolean(false)) {
                return "llama-bpe";
            }
        }
        String shown = pt.toString();
        throw new ModelFormatException(src + ": unsupported pre_tokenizer "
                + (shown.length() > 300 ? shown.substring(0, 300) + "..." : shown)
                + "; supported: Llama 3 Split regex + ByteLevel, or GPT-2 ByteLevel");
    }

    private static String[] readMerges(JsonNode merges, String src) {
        if (!merges.isArray()) {
            throw new ModelFormatException(src + ": model.merges is missing or not an array");
        }
        String[] out = new String[merges.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode m = merges.get(i);
            if (m.isTextual()) {
                out[i] = m.asText();
            } else if (m.isArray() && m.size() == 2 && m.get(0).isTextual() && m.get(1).isTextual()) {
                out[i] = m.get(0).asText() + " " + m.get(1).asText();
            } else {
                throw new ModelFormatException(src + ": model.merges[" + i + "] is " + m
                        + ", expected \"a b\" or [\"a\", \"b\"]");
            }
            int sp = out[i].indexOf(' ', 1);
            if (sp < 0 || sp == out[i].length() - 1) {
                throw new ModelFormatException(src + ": model.merges[" + i + "] '" + out[i]
                        + "' is not two tokens");
            }
        }
        return out;
    }

    private static int id(JsonNode v, String src, String where) {
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 0 || v.asInt() >= MAX_TOKENS) {
            throw new ModelFormatException(src + ": " + where + " is " + v + ", expected an id in 0.."
                    + (MAX_TOKENS - 1));
        }
        return v.asInt();
    }

    /** A special-token field: a plain string or an AddedToken object {"content": ...}; null if absent. */
    private static String tokenName(JsonNode v) {
        if (v.isTextual()) {
            return v.asText();
        }
        if (v.isObject() && v.path("content").isTextual()) {
            return v.path("content").asText();
        }
        return null;
    }

    private static int lookup(Map<String, Integer> ids, String name, String src, String what) {
        if (name == null) {
            return -1;
        }
        Integer id = ids.get(name);
        if (id == null) {
            throw new ModelFormatException(src + ": " + what + " '" + name + "' is not in the vocabulary");
        }
        return id;
    }

    private static JsonNode load(Path file) {
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new ModelFormatException(file + ": " + size + " bytes, more than a tokenizer file can be");
            }
            JsonNode n = JSON.readTree(file.toFile());
            if (n == null || !n.isObject()) {
                throw new ModelFormatException(file + ": expected a JSON object at the top level");
            }
            return n;
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr()
                    + " (byte " + at.getByteOffset() + ")";
            throw new ModelFormatException(file + ": malformed JSON" + where + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ModelFormatException(file + ": cannot read: " + e.getMessage(), e);
        }
    }
}
