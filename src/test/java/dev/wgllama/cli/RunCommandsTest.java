package dev.wgllama.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wgllama.TestPaths;
import dev.wgllama.backend.cpu.CpuBackend;
import dev.wgllama.model.HfModelLoader;
import dev.wgllama.model.LoadedModel;
import dev.wgllama.model.ModelAssets;
import dev.wgllama.model.Perplexity;
import dev.wgllama.model.Transformer;
import dev.wgllama.tokenizer.Tokenizer;
import dev.wgllama.tokenizer.Tokenizers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code tokenize}, {@code eval perplexity} and the one-line errors of the commands that run a model. */
class RunCommandsTest {

    /** Every reference tokenizer case (Hugging Face / SentencePiece ids), with and without --bos. */
    @ParameterizedTest
    @ValueSource(strings = {"tiny-a", "tiny-b"})
    void tokenizeMatchesReferenceCases(String name) throws Exception {
        Path m = TestPaths.model(name);
        JsonNode cases = new ObjectMapper().readTree(m.resolve("reference.json").toFile()).get("tokenizer_cases");
        int bos = Reference0.bos(name);
        for (JsonNode c : cases) {
            String text = c.get("text").asText();
            int[] want = Cli.ints(c.get("ids_no_bos"));
            Cli r = Cli.run("tokenize", "-m", m.toString(), "--text", text, "--json", "--special");
            assertEquals(0, r.exit(), r.err());
            assertArrayEquals(want, Cli.ints(r.json().get("ids")), name + ": " + text);
            Cli withBos = Cli.run("tokenize", "-m", m.toString(), "--text", text, "--json", "--bos", "--special");
            int[] ids = Cli.ints(withBos.json().get("ids"));
            assertEquals(bos, ids[0]);
            assertArrayEquals(want, java.util.Arrays.copyOfRange(ids, 1, ids.length));
        }
        // text mode: one "id<TAB>token" line per token
        Cli text = Cli.run("tokenize", "-m", m.toString(), "--text", "Hello world");
        List<String> lines = text.out().lines().toList();
        int[] want = Cli.ints(cases.get(0).get("ids_no_bos"));
        assertEquals(want.length, lines.size(), text.out());
        for (int i = 0; i < want.length; i++) {
            assertTrue(lines.get(i).startsWith(want[i] + "\t"), lines.get(i));
        }
    }

    /** Special-token text stays plain text without --special. */
    @Test
    void tokenizeWithoutSpecialKeepsControlTextPlain() {
        Path m = TestPaths.model("tiny-b");
        Cli r = Cli.run("tokenize", "-m", m.toString(), "--text", "<|begin_of_text|>", "--json");
        int[] ids = Cli.ints(r.json().get("ids"));
        assertTrue(ids.length > 1 && java.util.Arrays.stream(ids).noneMatch(i -> i == 8176),
                java.util.Arrays.toString(ids));
    }

    /** The CLI's figures equal {@link Perplexity#score} on the same three documents, computed here directly. */
    @Test
    void evalPerplexityEqualsPerplexityScore() throws Exception {
        Path data = TestPaths.shared().resolve("data/corpus-dev.jsonl");
        Path m = TestPaths.model("tiny-c");
        Cli r = Cli.run("eval", "perplexity", "-m", m.toString(), "--data", data.toString(), "--max-docs", "3",
                "--json", "--backend", "cpu");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("[3/3]"), r.err());
        JsonNode j = r.json();
        List<Perplexity.Document> docs = Perplexity.readCorpus(data).subList(0, 3);
        try (LoadedModel model = HfModelLoader.load(m); CpuBackend backend = new CpuBackend();
             Transformer tf = new Transformer(model, backend)) {
            Tokenizer tok = Tokenizers.create(ModelAssets.vocabulary(model));
            Perplexity.Result want = Perplexity.score(tf, docs, s -> tok.encode(s, false, false), tok.bos(), 256);
            assertEquals(want.tokens(), j.get("tokens_scored").asLong());
            // Same protocol, same kernels; only float summation order may differ (JIT-compiled vs interpreted
            // loops, work split across threads), so agreement is to about 1e-8, not bit for bit.
            assertEquals(want.perplexity(), j.get("perplexity").asDouble(), want.perplexity() * 1e-6);
        }
    }

    /** The WebGPU backend scores like the CPU one (a window of n rows has n-1 targets). Short texts: lavapipe is slow. */
    @Test
    void evalPerplexityOnWebGpuMatchesCpu(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("short.jsonl");
        java.nio.file.Files.writeString(data, "{\"id\": \"a\", \"text\": \"The jury said that the city had been "
                + "quiet for a long time, and the mayor agreed.\"}\n{\"id\": \"b\", \"text\": \"She looked at the "
                + "old house and walked away.\"}\n");
        String m = TestPaths.model("tiny-b").toString();
        Cli cpu = Cli.run("eval", "perplexity", "-m", m, "--data", data.toString(), "--json", "--ctx", "8",
                "--backend", "cpu");
        Cli gpu = Cli.run("eval", "perplexity", "-m", m, "--data", data.toString(), "--json", "--ctx", "8",
                "--backend", "webgpu");
        assertEquals(0, cpu.exit(), cpu.err());
        assertEquals(0, gpu.exit(), gpu.err());
        assertEquals(cpu.json().get("tokens_scored").asLong(), gpu.json().get("tokens_scored").asLong());
        double want = cpu.json().get("perplexity").asDouble();
        assertEquals(want, gpu.json().get("perplexity").asDouble(), want * 1e-4);
    }

    static void assertOneLineError(Cli r, String contains) {
        assertEquals(1, r.exit(), r.out() + r.err());
        List<String> lines = r.err().lines().filter(l -> l.startsWith("wgllama: ")).toList();
        assertEquals(1, lines.size(), r.err());
        assertTrue(lines.get(0).contains(contains), r.err());
        assertTrue(r.err().lines().noneMatch(l -> l.startsWith("\tat ")), "no stack trace: " + r.err());
    }

    @Test
    void badInputsGiveOneLineAndExitOne(@TempDir Path tmp) throws Exception {
        String tinyB = TestPaths.model("tiny-b").toString();
        assertOneLineError(Cli.run("generate", "-m", tmp.resolve("missing.gguf").toString(), "-p", "x",
                "--backend", "cpu"), "missing.gguf");
        Path junk = Files.writeString(tmp.resolve("junk.gguf"), "not a gguf file at all");
        assertOneLineError(Cli.run("generate", "-m", junk.toString(), "-p", "x", "--backend", "cpu"), "junk.gguf");
        assertOneLineError(Cli.run("generate", "-m", tinyB, "-p", "x", "--backend", "tpu"), "unknown backend 'tpu'");
        assertOneLineError(Cli.run("generate", "-m", tinyB, "-p", "The jury said that the city", "-c", "4",
                "--backend", "cpu"), "the prompt has 7 tokens but the context holds 4");
        assertOneLineError(Cli.run("generate", "-m", tinyB, "-p", "x", "--temperature", "-1", "--backend", "cpu"),
                "temperature");
        assertOneLineError(Cli.run("eval", "perplexity", "-m", tinyB, "--data", tmp.resolve("none.jsonl").toString(),
                "--backend", "cpu"), "none.jsonl");
        assertOneLineError(Cli.run("tokenize", "-m", tmp.toString(), "--text", "x"), tmp.toString());
        boolean webgpuBuilt;
        try {
            Class.forName("dev.wgllama.backend.webgpu.WebGpuBackend");
            webgpuBuilt = true;
        } catch (ClassNotFoundException e) {
            webgpuBuilt = false;
        }
        if (!webgpuBuilt) {
            assertOneLineError(Cli.run("generate", "-m", tinyB, "-p", "x", "--backend", "webgpu"), "not available");
        }
    }

    /** The -n default and the prompt cap: generation stops when the context is full. */
    @Test
    void maxTokensClippedToTheContext() {
        Cli r = Cli.run("generate", "-m", TestPaths.model("tiny-b").toString(), "-p", "The jury said that", "-c",
                "12", "-n", "100", "--temperature", "0", "--json", "--backend", "cpu");
        assertEquals(0, r.exit(), r.err());
        assertEquals(12 - 5, r.json().get("tokens").size());
        assertEquals("length", r.json().get("finish_reason").asText());
    }

    /** Reference BOS ids. */
    static final class Reference0 {
        static int bos(String name) {
            return name.equals("tiny-a") ? 1 : 8176;
        }
    }
}
