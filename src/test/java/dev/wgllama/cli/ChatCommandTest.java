package dev.wgllama.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgllama.TestPaths;
import dev.wgllama.engine.Engine;
import dev.wgllama.engine.EngineOptions;
import dev.wgllama.engine.GenerateRequest;
import dev.wgllama.engine.Session;
import dev.wgllama.sampling.SamplingParams;
import dev.wgllama.tokenizer.ChatMessage;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code wgllama chat} driven through piped stdin: two turns, {@code /reset}, the first turn again, then EOF. Each
 * reply must equal a fresh session's greedy reply to the same conversation (so the CLI's prefix reuse across
 * turns changes nothing), and the turn after /reset must repeat the first.
 */
class ChatCommandTest {
    @ParameterizedTest
    @ValueSource(strings = {"tiny-a", "tiny-b"})
    void pipedConversation(String name) {
        String model = TestPaths.model(name).toString();
        Cli r = Cli.runWithInput("Hello there\n\nWhat is your name?\n/reset\nHello there\n", "chat", "-m", model,
                "--system", "You are terse.", "-n", "10", "--temperature", "0", "--backend", "cpu");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("(conversation reset)"), r.err());

        GenerateRequest settings = GenerateRequest.builder().maxTokens(10).sampling(SamplingParams.greedy()).build();
        ChatMessage sys = new ChatMessage("system", "You are terse.");
        ChatMessage hello = new ChatMessage("user", "Hello there");
        try (Engine e = Engine.load(EngineOptions.of(TestPaths.model(name)).withBackend("cpu"))) {
            String first;
            try (Session s = e.newSession()) {
                first = s.chat(List.of(sys, hello), settings, t -> { }).text();
            }
            String second;
            try (Session s = e.newSession()) {
                second = s.chat(List.of(sys, hello, new ChatMessage("assistant", first),
                        new ChatMessage("user", "What is your name?")), settings, t -> { }).text();
            }
            String nl = System.lineSeparator();
            assertTrue(!first.isEmpty());
            assertEquals(first + nl + second + nl + first + nl, r.out());
        }
    }

    /** A long conversation in a small context forgets its oldest exchanges instead of failing. */
    @org.junit.jupiter.api.Test
    void smallContextDropsOldExchanges() {
        Cli r = Cli.runWithInput("Hello there\nWhat is your name?\nWhere do you live?\nGood night\n", "chat", "-m",
                TestPaths.model("tiny-b").toString(), "-c", "64", "-n", "12", "--temperature", "0", "--backend", "cpu");
        assertEquals(0, r.exit(), r.err());
        assertEquals(4, r.out().lines().count(), r.out());
        assertTrue(r.err().contains("(context full: dropped the oldest exchange)"), r.err());
    }
}
