package dev.wgllama.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StopStringsTest {

    static void step(StopStrings s, String piece, String emitted, boolean stopped) {
        StopStrings.Result r = s.feed(piece);
        assertEquals(emitted, r.text(), "after feeding '" + piece + "'");
        assertEquals(stopped, r.stopped(), "after feeding '" + piece + "'");
    }

    @Test
    void stopStringAcrossPieces() {
        StopStrings s = new StopStrings(List.of("</s>"));
        step(s, "Hello <", "Hello ", false); // "<" could start "</s>": held back
        step(s, "/", "", false);
        step(s, "s>tail", "", true);
        assertTrue(s.stopped());
        assertThrows(IllegalStateException.class, () -> s.feed("x"));
    }

    @Test
    void falseAlarmReleasesHeldText() {
        StopStrings s = new StopStrings(List.of("</s>"));
        step(s, "a <", "a ", false);
        step(s, "b", "<b", false);
        step(s, "</", "", false);
        assertEquals("</", s.flush()); // end of generation without a stop: the held tail is still text
    }

    @Test
    void overlappingPrefixes() {
        StopStrings s = new StopStrings(List.of("aab"));
        step(s, "aaa", "a", false); // "aa" may still become "aab"
        step(s, "b", "", true);
        s = new StopStrings(List.of("abab"));
        step(s, "xaba", "x", false); // "aba" may still become "abab"
        step(s, "ba", "", true); // "xababa" has "abab" at 1: nothing after "x" is emitted
        s = new StopStrings(List.of("abab"));
        step(s, "abaa", "aba", false); // after "abaa", only "a" can still start "abab"
        step(s, "bab", "", true);
    }

    @Test
    void earliestStopWinsAndLongestAtTheSamePlace() {
        StopStrings s = new StopStrings(List.of("bc", "abcd"));
        StopStrings.Result r = s.feed("xabcd");
        assertEquals("x", r.text());
        assertEquals("abcd", r.stopString());
        s = new StopStrings(List.of("<|eot|>", "<|eom|>", "User:"));
        step(s, "Hi<|e", "Hi", false);
        r = s.feed("om|>more");
        assertEquals("", r.text());
        assertEquals("<|eom|>", r.stopString());
        s = new StopStrings(List.of("ab", "abc"));
        assertEquals("abc", s.feed("zabc").stopString());
    }

    @Test
    void nothingHeldWithoutAPossiblePrefix() {
        StopStrings s = new StopStrings(List.of("xyz"));
        step(s, "abc", "abc", false);
        step(s, "", "", false);
        StopStrings none = new StopStrings(List.of());
        step(none, "anything </s>", "anything </s>", false);
        assertThrows(IllegalArgumentException.class, () -> new StopStrings(List.of("")));
    }

    /** Any split of a text into pieces emits exactly the text before the first stop occurrence. */
    @Test
    void randomSplitsAgreeWithIndexOf() {
        SplittableRandom r = new SplittableRandom(11);
        List<String> stops = List.of("aab", "ba", "ccc");
        for (int trial = 0; trial < 2000; trial++) {
            StringBuilder text = new StringBuilder();
            int len = r.nextInt(1, 20);
            for (int i = 0; i < len; i++) {
                text.append("abcd".charAt(r.nextInt(4)));
            }
            String t = text.toString();
            int first = -1;
            for (String st : stops) {
                int at = t.indexOf(st);
                if (at >= 0 && (first < 0 || at < first)) {
                    first = at;
                }
            }
            List<String> pieces = new ArrayList<>();
            for (int i = 0; i < t.length();) {
                int n = r.nextInt(1, 4);
                pieces.add(t.substring(i, Math.min(t.length(), i + n)));
                i += n;
            }
            StopStrings s = new StopStrings(stops);
            StringBuilder out = new StringBuilder();
            boolean stopped = false;
            for (String p : pieces) {
                StopStrings.Result res = s.feed(p);
                out.append(res.text());
                if (res.stopped()) {
                    stopped = true;
                    break;
                }
            }
            if (!stopped) {
                out.append(s.flush());
            }
            assertEquals(first >= 0, stopped, t + " split " + pieces);
            assertEquals(first >= 0 ? t.substring(0, first) : t, out.toString(), t + " split " + pieces);
            if (!stopped) {
                assertFalse(s.stopped());
            }
        }
    }
}
