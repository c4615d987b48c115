package dev.wgllama.tokenizer;

import dev.wgllama.TestPaths;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bounded-size smoke runs that would expose quadratic behaviour: 1 MB of natural text, and worst cases for each
 * algorithm (one 1 MB "word" without spaces, which SentencePiece merges as a single sequence and byte-level BPE
 * receives as one pre-token). Linear-ish code takes well under a second each; a quadratic merge loop would take
 * hours, so the generous limit only catches that, not ordinary machine noise. Speed itself is benchmarked, not
 * tested.
 */
class TokenizerScaleTest {
    private static final int MB = 1 << 20;

    static String naturalText() throws IOException {
        String corpus = Files.readString(TestPaths.shared().resolve("data/corpus-dev.jsonl"));
        StringBuilder sb = new StringBuilder(MB + corpus.length());
        while (sb.length() < MB) {
            sb.append(corpus);
        }
        return sb.substring(0, MB);
    }

    static String oneLongWord(int chars) {
        Random r = new Random(1);
        StringBuilder sb = new StringBuilder(chars);
        while (sb.length() < chars) {
            sb.append(r.nextInt(50) == 0 ? "é" : String.valueOf((char) ('a' + r.nextInt(26))));
        }
        return sb.toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-a", "tiny-b"})
    void oneMegabyteOfTextAndWorstCases(String model) throws IOException {
        Tokenizer t = TokenizerReferenceTest.load(model);
        String natural = naturalText();
        String word = oneLongWord(MB);
        String spaces = " ".repeat(MB / 2) + "x" + "\n ".repeat(MB / 4);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (String text : new String[] {natural, word, spaces}) {
                int[] ids = t.encode(text, false, false);
                assertTrue(ids.length > 1000 && ids.length < text.length() * 4, "token count " + ids.length);
                assertEquals(text, t.decode(ids));
            }
        });
    }
}
