package dev.wgllama.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wgllama.Reference;
import dev.wgllama.TestPaths;
import dev.wgllama.convert.Converter;
import dev.wgllama.convert.TypePolicy;
import dev.wgllama.quant.GgmlType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code wgllama generate} against the PyTorch references: greedy continuations token for token, prompt tokens
 * (BOS included) equal to the reference tokenization, and the streamed text equal to the JSON text.
 */
class GenerateCommandTest {

    static Cli greedy(Path model, String prompt, int n, String... extra) {
        String[] base = {"generate", "-m", model.toString(), "-p", prompt, "-n", String.valueOf(n), "--temperature",
            "0", "--backend", "cpu"};
        String[] args = Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        Cli r = Cli.run(args);
        assertEquals(0, r.exit(), r.err());
        return r;
    }

    static void checkPrompts(Path model, Reference ref, int... which) {
        for (int i : which) {
            Reference.Prompt p = ref.prompts().get(i);
            JsonNode j = greedy(model, p.text(), 32, "--json").json();
            assertArrayEquals(p.inputIds(), Cli.ints(j.get("prompt_tokens")), model + " prompt " + i + " tokens");
            assertArrayEquals(p.greedy32(), Cli.ints(j.get("tokens")), model + " prompt " + i + " greedy_32");
            assertEquals("length", j.get("finish_reason").asText());
            assertTrue(j.get("timings").get("prefill_tokens_per_s").asDouble() > 0);
            assertTrue(j.get("timings").get("decode_tokens_per_s").asDouble() > 0);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-a", "tiny-b", "tiny-c"})
    void greedyJsonMatchesReference(String name) {
        Reference ref = Reference.of(name);
        checkPrompts(TestPaths.model(name), ref, 0, ref.prompts().size() - 1);
    }

    @Test
    void convertedF32GgufMatchesReference(@TempDir Path tmp) {
        Path gguf = tmp.resolve("tiny-a-f32.gguf");
        Converter.convert(TestPaths.model("tiny-a"), gguf, new TypePolicy(GgmlType.F32, null, null, null), null);
        checkPrompts(gguf, Reference.of("tiny-a"), 1, 3);
    }

    /** The same command on the WebGPU backend (lavapipe in CI), created through Backends by name. */
    @Test
    void webgpuBackendMatchesReference() {
        Reference.Prompt p = Reference.of("tiny-b").prompts().get(0);
        Cli r = Cli.run("generate", "-m", TestPaths.model("tiny-b").toString(), "-p", p.text(), "-n", "32",
                "--temperature", "0", "--backend", "webgpu", "--json", "--no-warmup");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("on webgpu"), r.err());
        assertArrayEquals(p.greedy32(), Cli.ints(r.json().get("tokens")));
    }

    @Test
    void streamedTextEqualsJsonText() {
        Path m = TestPaths.model("tiny-b");
        String prompt = Reference.of("tiny-b").prompts().get(4).text();
        JsonNode j = greedy(m, prompt, 24, "--json").json();
        Cli streamed = greedy(m, prompt, 24);
        assertEquals(j.get("text").asText() + System.lineSeparator(), streamed.out());
        assertTrue(streamed.err().lines().anyMatch(l -> l.startsWith("prefill: ") && l.contains("tokens/s")),
                streamed.err());
    }

    /** A stop string cuts the text right before it; the tokens are a prefix of the unstopped run. */
    @Test
    void stopStringCutsExactly() {
        Path m = TestPaths.model("tiny-b");
        String prompt = Reference.of("tiny-b").prompts().get(0).text();
        JsonNode full = greedy(m, prompt, 32, "--json").json();
        String text = full.get("text").asText();
        String stop = "lawyer, but";       // spans several tokens of " the jury was not to be a lawyer, but the..."
        int at = text.indexOf(stop);
        assertTrue(at > 0, text);
        JsonNode cut = greedy(m, prompt, 32, "--json", "--stop", "nothing like this", "--stop", stop).json();
        assertEquals(text.substring(0, at), cut.get("text").asText());
        assertEquals("stop", cut.get("finish_reason").asText());
        int[] tokens = Cli.ints(cut.get("tokens"));
        assertTrue(tokens.length < 32);
        assertArrayEquals(Arrays.copyOf(Cli.ints(full.get("tokens")), tokens.length), tokens);
        Cli streamed = greedy(m, prompt, 32, "--stop", stop);
        assertEquals(text.substring(0, at) + System.lineSeparator(), streamed.out());
    }

    /**
     * tiny-b never learned to emit its EOS, so a copy of it names "." as EOS (tokenizer_config.json): greedy
     * decoding of reference prompt 0 reaches "." at token 22; --stop-at-eos ends there, without it -n rules.
     */
    @Test
    void stopAtEos(@TempDir Path tmp) throws Exception {
        Path src = TestPaths.model("tiny-b");
        for (String f : new String[] {"config.json", "model.safetensors", "tokenizer.json", "chat_template.jinja"}) {
            Files.copy(src.resolve(f), tmp.resolve(f));
        }
        Files.writeString(tmp.resolve("tokenizer_config.json"),
                "{\"bos_token\": \"<|begin_of_text|>\", \"eos_token\": \".\"}");
        Reference.Prompt p = Reference.of("tiny-b").prompts().get(0);
        int dot = Arrays.stream(p.greedy32()).boxed().toList().indexOf(13);
        assertTrue(dot > 0);
        JsonNode stopped = greedy(tmp, p.text(), 32, "--json", "--stop-at-eos").json();
        assertArrayEquals(Arrays.copyOf(p.greedy32(), dot + 1), Cli.ints(stopped.get("tokens")));
        assertEquals("eos", stopped.get("finish_reason").asText());
        assertTrue(!stopped.get("text").asText().contains("."), stopped.get("text").asText());
        JsonNode on = greedy(tmp, p.text(), 32, "--json").json();
        assertArrayEquals(p.greedy32(), Cli.ints(on.get("tokens")));
        // --chat always ends at end of turn / EOS: its reply ("The first step ... a good one.") ends at the "."
        JsonNode chat = greedy(tmp, "Hello there", 40, "--json", "--chat").json();
        int[] reply = Cli.ints(chat.get("tokens"));
        assertEquals("eos", chat.get("finish_reason").asText());
        assertEquals(13, reply[reply.length - 1]);
        assertEquals(1, Arrays.stream(reply).filter(t -> t == 13).count());
    }

    @Test
    void seededSamplingIsReproducible() {
        Path m = TestPaths.model("tiny-c");
        String[] args = {"generate", "-m", m.toString(), "-p", "Once upon a time", "-n", "16", "--backend", "cpu",
            "--json", "--temperature", "1.0", "--seed", "7"};
        JsonNode a = Cli.run(args).json();
        JsonNode b = Cli.run(args).json();
        assertEquals(a.get("tokens"), b.get("tokens"));
        args[args.length - 1] = "8";
        JsonNode c = Cli.run(args).json();
        assertTrue(!a.get("tokens").equals(c.get("tokens")), "seeds 7 and 8 sampled the same 16 tokens");
    }

    @Test
    void chatWrapsThePromptInTheTemplate() {
        Path m = TestPaths.model("tiny-b");
        JsonNode j = greedy(m, "Hello there", 8, "--json", "--chat").json();
        int[] prompt = Cli.ints(j.get("prompt_tokens"));
        // <|begin_of_text|> <|start_header_id|> user <|end_header_id|> \n\n Hello there <|eot_id|> ... assistant
        assertEquals(8176, prompt[0]);
        assertEquals(8178, prompt[1]);
        assertEquals(1, Arrays.stream(prompt).filter(t -> t == 8176).count(), "one BOS");
        assertEquals(8179, prompt[prompt.length - 3]);
    }
}
