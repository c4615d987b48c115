package dev.wgllama.tokenizer;

import dev.wgllama.ModelFormatException;
import dev.wgllama.TestPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hostile tokenizer files: every defect is a ModelFormatException naming the place, never another failure. */
class TokenizerFormatTest {
    static byte[] model() throws IOException {
        return Files.readAllBytes(TestPaths.model("tiny-a").resolve("tokenizer.model"));
    }

    @Test
    void truncatedModelsFailCleanly() throws IOException {
        byte[] good = model();
        int failures = 0;
        for (int len = 0; len < good.length; len += 97) {
            byte[] cut = Arrays.copyOf(good, len);
            try {
                Vocabulary v = SentencePieceModels.parse(cut, "cut");
                Tokenizers.create(v).encode("Hello world", true, false); // a cut at a field boundary may parse
            } catch (ModelFormatException e) {
                assertTrue(e.getMessage().startsWith("cut: "), e.getMessage());
                failures++;
            }
        }
        assertTrue(failures > good.length / 97 / 2, "most cuts land inside a field: " + failures);
    }

    @Test
    void specificProtobufDefects() {
        // piece with an 11-byte varint tag
        byte[] longVarint = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
            (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x01};
        assertMessage(longVarint, "longer than 10 bytes");
        // field 1, length-delimited, length 100 with 2 bytes left
        assertMessage(new byte[] {0x0A, 100, 0x0A, 0x00}, "exceeds the 2 bytes that remain");
        // group wire type 3
        assertMessage(new byte[] {0x0B}, "wire type 3 at byte 1");
        // a piece whose type is 9
        assertMessage(new byte[] {0x0A, 0x05, 0x0A, 0x01, 'a', 0x18, 0x09}, "type 9");
        // a piece without text
        assertMessage(new byte[] {0x0A, 0x02, 0x18, 0x01}, "has no text");
        // invalid UTF-8 in a piece
        assertMessage(new byte[] {0x0A, 0x03, 0x0A, 0x01, (byte) 0xFF}, "not valid UTF-8");
        // a float score cut short
        assertMessage(new byte[] {0x0A, 0x05, 0x0A, 0x01, 'a', 0x15, 0x00}, "4 bytes needed");
        assertMessage(new byte[0], "no pieces");
        // a unigram model (trainer_spec.model_type = 1)
        assertMessage(new byte[] {0x0A, 0x03, 0x0A, 0x01, 'a', 0x12, 0x02, 0x18, 0x01}, "model_type 1");
    }

    @Test
    void randomlyCorruptedModelsNeverFailOtherwise() throws IOException {
        byte[] good = model();
        Random r = new Random(42);
        for (int trial = 0; trial < 300; trial++) {
            byte[] bad = good.clone();
            for (int k = 0; k < 1 + r.nextInt(4); k++) {
                bad[r.nextInt(bad.length)] = (byte) r.nextInt(256);
            }
            try {
                Tokenizer t = Tokenizers.create(SentencePieceModels.parse(bad, "corrupt"));
                t.decode(t.encode("Hello wörld 😀", true, false));
            } catch (ModelFormatException expected) {
                // fine: reported as a format error
            }
        }
    }

    @Test
    void missingFileIsAFormatError(@TempDir Path tmp) {
        assertThrows(ModelFormatException.class, () -> SentencePieceModels.read(tmp.resolve("nope.model")));
        assertThrows(ModelFormatException.class, () -> HfTokenizerJson.read(tmp.resolve("nope.json"), null));
    }

    @Test
    void hostileTokenizerJson(@TempDir Path tmp) throws IOException {
        String good = Files.readString(TestPaths.model("tiny-b").resolve("tokenizer.json"));
        jsonFails(tmp, good.substring(0, good.length() / 2), "malformed JSON at line");
        jsonFails(tmp, "[1, 2]", "expected a JSON object");
        jsonFails(tmp, "{\"a\": " + "[".repeat(100_000), "malformed JSON"); // nesting bomb
        jsonFails(tmp, good.replaceFirst("\"id\": 8176", "\"id\": 4000000"), "too many unassigned ids");
        jsonFails(tmp, good.replace("\"type\": \"BPE\"", "\"type\": \"Unigram\""), "only BPE is supported");
        jsonFails(tmp, good.replaceFirst("\"id\": 8176", "\"id\": -5"), "added_tokens[0].id is -5");
        jsonFails(tmp, good.replaceFirst("\"id\": 8176", "\"id\": 99999999999"), "added_tokens[0].id");
        jsonFails(tmp, good.replace("\"Regex\": \"(?i:", "\"Regex\": \"(?x:"), "unsupported pre_tokenizer");
        jsonFails(tmp, good.replaceFirst("\\[\\s*\"Ġ\",\\s*\"t\"\\s*\\]", "[\"Ġ\"]"), "model.merges[0]");
        jsonFails(tmp, good.replaceFirst("\\[\\s*\"Ġ\",\\s*\"t\"\\s*\\]", "\"Ġt\""), "is not two tokens");
        jsonFails(tmp, good.replace("\"vocab\": {", "\"vocab\": 3, \"x\": {"), "model.vocab is missing");
        // a BOS name the vocabulary lacks
        Path json = tmp.resolve("t.json"), config = tmp.resolve("c.json");
        Files.writeString(json, good);
        Files.writeString(config, "{\"bos_token\": {\"content\": \"<nope>\"}}");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> HfTokenizerJson.read(json, config));
        assertTrue(e.getMessage().contains("bos_token '<nope>'"), e.getMessage());
        Files.writeString(config, "{\"bos_token\": ");
        e = assertThrows(ModelFormatException.class, () -> HfTokenizerJson.read(json, config));
        assertTrue(e.getMessage().startsWith(config.toString()), e.getMessage());
    }

    @Test
    void bosFromObjectFormAndAddBosOverride(@TempDir Path tmp) throws IOException {
        Path json = TestPaths.model("tiny-b").resolve("tokenizer.json"), config = tmp.resolve("c.json");
        Files.writeString(config, "{\"bos_token\": {\"content\": \"<|begin_of_text|>\"}, \"eos_token\": "
                + "\"<|eot_id|>\", \"add_bos_token\": false, \"pad_token\": \"<|reserved_special_token_9|>\"}");
        Vocabulary v = HfTokenizerJson.read(json, config);
        assertEquals(8176, v.bos());
        assertEquals(8180, v.eos());
        assertEquals(8191, v.pad());
        assertEquals(false, v.addBos());
        // without a config: BOS comes from the post-processor template
        Vocabulary bare = HfTokenizerJson.read(json, null);
        assertEquals(8176, bare.bos());
        assertEquals(-1, bare.eos());
        assertTrue(bare.addBos());
    }

    @Test
    void vocabularyRejectsInconsistentArrays() {
        String[] tokens = {"a", "b"};
        assertThrows(ModelFormatException.class, () -> Vocabulary.of(Vocabulary.Kind.BYTE_BPE, "g", "gpt2", tokens,
                new float[1], null, null, -1, -1, -1, -1, false, false, false));
        assertThrows(ModelFormatException.class, () -> Vocabulary.of(Vocabulary.Kind.BYTE_BPE, "g", "gpt2", tokens,
                null, new int[] {1, 7}, null, -1, -1, -1, -1, false, false, false));
        assertThrows(ModelFormatException.class, () -> Vocabulary.of(Vocabulary.Kind.BYTE_BPE, "g", "gpt2", tokens,
                null, null, new String[] {"ab"}, -1, -1, -1, -1, false, false, false));
        assertThrows(ModelFormatException.class, () -> Vocabulary.of(Vocabulary.Kind.BYTE_BPE, "g", "gpt2", tokens,
                null, null, null, 2, -1, -1, -1, false, false, false));
        Vocabulary unknownPre = Vocabulary.of(Vocabulary.Kind.BYTE_BPE, "g", "qwen2", tokens, null, null, null, -1,
                -1, -1, -1, false, false, false);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Tokenizers.create(unknownPre));
        assertTrue(e.getMessage().contains("'qwen2'"), e.getMessage());
    }

    private static void assertMessage(byte[] data, String part) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SentencePieceModels.parse(data, "x"));
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }

    private static void jsonFails(Path tmp, String content, String part) throws IOException {
        Path f = tmp.resolve("tokenizer.json");
        Files.writeString(f, content);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> HfTokenizerJson.read(f, null));
        assertTrue(e.getMessage().contains(part), e.getMessage());
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
    }
}
