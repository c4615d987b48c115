package dev.wgllama.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wgllama.TestPaths;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Our tokenizers against the shared reference encodings: tiny-a from SentencePiece itself, tiny-b / tiny-c from
 * Hugging Face {@code tokenizers} (both computed outside this project, see shared/models/README.md).
 */
class TokenizerReferenceTest {
    static Tokenizer load(String model) {
        Path dir = TestPaths.model(model);
        Vocabulary v = model.equals("tiny-a") ? SentencePieceModels.read(dir.resolve("tokenizer.model"))
                : HfTokenizerJson.read(dir.resolve("tokenizer.json"), dir.resolve("tokenizer_config.json"));
        return Tokenizers.create(v);
    }

    static JsonNode reference(String model) throws IOException {
        return new ObjectMapper().readTree(TestPaths.model(model).resolve("reference.json").toFile());
    }

    static int[] ints(JsonNode a) {
        int[] r = new int[a.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = a.get(i).asInt();
        }
        return r;
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-a", "tiny-b", "tiny-c"})
    void tokenizerCasesMatchReference(String model) throws IOException {
        Tokenizer t = load(model);
        List<String> failures = new ArrayList<>();
        JsonNode cases = reference(model).path("tokenizer_cases");
        assertTrue(cases.size() >= 10, "reference has tokenizer cases");
        for (JsonNode c : cases) {
            String text = c.path("text").asText();
            int[] expected = ints(c.path("ids_no_bos"));
            // HF tokenizers always split added special tokens out of the text: parseSpecial=true is its behaviour
            int[] actual = t.encode(text, false, true);
            if (!java.util.Arrays.equals(expected, actual)) {
                failures.add(text + "\n  expected " + java.util.Arrays.toString(expected)
                        + "\n  actual   " + java.util.Arrays.toString(actual));
            }
            assertEquals(text, t.decode(actual), "decode(encode(x)) for " + text);
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-a", "tiny-b", "tiny-c"})
    void promptsMatchReferenceWithBos(String model) throws IOException {
        Tokenizer t = load(model);
        assertTrue(t.vocabulary().addBos(), "Llama models add BOS");
        for (JsonNode p : reference(model).path("prompts")) {
            String text = p.path("text").asText();
            int[] ids = t.encode(text, t.vocabulary().addBos(), false);
            assertArrayEquals(ints(p.path("input_ids")), ids, text);
            assertEquals(text, t.decode(ids, false), "decode without specials");
        }
    }
}
