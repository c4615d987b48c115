package dev.wgllama.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wgllama.TestPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Both tokenizers against llama.cpp's own (the peer): byte-level BPE on the shared tiny-b GGUF (pre-tokenizer
 * "llama-bpe"), SentencePiece on a vocabulary-only GGUF written from tiny-a's tokenizer.model. Texts: the whole
 * dev corpus plus probes of the regex's Unicode semantics (Unicode whitespace, non-ASCII digits and letters,
 * combining marks, case-insensitive contractions, CR/LF runs), with and without special-token parsing.
 */
class LlamaCppTokenizerTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static final List<String> PROBES = List.of(
            "Hello world", "ſ 'S 'ſ don'T I'LL WE'RE they'Ve", "a\u00a0b\u3000c\u2028d\u0085e\u2009f\u000bg\u000ch",
            "٣٤٥ ①②③ Ⅻ ½ 12345678 x1y22z333", "e\u0301 x\u20dd ñ Å ǅungla", "\r\n\r\n  \n\t\t x  \r  y\n\n\n",
            "     \n", "😀👍🏽 日本語 한국어 ελληνικά русский עברית العربية", "<|eot_id|> hi <|begin_of_text|>",
            "   leading", "trailing   ", " ?!... ,,, ---> ***", "'s's's''' ''s", "x\u200by\u200dz\ufeff",
            "tab\there\u00adsoft", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝟙𝟚𝟛", "a\ud800b", "mixedCASEWords andNumbers123abc456");

    @Test
    void matchesLlamaCppOnCorpusAndUnicodeProbes(@TempDir Path tmp) throws Exception {
        List<String> texts = texts();
        Path gguf = TestPaths.shared().resolve("models/gguf/tiny-b-Q4_K_M.gguf");
        Path dir = TestPaths.model("tiny-b");
        Vocabulary hf = HfTokenizerJson.read(dir.resolve("tokenizer.json"), dir.resolve("tokenizer_config.json"));
        // llama.cpp applies ignore_merges for "llama-bpe" (as Vocabulary.of does); tiny-b's tokenizer.json says
        // false. Both must agree with llama.cpp here.
        Vocabulary ignoring = new Vocabulary(hf.kind(), hf.source(), hf.pre(), hf.tokens(), hf.scores(), hf.types(),
                hf.merges(), hf.bos(), hf.eos(), hf.unk(), hf.pad(), hf.addBos(), hf.addEos(), false, true);
        for (boolean special : new boolean[] {false, true}) {
            JsonNode expected = llamaCpp(gguf, texts, special, tmp);
            for (Vocabulary v : List.of(hf, ignoring)) {
                assertEquals(List.of(), mismatches(Tokenizers.create(v), texts, expected, special),
                        "ignoreMerges=" + v.ignoreMerges());
            }
        }
    }

    @Test
    void sentencePieceMatchesLlamaCppOnCorpusAndUnicodeProbes(@TempDir Path tmp) throws Exception {
        List<String> texts = texts();
        texts.addAll(List.of("a</s>b<s>c", "<s>x", "<unk>", " </s> ", "</s>", "<0x41>"));
        Vocabulary v = SentencePieceModels.read(TestPaths.model("tiny-a").resolve("tokenizer.model"));
        Path gguf = tmp.resolve("tiny-a-vocab.gguf");
        GgufVocabularyTest.writeSentencePiece(v, gguf);
        for (boolean special : new boolean[] {false, true}) {
            JsonNode expected = llamaCpp(gguf, texts, special, tmp);
            assertEquals(List.of(), mismatches(Tokenizers.create(v), texts, expected, special));
        }
    }

    static List<String> texts() throws IOException {
        List<String> texts = new ArrayList<>(PROBES);
        for (String line : Files.readAllLines(TestPaths.shared().resolve("data/corpus-dev.jsonl"))) {
            if (!line.isBlank()) {
                texts.add(JSON.readTree(line).path("text").asText());
            }
        }
        assertTrue(texts.size() > 50, "corpus read");
        return texts;
    }

    private static List<String> mismatches(Tokenizer ours, List<String> texts, JsonNode expected, boolean special) {
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            int[] want = TokenizerReferenceTest.ints(expected.get(i));
            int[] got = ours.encode(texts.get(i), false, special);
            if (!Arrays.equals(want, got)) {
                failures.add("text " + i + " (special=" + special + "): "
                        + texts.get(i).substring(0, Math.min(60, texts.get(i).length()))
                        + "\n  llama.cpp " + Arrays.toString(Arrays.copyOf(want, Math.min(want.length, 40)))
                        + "\n  ours      " + Arrays.toString(Arrays.copyOf(got, Math.min(got.length, 40))));
            }
        }
        return failures;
    }

    static JsonNode llamaCpp(Path gguf, List<String> texts, boolean special, Path tmp)
            throws IOException, InterruptedException, URISyntaxException {
        Path in = tmp.resolve("in.json"), out = tmp.resolve("out-" + special + ".json");
        JSON.writeValue(in.toFile(), texts);
        Path script = Path.of(LlamaCppTokenizerTest.class.getResource("llamacpp_tokenize.mjs").toURI());
        ProcessBuilder pb = new ProcessBuilder("node", script.toString(), gguf.toString(), in.toString(),
                out.toString(), String.valueOf(special)).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("node.log").toFile());
        pb.environment().put("WGLLAMA_PEERS", TestPaths.peers().toString());
        Process p = pb.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "llama.cpp tokenizer finished");
        assertEquals(0, p.exitValue(), () -> "node failed: " + readLog(tmp));
        JsonNode r = JSON.readTree(out.toFile());
        assertEquals(texts.size(), r.size());
        return r;
    }

    private static String readLog(Path tmp) {
        try {
            return Files.readString(tmp.resolve("node.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }
}
