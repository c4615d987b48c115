package dev.wgllama.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wgllama.TestPaths;
import dev.wgllama.backend.KvCache;
import dev.wgllama.backend.cpu.CpuBackend;
import dev.wgllama.backend.webgpu.WebGpuBackend;
import dev.wgllama.convert.Converter;
import dev.wgllama.convert.TypePolicy;
import dev.wgllama.gpu.TestGpu;
import dev.wgllama.quant.GgmlType;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An F16 GGUF of tiny-b (Llama 3 style, tied embeddings: the 8192-row output matrix is F16 too) made by our
 * converter runs the same on WebGPU with the shader-f16 kernels (lavapipe's default) as with the u32 kernels
 * ({@code -Dwgllama.webgpu.shaderF16=false}): identical prompt logits, bit for bit, through the tiled matmul (a
 * 17-token prompt) and identical greedy tokens through the matvec (decode); and the same greedy tokens as the CPU
 * backend, which decodes the halves with its own code. Profiles show which kernels actually ran.
 */
class WebGpuShaderF16ForwardTest {
    private static final String PROPERTY = "wgllama.webgpu.shaderF16";
    private static final int STEPS = 12;

    @Test
    void sameTokensWithAndWithoutShaderF16(@TempDir Path tmp) throws Exception {
        Path gguf = tmp.resolve("tiny-b-f16.gguf");
        Converter.convert(TestPaths.model("tiny-b"), gguf, new TypePolicy(GgmlType.F16, null, null, null),
                (t, done, total) -> { });
        JsonNode prompt = RefData.json(TestPaths.model("tiny-b").resolve("reference.json")).get("prompts").get(3);
        int[] ids = RefData.ids(prompt.get("input_ids"));
        assertTrue(ids.length >= 8, "the prompt must take the tiled matmul path");
        String old = System.getProperty(PROPERTY);
        WebGpuBackend u32;
        System.setProperty(PROPERTY, "false");
        try {
            u32 = new WebGpuBackend(TestGpu.device());
        } finally {
            if (old == null) {
                System.clearProperty(PROPERTY);
            } else {
                System.setProperty(PROPERTY, old);
            }
        }
        try (u32;
             LoadedModel model = GgufModelLoader.load(gguf);
             CpuBackend cpu = new CpuBackend(2);
             WebGpuBackend f16 = new WebGpuBackend(TestGpu.device());
             Transformer tc = new Transformer(model, cpu);
             Transformer tf = new Transformer(model, f16);
             Transformer tu = new Transformer(model, u32);
             KvCache cc = tc.newKvCache(64);
             KvCache cf = tf.newKvCache(64);
             KvCache cu = tu.newKvCache(64)) {
            assertTrue(f16.enableProfiling() && u32.enableProfiling(), "lavapipe has timestamp queries");
            float[] lf = tf.lastLogits(cf, ids, 0);
            float[] lu = tu.lastLogits(cu, ids, 0);
            float[] lc = tc.lastLogits(cc, ids, 0);
            assertArrayEquals(lu, lf, "prompt logits, shader-f16 vs u32 kernels (exact)");
            double err = ReferenceForwardTest.relL2(lf, lc);
            assertTrue(err < 1e-4, "WebGPU (shader-f16) vs CPU last logits relative L2 error " + err);
            int[] gf = greedy(tf, cf, ids, lf);
            int[] gu = greedy(tu, cu, ids, lu);
            int[] gc = greedy(tc, cc, ids, lc);
            assertArrayEquals(gu, gf, "greedy tokens, shader-f16 vs u32 kernels");
            assertArrayEquals(gc, gf, "greedy tokens, WebGPU vs CPU");
            Map<String, long[]> pf = f16.profile();
            Map<String, long[]> pu = u32.profile();
            assertTrue(pf.containsKey("matmul_f16_native") && pf.containsKey("matvec_f16_native")
                    && !pf.containsKey("matvec_f16") && !pf.containsKey("matmul_f16"), pf.keySet().toString());
            assertTrue(pu.containsKey("matmul_f16") && pu.containsKey("matvec_f16")
                    && !pu.containsKey("matvec_f16_native"), pu.keySet().toString());
        }
    }

    /** {@value #STEPS} greedy tokens after the prompt whose last logits are {@code last}, one decode step each. */
    private static int[] greedy(Transformer t, KvCache cache, int[] ids, float[] last) {
        int[] out = new int[STEPS];
        int next = argmax(last);
        for (int s = 0; s < STEPS; s++) {
            out[s] = next;
            next = t.greedyNext(cache, new int[] {next}, ids.length + s);
        }
        return out;
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
