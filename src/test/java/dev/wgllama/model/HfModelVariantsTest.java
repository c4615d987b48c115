package dev.wgllama.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wgllama.ModelFormatException;
import dev.wgllama.TestPaths;
import dev.wgllama.format.Tensor;
import dev.wgllama.format.hf.HfModelDir;
import dev.wgllama.format.hf.SafetensorsFile;
import dev.wgllama.format.hf.SafetensorsWriter;
import dev.wgllama.quant.GgmlType;
import dev.wgllama.quant.GgmlWeight;
import dev.wgllama.quant.Weight;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Directory layouts and config forms built in temporary folders from the shared models, and hostile input. */
class HfModelVariantsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static ObjectNode config(String model) throws Exception {
        return (ObjectNode) JSON.readTree(TestPaths.model(model).resolve("config.json").toFile());
    }

    private static ModelConfig parse(JsonNode c) {
        return HfConfig.parse(c, "config.json").config();
    }

    /** A copy of a shared model directory with config.json edited. */
    private Path edited(String model, Consumer<ObjectNode> edit) throws Exception {
        Path dir = Files.createDirectory(tmp.resolve(model + "-" + System.nanoTime()));
        ObjectNode c = config(model);
        edit.accept(c);
        JSON.writeValue(dir.resolve("config.json").toFile(), c);
        Files.copy(TestPaths.model(model).resolve("model.safetensors"), dir.resolve("model.safetensors"));
        return dir;
    }

    /** A model directory whose weights are tiny-c's tensors passed through {@code rewrite} (null drops one). */
    private Path rewritten(String model, java.util.function.UnaryOperator<Tensor> rewrite) throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("rw-" + System.nanoTime()));
        Files.copy(TestPaths.model(model).resolve("config.json"), dir.resolve("config.json"));
        try (SafetensorsFile f = SafetensorsFile.open(TestPaths.model(model).resolve("model.safetensors"))) {
            List<Tensor> out = new ArrayList<>();
            for (Tensor t : f.tensors()) {
                Tensor r = rewrite.apply(t);
                if (r != null) {
                    out.add(r);
                }
            }
            SafetensorsWriter.write(dir.resolve("model.safetensors"), out);
        }
        return dir;
    }

    @Test
    void olderRopeThetaPlusRopeScalingForm() throws Exception {
        for (String typeKey : new String[] {"type", "rope_type"}) {
            ObjectNode b = config("tiny-b");
            JsonNode p = b.remove("rope_parameters");
            b.put("rope_theta", 500000.0);
            ObjectNode s = b.putObject("rope_scaling");
            s.put(typeKey, "llama3").put("factor", 32.0).put("low_freq_factor", 1.0).put("high_freq_factor", 4.0)
                    .put("original_max_position_embeddings", 8192);
            assertEquals(HfModelLoaderTest.tinyB(), parse(b), typeKey);
            assertEquals(p.get("factor").doubleValue(), parse(b).rope().scaling().factor());
        }
        ObjectNode a = config("tiny-a");
        a.remove("rope_parameters");
        a.put("rope_theta", 10000);
        a.putNull("rope_scaling");
        assertEquals(HfModelLoaderTest.tinyA(), parse(a));
        a.remove("rope_theta"); // LlamaConfig's default theta is 10000
        assertEquals(HfModelLoaderTest.tinyA(), parse(a));
        ObjectNode bad = config("tiny-b");
        ((ObjectNode) bad.get("rope_parameters")).put("rope_type", "yarn");
        String m = assertThrows(ModelFormatException.class, () -> parse(bad)).getMessage();
        assertTrue(m.contains("yarn") && m.contains("rope_parameters"), m);
        ((ObjectNode) bad.get("rope_parameters")).put("rope_type", "llama3").remove("factor");
        m = assertThrows(ModelFormatException.class, () -> parse(bad)).getMessage();
        assertTrue(m.contains("'factor'"), m);
    }

    @Test
    void headDimFallsBackToHiddenOverHeads() throws Exception {
        ObjectNode a = config("tiny-a");
        a.remove("head_dim");
        a.put("num_attention_heads", 8).put("num_key_value_heads", 8);
        assertEquals(32, parse(a).headDim());
        assertEquals(32, parse(a).rope().dim());
        ObjectNode c = config("tiny-c");
        c.putNull("head_dim");
        c.put("num_attention_heads", 4);
        assertEquals(64, parse(c).headDim());
        c.remove("head_dim"); // Llama4TextConfig's own default
        assertEquals(128, parse(c).headDim());
    }

    @Test
    void llama4LayerListsDefaultLikeTransformers() throws Exception {
        ObjectNode c = config("tiny-c");
        c.remove("moe_layers"); // interleave_moe_layer_step 2 -> layers 1, 3
        c.remove("no_rope_layers"); // no_rope_layer_interval 4 -> layer 3 is NoPE
        assertEquals(HfModelLoaderTest.tinyC(), parse(c));
        c.remove("interleave_moe_layer_step"); // default step 1: every layer is MoE
        assertArrayEquals(new boolean[] {true, true, true, true}, parse(c).moeLayers());
        c.put("interleave_moe_layer_step", 3);
        assertArrayEquals(new boolean[] {false, false, true, false}, parse(c).moeLayers());
        c.putArray("moe_layers").add(0); // explicit list wins over the step
        assertArrayEquals(new boolean[] {true, false, false, false}, parse(c).moeLayers());
        c.remove("layer_types");
        c.put("no_rope_layer_interval", 2);
        assertArrayEquals(new boolean[] {true, false, true, false}, parse(c).ropeLayers());
        c.putArray("no_rope_layers").add(0).add(1).add(1).add(1);
        assertArrayEquals(new boolean[] {false, true, true, true}, parse(c).ropeLayers());
        c.putArray("layer_types").add("full_attention").add("full_attention").add("chunked_attention")
                .add("chunked_attention");
        String m = assertThrows(ModelFormatException.class, () -> parse(c)).getMessage();
        assertTrue(m.contains("layer_types[1]"), m);
        c.remove("layer_types");
        c.putArray("moe_layers").add(4);
        m = assertThrows(ModelFormatException.class, () -> parse(c)).getMessage();
        assertTrue(m.contains("moe_layers[0] = 4"), m);
        c.remove("moe_layers");
        c.putNull("attention_chunk_size");
        assertEquals(0, parse(c).attentionChunkSize());
        c.remove("attention_chunk_size");
        assertEquals(ModelConfig.LLAMA4_DEFAULT_CHUNK, parse(c).attentionChunkSize());
        c.put("attn_temperature_tuning", 4); // early Llama 4 configs; transformers tests its truthiness
        assertTrue(parse(c).attnTemperatureTuning());
        c.remove("floor_scale");
        assertEquals(ModelConfig.LLAMA4_DEFAULT_FLOOR_SCALE, parse(c).attnFloorScale());
    }

    /** Llama4ForConditionalGeneration: nested text_config, language_model. prefixes, vision tensor, two shards. */
    @Test
    void conditionalGenerationShardedLoadsLikeTinyC() throws Exception {
        for (String[] layout : new String[][] {{"language_model.model.", "language_model.lm_head."},
            {"model.language_model.", "lm_head."}}) {
            Path dir = Files.createDirectory(tmp.resolve("cg-" + layout[1].length()));
            ObjectNode root = JSON.createObjectNode();
            root.putArray("architectures").add("Llama4ForConditionalGeneration");
            root.put("model_type", "llama4");
            root.set("text_config", config("tiny-c"));
            root.putObject("vision_config").put("hidden_size", 4).put("model_type", "llama4_vision_model");
            JSON.writeValue(dir.resolve("config.json").toFile(), root);
            ObjectNode index = JSON.createObjectNode();
            ObjectNode map = index.putObject("weight_map");
            try (SafetensorsFile f = SafetensorsFile.open(TestPaths.model("tiny-c").resolve("model.safetensors"))) {
                List<List<Tensor>> shards = List.of(new ArrayList<>(), new ArrayList<>());
                shards.get(1).add(new Tensor("vision_model.patch_embedding.linear.weight", new long[] {2, 2},
                        GgmlType.F32, MemorySegment.ofArray(new byte[16])));
                int i = 0;
                for (Tensor t : f.tensors()) {
                    String n = t.name().startsWith("model.") ? layout[0] + t.name().substring(6)
                            : layout[1] + t.name().substring("lm_head.".length());
                    shards.get(i++ % 2).add(new Tensor(n, t.shape(), t.type(), t.data()));
                }
                for (int s = 0; s < 2; s++) {
                    String file = "model-0000" + (s + 1) + "-of-00002.safetensors";
                    SafetensorsWriter.write(dir.resolve(file), shards.get(s));
                    shards.get(s).forEach(t -> map.put(t.name(), file));
                }
            }
            JSON.writeValue(dir.resolve(HfModelDir.INDEX).toFile(), index);
            try (LoadedModel got = HfModelLoader.load(dir);
                 LoadedModel want = HfModelLoader.load(TestPaths.model("tiny-c"))) {
                assertEquals(HfModelLoaderTest.tinyC(), got.config());
                assertEquals(want.weights().keySet(), got.weights().keySet());
                for (Map.Entry<String, Weight> e : want.weights().entrySet()) {
                    Tensor a = ((GgmlWeight) e.getValue()).tensor();
                    Tensor b = ((GgmlWeight) got.weight(e.getKey())).tensor();
                    assertArrayEquals(a.shape(), b.shape(), e.getKey());
                    assertEquals(-1, a.data().mismatch(b.data()), e.getKey());
                }
            }
        }
    }

    @Test
    void shardedIndexNamingAMissingTensor() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("idx"));
        Files.copy(TestPaths.model("tiny-a").resolve("config.json"), dir.resolve("config.json"));
        Files.copy(TestPaths.model("tiny-a").resolve("model.safetensors"), dir.resolve("part-1.safetensors"));
        ObjectNode index = JSON.createObjectNode();
        index.putObject("weight_map").put("model.norm.weight", "part-1.safetensors")
                .put("model.layers.9.mlp.up_proj.weight", "part-1.safetensors");
        JSON.writeValue(dir.resolve(HfModelDir.INDEX).toFile(), index);
        String m = assertThrows(ModelFormatException.class, () -> HfModelLoader.load(dir)).getMessage();
        assertTrue(m.contains("model.layers.9.mlp.up_proj.weight") && m.contains("part-1.safetensors")
                && m.contains("does not contain"), m);
        index.putObject("weight_map").put("model.norm.weight", "../tiny-a/model.safetensors");
        JSON.writeValue(dir.resolve(HfModelDir.INDEX).toFile(), index);
        m = assertThrows(ModelFormatException.class, () -> HfModelLoader.load(dir)).getMessage();
        assertTrue(m.contains("not a file name inside"), m);
        index.putObject("weight_map").put("model.norm.weight", "part-2.safetensors");
        JSON.writeValue(dir.resolve(HfModelDir.INDEX).toFile(), index);
        m = assertThrows(ModelFormatException.class, () -> HfModelLoader.load(dir)).getMessage();
        assertTrue(m.contains("part-2.safetensors") && m.contains("does not exist"), m);
        // An index that lists only the final norm: the model lacks everything else.
        index.putObject("weight_map").put("model.norm.weight", "part-1.safetensors");
        JSON.writeValue(dir.resolve(HfModelDir.INDEX).toFile(), index);
        m = assertThrows(ModelFormatException.class, () -> HfModelLoader.load(dir)).getMessage();
        assertTrue(m.contains("token_embd.weight") && m.contains("missing"), m);
    }

    @Test
    void malformedConfigJsonReportsLocation() throws Exception {
        Path dir = edited("tiny-a", c -> { });
        Files.writeString(dir.resolve("config.json"), "{\n  \"model_type\": \"llama\",\n  \"hidden_size\": ,\n}");
        String m = assertThrows(ModelFormatException.class, () -> HfModelLoader.load(dir)).getMessage();
        assertTrue(m.contains("config.json") && m.contains("line 3, column"), m);
    }

    @Test
    void missingFilesNameTheDirectory() throws Exception {
        Path empty = Files.createDirectory(tmp.resolve("empty"));
        String m = assertThrows(ModelFormatException.class, () -> HfModelLoader.load(empty)).getMessage();
        assertTrue(m.contains(empty.toString()) && m.contains("config.json"), m);
        Files.copy(TestPaths.model("tiny-a").resolve("config.json"), empty.resolve("config.json"));
        m = assertThrows(ModelFormatException.class, () -> HfModelLoader.load(empty)).getMessage();
        assertTrue(m.contains(empty.toString()) && m.contains("model.safetensors"), m);
        m = assertThrows(ModelFormatException.class, () -> HfModelLoader.load(tmp.resolve("nope"))).getMessage();
        assertTrue(m.contains("not a directory"), m);
    }

    @Test
    void optionalFilesOfTheSharedModels() {
        try (HfModelDir a = HfModelDir.open(TestPaths.model("tiny-a"));
             HfModelDir b = HfModelDir.open(TestPaths.model("tiny-b"))) {
            assertTrue(a.tokenizerModel().isPresent() && a.tokenizerJson().isEmpty());
            assertTrue(b.tokenizerJson().isPresent() && b.tokenizerModel().isEmpty());
            assertTrue(a.chatTemplate().isPresent() && a.generationConfig().isPresent()
                    && a.tokenizerConfig().isPresent());
            assertEquals("llama", a.config().get("model_type").asText());
            assertEquals(1, a.files().size());
        }
    }

    @Test
    void wrongShapeNamesTensorExpectedAndActual() throws Exception {
        Path dir = rewritten("tiny-a", t -> t.name().equals("model.layers.2.self_attn.q_proj.weight")
                ? new Tensor(t.name(), new long[] {128, 256}, t.type(), t.data().asSlice(0, 128 * 256 * 2)) : t);
        String m = assertThrows(ModelFormatException.class, () -> HfModelLoader.load(dir)).getMessage();
        assertTrue(m.contains("model.layers.2.self_attn.q_proj.weight") && m.contains("[128, 256]")
                && m.contains("expected [256, 256]"), m);
        Path experts = rewritten("tiny-c", t -> t.name().equals("model.layers.3.feed_forward.experts.gate_up_proj")
                ? new Tensor(t.name(), new long[] {4, 512, 256}, t.type(), t.data()) : t);
        m = assertThrows(ModelFormatException.class, () -> HfModelLoader.load(experts)).getMessage();
        assertTrue(m.contains("model.layers.3.feed_forward.experts.gate_up_proj") && m.contains("[4, 512, 256]")
                && m.contains("expected [4, 256, 512]"), m);
        Path noDown = rewritten("tiny-c", t -> t.name().equals("model.layers.1.feed_forward.experts.down_proj")
                ? null : t);
        m = assertThrows(ModelFormatException.class, () -> HfModelLoader.load(noDown)).getMessage();
        assertTrue(m.contains("model.layers.1.feed_forward.experts.down_proj") && m.contains("lacks"), m);
        Path noNorm = rewritten("tiny-b", t -> t.name().equals("model.norm.weight") ? null : t);
        m = assertThrows(ModelFormatException.class, () -> HfModelLoader.load(noNorm)).getMessage();
        assertTrue(m.contains("output_norm.weight") && m.contains("missing") && m.contains("'model.norm.weight'"), m);
    }

    @Test
    void configAndWeightsMustAgree() throws Exception {
        Path fewer = edited("tiny-a", c -> c.put("num_hidden_layers", 5));
        String m = assertThrows(ModelFormatException.class, () -> HfModelLoader.load(fewer)).getMessage();
        assertTrue(m.contains("model.layers.5.") && m.contains("does not belong"), m);
        Path dense = edited("tiny-c", c -> c.putArray("moe_layers").add(1));
        m = assertThrows(ModelFormatException.class, () -> HfModelLoader.load(dense)).getMessage();
        assertTrue(m.contains("layers.3") && m.contains("ffn"), m);
        Path truncated = edited("tiny-c", c -> { });
        byte[] all = Files.readAllBytes(truncated.resolve("model.safetensors"));
        Files.write(truncated.resolve("model.safetensors"), java.util.Arrays.copyOf(all, all.length / 2));
        m = assertThrows(ModelFormatException.class, () -> HfModelLoader.load(truncated)).getMessage();
        assertTrue(m.contains("model.safetensors") && m.contains("past the end"), m);
    }
}
