package dev.wgllama.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wgllama.LlamaCpp;
import dev.wgllama.TestPaths;
import dev.wgllama.format.Tensor;
import dev.wgllama.format.gguf.GgufFile;
import dev.wgllama.model.GgufModelLoader;
import dev.wgllama.model.LoadedModel;
import dev.wgllama.quant.BlockGroupWeight;
import dev.wgllama.quant.GgmlType;
import dev.wgllama.quant.GgmlWeight;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code inspect} and {@code convert} as a user runs them, including what they say about bad input. */
class ModelFileCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static Path q4km() {
        return TestPaths.shared().resolve("models/gguf/tiny-b-Q4_K_M.gguf");
    }

    @Test
    void inspectJsonDescribesAFileWrittenByLlamaCpp() throws Exception {
        Cli r = Cli.run("inspect", q4km().toString(), "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode o = JSON.readTree(r.out());
        assertEquals("llama", o.get("architecture").asText());
        assertEquals(6, o.at("/hyperparameters/layers").asInt());
        assertEquals(1, o.at("/hyperparameters/kv_heads").asInt());
        assertTrue(o.at("/hyperparameters/tied_embeddings").asBoolean());
        assertEquals("rope_freqs", o.at("/hyperparameters/rope_scaling").asText());
        assertEquals(8192, o.at("/tokenizer/tokens").asInt());
        assertEquals("<|begin_of_text|>", o.at("/tokenizer/bos_text").asText());
        try (GgufFile f = GgufFile.open(q4km())) {
            // every tensor of the file is listed with its shape, type and size
            assertEquals(f.tensors().size(), o.get("tensors").size());
            for (JsonNode t : o.get("tensors")) {
                Tensor ft = f.requireTensor(t.get("name").asText());
                assertEquals(ft.type().name(), t.get("type").asText());
                assertEquals(Arrays.toString(ft.shape()), Arrays.toString(JSON.convertValue(t.get("shape"),
                        long[].class)));
                assertEquals(ft.data().byteSize(), t.get("bytes").asLong());
            }
        }
        assertTrue(o.at("/tensor_types/Q4_K").asInt() > 0 && o.at("/tensor_types/Q6_K").asInt() > 0);
    }

    @Test
    void inspectTextOfAHuggingFaceFolder() {
        Cli r = Cli.run("inspect", TestPaths.model("tiny-c").toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("architecture: llama4"), r.out());
        assertTrue(r.out().contains("blk.1.ffn_gate_exps.weight"), r.out());
        assertTrue(r.out().contains("chat template: yes"), r.out());
    }

    /** llama-quantize's output (Q4_0 matrices, Q6_K output) of our f32 file loads and inspects here. */
    @Test
    void llamaCppQuantizedFileLoadsAndInspects() throws Exception {
        Path f32 = dir.resolve("a-f32.gguf");
        Path q4 = dir.resolve("a-q4_0-llamacpp.gguf");
        assertEquals(0, Cli.run("convert", TestPaths.model("tiny-a").toString(), "-o", f32.toString(),
                "--type", "f32", "-q").exit());
        LlamaCpp.quantize(f32, q4, 2);
        Cli r = Cli.run("inspect", q4.toString(), "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode o = JSON.readTree(r.out());
        assertTrue(o.at("/tensor_types/Q4_0").asInt() >= 6 * 7, o.get("tensor_types").toString());
        assertEquals("llama (SentencePiece)", o.at("/tokenizer/model").asText());
        try (LoadedModel m = GgufModelLoader.load(q4)) {
            assertEquals(GgmlType.Q4_0, ((GgmlWeight) m.weight("blk.0.attn_q.weight")).type());
        }
    }

    /** Re-quantizing our own f32 GGUF gives exactly the tensors of converting the HF folder directly. */
    @Test
    void ggufToGgufMatchesHfToGguf() throws Exception {
        Path f32 = dir.resolve("b-f32.gguf");
        Path fromGguf = dir.resolve("b-q8-from-gguf.gguf");
        Path fromHf = dir.resolve("b-q8-from-hf.gguf");
        String hf = TestPaths.model("tiny-b").toString();
        assertEquals(0, Cli.run("convert", hf, "-o", f32.toString(), "--type", "f32", "-q").exit());
        assertEquals(0, Cli.run("convert", f32.toString(), "-o", fromGguf.toString(), "--type", "q8_0", "-q")
                .exit());
        Cli r = Cli.run("convert", hf, "-o", fromHf.toString(), "--type", "q8_0");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("bits per weight"), r.err());
        try (GgufFile a = GgufFile.open(fromGguf); GgufFile b = GgufFile.open(fromHf)) {
            assertEquals(b.tensors().size(), a.tensors().size());
            for (Tensor t : b.tensors()) {
                Tensor u = a.requireTensor(t.name());
                assertEquals(t.type(), u.type(), t.name());
                assertEquals(-1L, t.data().mismatch(u.data()), t.name());
            }
            assertEquals(b.metadata().string("tokenizer.chat_template"), a.metadata().string("tokenizer.chat_template"));
        }
    }

    @Test
    void blockGroupConversionStoresAlignedPartsAndLoads() throws Exception {
        Path out = dir.resolve("b-bg.gguf");
        Cli r = Cli.run("convert", TestPaths.model("tiny-b").toString(), "-o", out.toString(), "--type",
                "bg-q4_1-b32-g128", "-q");
        assertEquals(0, r.exit(), r.err());
        try (GgufFile f = GgufFile.open(out)) {
            assertEquals(256, f.alignment());
            for (Tensor t : f.tensors()) {
                assertEquals(0, (t.data().address() - f.mapping().address()) % 256, t.name());
            }
            assertTrue(f.metadata().string("wgllama.bg.blk.0.attn_q.weight").contains("\"groupSize\":128"));
            assertTrue(f.tensor("blk.0.attn_q.weight.bg.zeros") != null);
        }
        try (LoadedModel m = GgufModelLoader.load(out)) {
            assertInstanceOf(BlockGroupWeight.class, m.weight("blk.3.ffn_down.weight"));
            assertInstanceOf(GgmlWeight.class, m.weight("blk.3.ffn_norm.weight"));
        }
        Cli inspect = Cli.run("inspect", out.toString(), "--no-tensors");
        assertTrue(inspect.out().contains("bg-q4_1-b32-g128"), inspect.out());
    }

    @Test
    void embeddingOverrideKeepsTokenEmbeddingsF16() throws Exception {
        Path out = dir.resolve("b-q4.gguf");
        assertEquals(0, Cli.run("convert", TestPaths.model("tiny-b").toString(), "-o", out.toString(),
                "--type", "q4_0", "--keep-embeddings-f16", "-q").exit());
        try (GgufFile f = GgufFile.open(out)) {
            assertEquals(GgmlType.F16, f.requireTensor("token_embd.weight").type());
            assertEquals(GgmlType.Q4_0, f.requireTensor("blk.0.ffn_up.weight").type());
            assertEquals(GgmlType.F32, f.requireTensor("blk.0.ffn_norm.weight").type());
            assertEquals(GgmlType.F32, f.requireTensor("rope_freqs.weight").type());
            assertEquals(2, f.metadata().int32("general.file_type"));
        }
    }

    // ---- bad input: one line naming what is wrong, exit 1, no stack trace unless --verbose

    private static void assertCleanError(Cli r, String... mustContain) {
        assertEquals(1, r.exit(), r.out() + r.err());
        String err = r.err().strip();
        assertTrue(err.startsWith("wgllama: "), err);
        assertFalse(err.contains("\n"), "more than one line: " + err);
        assertFalse(err.contains("at dev.wgllama"), err);
        for (String s : mustContain) {
            assertTrue(err.contains(s), "'" + s + "' missing from: " + err);
        }
    }

    @Test
    void truncatedGgufNamesFileAndOffset() throws Exception {
        Path bad = dir.resolve("truncated.gguf");
        Files.write(bad, Arrays.copyOf(Files.readAllBytes(q4km()), 5000));
        assertCleanError(Cli.run("inspect", bad.toString()), bad.toString());
    }

    @Test
    void wrongMagic() throws Exception {
        Path bad = dir.resolve("magic.gguf");
        Files.write(bad, "NOTGGUF-at-all-but-long-enough-to-read-a-header-from".getBytes());
        assertCleanError(Cli.run("inspect", bad.toString()), bad.toString());
    }

    @Test
    void missingModel() {
        assertCleanError(Cli.run("inspect", dir.resolve("nope").toString()), "nope");
    }

    @Test
    void malformedConfigJson() throws Exception {
        Path m = copyOf("tiny-a");
        Files.writeString(m.resolve("config.json"), "{\"architectures\": [\"LlamaForCausalLM\"], \"hidden_size\": ");
        assertCleanError(Cli.run("inspect", m.toString()), "config.json");
    }

    @Test
    void missingTensorIsNamed() throws Exception {
        Path m = copyOf("tiny-a");
        String cfg = Files.readString(m.resolve("config.json")).replace("\"num_hidden_layers\": 6",
                "\"num_hidden_layers\": 7");
        Files.writeString(m.resolve("config.json"), cfg);
        assertCleanError(Cli.run("convert", m.toString(), "-o", dir.resolve("o.gguf").toString(), "-q"),
                "6");
    }

    @Test
    void unknownTypeAndSelfOverwrite() {
        assertCleanError(Cli.run("convert", TestPaths.model("tiny-a").toString(), "-o",
                dir.resolve("x.gguf").toString(), "--type", "q5_k"), "Q5_K");
        assertCleanError(Cli.run("convert", q4km().toString(), "-o", q4km().toString(), "-q"), "overwrite");
    }

    @Test
    void verbosePrintsTheStackTrace() {
        Cli r = Cli.run("inspect", dir.resolve("nope").toString(), "--verbose");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("at dev.wgllama"), r.err());
    }

    private Path copyOf(String model) throws Exception {
        Path m = dir.resolve(model);
        Files.createDirectories(m);
        try (var files = Files.list(TestPaths.model(model))) {
            for (Path p : files.toList()) {
                if (!p.getFileName().toString().startsWith("reference")) {
                    Files.copy(p, m.resolve(p.getFileName()));
                }
            }
        }
        return m;
    }
}
