package dev.wgllama.model;

import dev.wgllama.ModelFormatException;
import dev.wgllama.format.Tensor;
import dev.wgllama.format.hf.HfModelDir;
import dev.wgllama.quant.GgmlType;
import dev.wgllama.quant.GgmlWeight;
import dev.wgllama.quant.Weight;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Opens a Hugging Face model directory as a {@link LoadedModel}: config.json parsed by {@link HfConfig}, text-model
 * tensors renamed to the canonical GGUF names ({@link TensorNames}), every tensor {@link TensorTable} lists checked
 * for presence, shape and dtype (F32, F16 or BF16), and Llama 4's fused experts re-laid-out by {@link FusedExperts}
 * into memory closed with the model. Llama 2/3 q/k weights stay in Hugging Face's rotate-half order (the config says
 * {@link Rope.PairLayout#ROTATE_HALF}); nothing is permuted.
 */
public final class HfModelLoader {
    private HfModelLoader() {
    }

    /** Loads {@code dir}; the caller closes the result (unmapping the files and freeing re-laid-out experts). */
    public static LoadedModel load(Path dir) {
        HfModelDir hf = HfModelDir.open(dir);
        Arena arena = Arena.ofShared();
        AutoCloseable resources = () -> {
            try {
                if (arena.scope().isAlive()) {
                    arena.close();
                }
            } finally {
                hf.close();
            }
        };
        try {
            String configFile = dir.resolve(HfModelDir.CONFIG).toString();
            HfConfig hc = HfConfig.parse(hf.config(), configFile);
            Map<String, Weight> weights = weights(hf, hc, arena);
            return new LoadedModel(dir, "hf", hc.config(), Collections.unmodifiableMap(weights), resources);
        } catch (RuntimeException e) {
            try {
                resources.close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * The text model's name for a stored tensor: Llama4ForConditionalGeneration keeps it under
     * {@code language_model.model.} / {@code language_model.lm_head.} (transformers 4) or {@code model.language_model.}
     * (transformers 5); anything else there (vision tower, projector) is not part of the text model: null.
     */
    static String textName(String stored, boolean multimodal) {
        if (!multimodal) {
            return stored;
        }
        if (stored.startsWith("language_model.model.")) {
            return "model." + stored.substring("language_model.model.".length());
        }
        if (stored.startsWith("model.language_model.")) {
            return "model." + stored.substring("model.language_model.".length());
        }
        if (stored.startsWith("language_model.lm_head.")) {
            return stored.substring("language_model.".length());
        }
        return stored.startsWith("lm_head.") ? stored : null;
    }

    private static Map<String, Weight> weights(HfModelDir hf, HfConfig hc, Arena arena) {
        ModelConfig c = hc.config();
        Map<String, long[]> expected = new LinkedHashMap<>(); // canonical -> shape, from the shared table
        for (TensorTable.Expected e : TensorTable.expected(c)) {
            expected.put(e.name(), e.shape());
        }
        Map<String, String> source = new LinkedHashMap<>(); // canonical -> stored name, for messages
        Map<String, Tensor> found = new LinkedHashMap<>();
        Map<Integer, String[]> fused = new LinkedHashMap<>(); // layer -> {gate_up, down} stored names
        for (String stored : hf.names()) {
            String name = textName(stored, hc.multimodal());
            if (name == null) {
                continue;
            }
            String suffix = TensorNames.layerSuffix(name);
            if (TensorNames.HF_EXPERTS_GATE_UP.equals(suffix) || TensorNames.HF_EXPERTS_DOWN.equals(suffix)) {
                String[] pair = fused.computeIfAbsent(TensorNames.layerOf(name), k -> new String[2]);
                pair[TensorNames.HF_EXPERTS_GATE_UP.equals(suffix) ? 0 : 1] = stored;
                continue;
            }
            String canonical = TensorNames.toGguf(name);
            if (canonical == null || (c.tiedEmbeddings() && canonical.equals("output.weight"))) {
                continue; // not a weight of the text model (or lm_head duplicating tied embeddings)
            }
            if (!expected.containsKey(canonical)) {
                throw new ModelFormatException(hf.dir() + ": tensor '" + stored + "' (" + canonical
                        + ") does not belong to the model config.json describes (" + c.layers() + " layers, MoE "
                        + "layers " + Arrays.toString(c.moeLayers()) + ", tied=" + c.tiedEmbeddings() + ")");
            }
            String prev = source.put(canonical, stored);
            if (prev != null) {
                throw new ModelFormatException(hf.dir() + ": tensors '" + prev + "' and '" + stored
                        + "' both map to " + canonical);
            }
            found.put(canonical, check(hf, stored, hf.tensor(stored), expected.get(canonical), canonical));
        }
        Map<String, Weight> out = new LinkedHashMap<>();
        for (var e : expected.entrySet()) {
            String canonical = e.getKey();
            Tensor t = found.get(canonical);
            if (t == null && canonical.contains("_exps.")) {
                continue; // produced below from the fused tensors
            }
            if (t == null) {
                String hfName = TensorNames.toHf(canonical, c.arch());
                throw new ModelFormatException(hf.dir() + ": tensor " + canonical + " " + Arrays.toString(e.getValue())
                        + " is missing: no '" + (hc.multimodal() ? "language_model." : "") + hfName
                        + "' in the safetensors files");
            }
            out.put(canonical, new GgmlWeight(t));
        }
        for (int layer = 0; layer < c.layers(); layer++) {
            if (c.isMoe(layer)) {
                experts(hf, c, layer, fused.remove(layer), arena, out);
            }
        }
        if (!fused.isEmpty()) {
            throw new ModelFormatException(hf.dir() + ": fused expert tensors for layers " + fused.keySet()
                    + ", which config.json does not make MoE layers");
        }
        // The checks above name Hugging Face tensors; the shared table's check keeps both loaders in step.
        TensorTable.validate(c, out, hf.dir().toString());
        return out;
    }

    private static void experts(HfModelDir hf, ModelConfig c, int layer, String[] stored, Arena arena,
                                Map<String, Weight> out) {
        long e = c.experts();
        long d = c.hiddenSize();
        long ei = c.expertFfnSize();
        for (int k = 0; k < 2; k++) {
            if (stored == null || stored[k] == null) {
                throw new ModelFormatException(hf.dir() + ": MoE layer " + layer + " lacks its fused expert tensor "
                        + "model.layers." + layer + "." + (k == 0 ? TensorNames.HF_EXPERTS_GATE_UP
                        : TensorNames.HF_EXPERTS_DOWN));
            }
        }
        Tensor gateUp = check(hf, stored[0], hf.tensor(stored[0]), new long[] {e, d, 2 * ei}, null);
        Tensor down = check(hf, stored[1], hf.tensor(stored[1]), new long[] {e, ei, d}, null);
        String[] names = {TensorNames.blk(layer, "ffn_gate_exps.weight"), TensorNames.blk(layer, "ffn_up_exps.weight"),
            TensorNames.blk(layer, "ffn_down_exps.weight")};
        out.put(names[0], new GgmlWeight(FusedExperts.transpose(gateUp, names[0], 0, ei, arena)));
        out.put(names[1], new GgmlWeight(FusedExperts.transpose(gateUp, names[1], ei, ei, arena)));
        out.put(names[2], new GgmlWeight(FusedExperts.transpose(down, names[2], 0, d, arena)));
    }

    /** Checks dtype and shape; returns the tensor under its canonical name (or unchanged when null). */
    private static Tensor check(HfModelDir hf, String stored, Tensor t, long[] shape, String canonical) {
        if (t.type() != GgmlType.F32 && t.type() != GgmlType.F16 && t.type() != GgmlType.BF16) {
            throw new ModelFormatException(hf.dir() + ": tensor '" + stored + "' has type " + t.type()
                    + ", expected F32, F16 or BF16");
        }
        if (!Arrays.equals(t.shape(), shape)) {
            throw new ModelFormatException(hf.dir() + ": tensor '" + stored + "'" + (canonical == null ? ""
                    : " (" + canonical + ")") + " has shape " + t.shapeString() + ", expected "
                    + Arrays.toString(shape) + " from config.json");
        }
        return canonical == null ? t : new Tensor(canonical, t.shape(), t.type(), t.data());
    }
}
