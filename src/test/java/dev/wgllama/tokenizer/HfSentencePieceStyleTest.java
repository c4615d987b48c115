package dev.wgllama.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wgllama.ModelFormatException;
import dev.wgllama.TestPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SentencePiece-style tokenizer.json (Llama 2 layout): tiny-a's tokenizer.model is rewritten the way Hugging
 * Face's converter writes it (vocab, merges of every two-piece split ordered by the merged piece's score, both the
 * older Prepend/Replace normalizer and the newer Metaspace pre-tokenizer); tokenizing through that file must give
 * exactly what the tokenizer.model gives (which matches SentencePiece and llama.cpp, see the other tests).
 */
class HfSentencePieceStyleTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void llama2StyleJsonTokenizesLikeTheModelFile(@TempDir Path tmp) throws Exception {
        Vocabulary spm = SentencePieceModels.read(TestPaths.model("tiny-a").resolve("tokenizer.model"));
        Tokenizer reference = Tokenizers.create(spm);
        List<String> texts = LlamaCppTokenizerTest.texts();
        texts.addAll(List.of("a</s>b<s>c", " x ", "", "   "));
        for (boolean metaspace : new boolean[] {false, true}) {
            Path json = tmp.resolve("tokenizer-" + metaspace + ".json");
            JSON.writeValue(json.toFile(), hfJson(spm, metaspace));
            Path config = tmp.resolve("tokenizer_config.json");
            JSON.writeValue(config.toFile(), Map.of("bos_token", "<s>", "eos_token", "</s>", "add_bos_token", true));
            Vocabulary v = HfTokenizerJson.read(json, config);
            assertEquals(Vocabulary.Kind.SENTENCEPIECE, v.kind());
            assertTrue(v.addSpacePrefix());
            assertEquals(1, v.bos());
            assertEquals(2, v.eos());
            assertEquals(0, v.unk());
            assertEquals(Vocabulary.BYTE, v.types()[3 + 0x41]);
            Tokenizer t = Tokenizers.create(v);
            List<String> mismatches = new ArrayList<>();
            for (String text : texts) {
                for (boolean special : new boolean[] {false, true}) {
                    int[] want = reference.encode(text, true, special), got = t.encode(text, true, special);
                    if (!Arrays.equals(want, got)) {
                        mismatches.add(text.substring(0, Math.min(50, text.length())) + " special=" + special);
                    }
                }
                assertEquals(BaseTokenizer.replaceLoneSurrogates(text),
                        t.decode(t.encode(text, true, false), false));
            }
            assertEquals(List.of(), mismatches, "metaspace=" + metaspace);
        }
    }

    @Test
    void unsupportedSentencePieceVariantsAreRejected(@TempDir Path tmp) throws Exception {
        Vocabulary spm = SentencePieceModels.read(TestPaths.model("tiny-a").resolve("tokenizer.model"));
        ObjectNode root = hfJson(spm, false);
        ((ObjectNode) root.path("normalizer").path("normalizers").get(0)).put("type", "NFKC");
        Path json = tmp.resolve("t.json");
        JSON.writeValue(json.toFile(), root);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> HfTokenizerJson.read(json, null));
        assertTrue(e.getMessage().contains("normalizer NFKC"), e.getMessage());
        ObjectNode meta = hfJson(spm, true);
        ((ObjectNode) meta.path("pre_tokenizer")).put("split", true);
        JSON.writeValue(json.toFile(), meta);
        e = assertThrows(ModelFormatException.class, () -> HfTokenizerJson.read(json, null));
        assertTrue(e.getMessage().contains("Metaspace"), e.getMessage());
    }

    @Test
    void scoresFollowMergeRanks() {
        String[] tokens = {"a", "b", "ab", "abb", "c"};
        Map<String, Integer> ids = new HashMap<>();
        for (int i = 0; i < tokens.length; i++) {
            ids.put(tokens[i], i);
        }
        float[] s = HfSentencePieceStyle.scores(tokens, new String[] {"a b", "ab b", "a bb"}, ids);
        assertArrayEquals(new float[] {-4, -4, 0, -1, -4}, s);
    }

    /** tiny-a's pieces as Hugging Face's LlamaConverter lays them out. */
    static ObjectNode hfJson(Vocabulary spm, boolean metaspace) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode added = root.putArray("added_tokens");
        for (int id = 0; id < 3; id++) {
            added.addObject().put("id", id).put("content", spm.tokens()[id]).put("special", true);
        }
        if (metaspace) {
            root.putNull("normalizer");
            root.putObject("pre_tokenizer").put("type", "Metaspace").put("replacement", "\u2581")
                    .put("prepend_scheme", "first").put("split", false);
        } else {
            ArrayNode norms = root.putObject("normalizer").put("type", "Sequence").putArray("normalizers");
            norms.addObject().put("type", "Prepend").put("prepend", "\u2581");
            norms.addObject().put("type", "Replace").put("content", "\u2581").putObject("pattern")
                    .put("String", " ");
            root.putNull("pre_tokenizer");
        }
        ObjectNode model = root.putObject("model").put("type", "BPE").put("unk_token", "<unk>")
                .put("fuse_unk", true).put("byte_fallback", true);
        ObjectNode vocab = model.putObject("vocab");
        Map<String, Integer> ids = new HashMap<>();
        for (int i = 0; i < spm.size(); i++) {
            vocab.put(spm.tokens()[i], i);
            ids.put(spm.tokens()[i], i);
        }
        // every split of a normal piece into two pieces, pieces by descending score, splits by left id
        List<int[]> merges = new ArrayList<>();
        for (int id = 0; id < spm.size(); id++) {
            String p = spm.tokens()[id];
            if (spm.types()[id] != Vocabulary.NORMAL) {
                continue;
            }
            for (int k = 1; k < p.length(); k++) {
                Integer l = ids.get(p.substring(0, k)), r = ids.get(p.substring(k));
                if (l != null && r != null && !Character.isLowSurrogate(p.charAt(k))) {
                    merges.add(new int[] {id, l, r});
                }
            }
        }
        merges.sort((x, y) -> x[0] != y[0] ? Float.compare(spm.scores()[y[0]], spm.scores()[x[0]])
                : Integer.compare(x[1], y[1]));
        ArrayNode m = model.putArray("merges");
        for (int[] x : merges) {
            m.addArray().add(spm.tokens()[x[1]]).add(spm.tokens()[x[2]]);
        }
        return root;
    }
}
