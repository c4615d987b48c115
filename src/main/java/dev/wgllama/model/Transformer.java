package dev.wgllama.model;

import dev.wgllama.ModelFormatException;
import dev.wgllama.backend.Activation;
import dev.wgllama.backend.Backend;
import dev.wgllama.backend.DeviceWeight;
import dev.wgllama.backend.KvCache;
import dev.wgllama.backend.MoeWeights;
import dev.wgllama.backend.RopeTable;
import java.util.Arrays;

/**
 * The forward pass of Llama 2/3 ({@code llama}) and Llama 4 text ({@code llama4}) models, written once against
 * {@link Backend}: see docs/architectures.md for the math. One call processes a batch of new tokens at positions
 * {@code [p0, p0 + n)} (prefill: the whole prompt as matrix-matrix products; decode: one token), appending their
 * keys and values to a {@link KvCache}, and yields the logits of the last position (or of every position).
 *
 * <p>Not thread-safe: one forward pass at a time per instance (it owns its scratch activations).
 */
public final class Transformer implements AutoCloseable {
    /** Longest batch processed at once; longer prompts run in consecutive batches of this size. */
    public static final int MAX_BATCH = 512;

    private final ModelConfig cfg;
    private final Backend backend;
    private final DeviceWeight tokenEmbd;
    private final DeviceWeight outputNorm;
    private final DeviceWeight output;
    private final Layer[] layers;
    private final RopeTable rope;
    private Trace trace;
    private Scratch scratch;

    /** One block's uploaded weights; the FFN is either dense (gate/up/down) or MoE (moe + shared expert). */
    private record Layer(DeviceWeight attnNorm, DeviceWeight wq, DeviceWeight wk, DeviceWeight wv, DeviceWeight wo,
                         DeviceWeight ffnNorm, DeviceWeight gate, DeviceWeight up, DeviceWeight down,
                         MoeWeights moe) {
    }

    /**
     * Uploads every weight of {@code model} to {@code backend} and checks their shapes against the config.
     *
     * @throws ModelFormatException naming the tensor whose shape or presence is wrong
     */
    public Transformer(LoadedModel model, Backend backend) {
        this.cfg = model.config();
        this.backend = backend;
        int d = cfg.hiddenSize();
        this.tokenEmbd = load(model, "token_embd.weight", cfg.vocabSize(), d);
        this.outputNorm = load(model, "output_norm.weight", d);
        this.output = cfg.tiedEmbeddings() ? tokenEmbd : load(model, "output.weight", cfg.vocabSize(), d);
        this.layers = new Layer[cfg.layers()];
        for (int l = 0; l < cfg.layers(); l++) {
            if (cfg.isMoe(l) && cfg.arch() != Arch.LLAMA4) {
                // Mixtral-style "llama" MoE routes with a softmax over the top-k: not what moe() computes.
                throw new ModelFormatException(model.source() + ": mixture-of-experts layers are supported for "
                        + "llama4 only, but this " + cfg.arch().ggufName() + " model has them (layer " + l + ")");
            }
        }
        for (int l = 0; l < cfg.layers(); l++) {
            String p = "blk." + l + ".";
            DeviceWeight gate = null;
            DeviceWeight up = null;
            DeviceWeight down = null;
            MoeWeights moe = null;
            if (cfg.isMoe(l)) {
                int e = cfg.experts();
                int inner = cfg.expertFfnSize();
                moe = new MoeWeights(load(model, p + "ffn_gate_inp.weight", e, d),
                        load(model, p + "ffn_gate_exps.weight", e, inner, d),
                        load(model, p + "ffn_up_exps.weight", e, inner, d),
                        load(model, p + "ffn_down_exps.weight", e, d, inner), cfg.expertsUsed());
                gate = load(model, p + "ffn_gate_shexp.weight", inner, d);
                up = load(model, p + "ffn_up_shexp.weight", inner, d);
                down = load(model, p + "ffn_down_shexp.weight", d, inner);
            } else {
                gate = load(model, p + "ffn_gate.weight", cfg.ffnSize(), d);
                up = load(model, p + "ffn_up.weight", cfg.ffnSize(), d);
                down = load(model, p + "ffn_down.weight", d, cfg.ffnSize());
            }
            layers[l] = new Layer(load(model, p + "attn_norm.weight", d),
                    load(model, p + "attn_q.weight", cfg.qDim(), d), load(model, p + "attn_k.weight", cfg.kvDim(), d),
                    load(model, p + "attn_v.weight", cfg.kvDim(), d),
                    load(model, p + "attn_output.weight", d, cfg.qDim()), load(model, p + "ffn_norm.weight", d),
                    gate, up, down, moe);
        }
        this.rope = backend.ropeTable(cfg.rope().inverseFrequencies(), cfg.rope().layout());
    }

    private DeviceWeight load(LoadedModel model, String name, long... shape) {
        var w = model.weight(name);
        if (!Arrays.equals(w.shape(), shape)) {
            throw new ModelFormatException(model.source() + ": tensor '" + name + "' has shape "
                    + Arrays.toString(w.shape()) + ", expected " + Arrays.toString(shape) + " for " + cfg);
        }
        return backend.upload(w);
    }

    public ModelConfig config() {
        return cfg;
    }

    public Backend backend() {
        return backend;
    }

    /** Installs (or with null removes) a hook receiving named intermediates of later forward passes. */
    public void setTrace(Trace trace) {
        this.trace = trace;
    }

    /** A KV cache of this model's shape holding {@code contextLength} positions. */
    public KvCache newKvCache(int contextLength) {
        return backend.newKvCache(cfg.layers(), cfg.kvDim(), contextLength);
    }

    /** Runs {@code tokens} at positions {@code [p0, ...)} and returns the last position's logits [vocab]. */
    public float[] lastLogits(KvCache cache, int[] tokens, int p0) {
        return backend.readFloats(forward(cache, tokens, p0, false));
    }

    /** Runs {@code tokens} and returns the greedy next token (argmax of the last logits; one int read back). */
    public int greedyNext(KvCache cache, int[] tokens, int p0) {
        return backend.argmax(forward(cache, tokens, p0, false), 0);
    }

    /**
     * Runs {@code tokens} at positions {@code [p0, p0 + n)}: positions from p0 on are dropped from the cache first
     * (so a shared prefix can be reused), then the new keys and values are appended.
     *
     * @param allPositions whether to compute logits at every position ([n, vocab], at most {@link #MAX_BATCH}
     *                     tokens) or only at the last ([1, vocab])
     * @return the logits, owned by this transformer and valid until its next forward pass
     * @throws IllegalArgumentException if p0 is beyond the cached length or the tokens do not fit the cache
     */
    public Activation forward(KvCache cache, int[] tokens, int p0, boolean allPositions) {
        int n = tokens.length;
        if (n == 0) {
            throw new IllegalArgumentException("forward needs at least one token");
        }
        if (p0 < 0 || p0 > cache.length() || (long) p0 + n > cache.capacity()) {
            throw new IllegalArgumentException("tokens at positions [" + p0 + ", " + ((long) p0 + n)
                    + ") do not fit a KV cache holding " + cache.length() + " of " + cache.capacity() + " positions");
        }
        if (allPositions && n > MAX_BATCH) {
            throw new IllegalArgumentException("all-position logits need batches of at most " + MAX_BATCH
                    + " tokens, got " + n);
        }
        cache.truncate(p0);
        Activation logits = null;
        for (int start = 0; start < n; start += MAX_BATCH) {
            int[] batch = Arrays.copyOfRange(tokens, start, Math.min(n, start + MAX_BATCH));
            logits = batch(cache, batch, p0 + start, allPositions);
        }
        return logits;
    }

    /** One batch of n <= MAX_BATCH tokens; the body of llama2.c's forward(), for n rows at once. */
    private Activation batch(KvCache cache, int[] tokens, int p0, boolean allPositions) {
        int n = tokens.length;
        Scratch s = scratch(n, allPositions);
        int d = cfg.hiddenSize();
        int hd = cfg.headDim();
        float eps = cfg.rmsEps();

        backend.embed(tokenEmbd, tokens, s.x);                        // x [n, d]
        trace("embd", s.x);
        for (int l = 0; l < layers.length; l++) {
            Layer w = layers[l];
            String p = "blk." + l + ".";
            // --- attention ---
            backend.rmsNorm(s.x, w.attnNorm, d, eps, s.xb);            // xb [n, d]
            trace(p + "attn_norm", s.xb);
            backend.matmul(w.wq, s.xb, s.q);                           // q [n, nh*hd]
            backend.matmul(w.wk, s.xb, s.k);                           // k [n, nkv*hd]
            backend.matmul(w.wv, s.xb, s.v);                           // v [n, nkv*hd]
            boolean ropeLayer = cfg.usesRope(l);
            if (ropeLayer) {
                backend.rope(s.q, hd, p0, rope);
                backend.rope(s.k, hd, p0, rope);
                if (cfg.qkNorm()) {                                    // Llama 4: weightless, per head, after RoPE
                    backend.rmsNorm(s.q, null, hd, eps, s.q);
                    backend.rmsNorm(s.k, null, hd, eps, s.k);
                }
            } else if (cfg.attnTemperatureTuning()) {                  // Llama 4 NoPE layers
                backend.temperatureTune(s.q, p0, cfg.attnFloorScale(), cfg.attnScale());
            }
            trace(p + "q", s.q);
            trace(p + "k", s.k);
            trace(p + "v", s.v);
            int chunk = ropeLayer ? cfg.attentionChunkSize() : 0;     // NoPE layers see the whole context
            backend.attention(cache, l, s.q, s.k, s.v, p0, cfg.heads(), hd, chunk, s.att); // att [n, nh*hd]
            trace(p + "attn", s.att);
            backend.matmul(w.wo, s.att, s.xb);                         // xb [n, d]
            trace(p + "attn_out", s.xb);
            backend.add(s.x, s.xb);                                    // residual
            // --- feed-forward ---
            backend.rmsNorm(s.x, w.ffnNorm, d, eps, s.xb);             // xb [n, d]
            trace(p + "ffn_norm", s.xb);
            if (w.moe != null) {
                backend.moe(w.moe, s.xb, s.moeOut);                    // routed experts [n, d]
                trace(p + "ffn_moe", s.moeOut);
                swigluMlp(w, s.xb, s.sh1, s.sh2, s.ffnOut);            // shared expert [n, d]
                trace(p + "ffn_shexp", s.ffnOut);
                backend.add(s.ffnOut, s.moeOut);
            } else {
                swigluMlp(w, s.xb, s.h1, s.h2, s.ffnOut);              // [n, d]
            }
            trace(p + "ffn_out", s.ffnOut);
            backend.add(s.x, s.ffnOut);                                // residual
            trace(p + "out", s.x);
        }
        cache.extend(p0 + n);
        // --- output: last row only unless every position is wanted ---
        Activation last = s.x;
        if (!allPositions) {
            backend.copyRows(s.x, n - 1, s.last);                       // last [1, d]
            last = s.last;
        }
        backend.rmsNorm(last, outputNorm, d, eps, s.lastNorm);         // [1 or n, d]
        trace("output_norm", s.lastNorm);
        backend.matmul(output, s.lastNorm, s.logits);                  // [1 or n, vocab]
        trace("logits", s.logits);
        return s.logits;
    }

    /** {@code out = Wdown(silu(Wgate x) * Wup x)}; h1, h2 [n, width] are scratch. */
    private void swigluMlp(Layer w, Activation x, Activation h1, Activation h2, Activation out) {
        backend.matmul(w.gate, x, h1);
        backend.matmul(w.up, x, h2);
        backend.swiglu(h1, h2, h1);
        backend.matmul(w.down, h1, out);
    }

    private void trace(String name, Activation a) {
        Trace t = trace;
        if (t != null && t.wants(name)) {
            t.accept(name, a.rows(), a.cols(), backend.readFloats(a));
        }
    }

    /** Activations for batches of n rows, kept while n (and the logits mode) stays the same. */
    private Scratch scratch(int n, boolean allPositions) {
        if (scratch != null && scratch.n == n && scratch.allPositions == allPositions) {
            return scratch;
        }
        if (scratch != null) {
            scratch.close();
        }
        scratch = new Scratch(backend, cfg, n, allPositions);
        return scratch;
    }

    private static final class Scratch implements AutoCloseable {
        final int n;
        final boolean allPositions;
        final Activation x, xb, q, k, v, att, ffnOut, h1, h2, moeOut, sh1, sh2, last, lastNorm, logits;

        Scratch(Backend b, ModelConfig c, int n, boolean allPositions) {
            this.n = n;
            this.allPositions = allPositions;
            int d = c.hiddenSize();
            boolean anyMoe = false;
            boolean anyDense = false;
            for (int l = 0; l < c.layers(); l++) {
                anyMoe |= c.isMoe(l);
                anyDense |= !c.isMoe(l);
            }
            x = b.allocate("x", n, d);
            xb = b.allocate("xb", n, d);
            q = b.allocate("q", n, c.qDim());
            k = b.allocate("k", n, c.kvDim());
            v = b.allocate("v", n, c.kvDim());
            att = b.allocate("att", n, c.qDim());
            ffnOut = b.allocate("ffn_out", n, d);
            h1 = anyDense ? b.allocate("ffn_h1", n, c.ffnSize()) : null;
            h2 = anyDense ? b.allocate("ffn_h2", n, c.ffnSize()) : null;
            moeOut = anyMoe ? b.allocate("moe_out", n, d) : null;
            sh1 = anyMoe ? b.allocate("shexp_h1", n, c.expertFfnSize()) : null;
            sh2 = anyMoe ? b.allocate("shexp_h2", n, c.expertFfnSize()) : null;
            int outRows = allPositions ? n : 1;
            last = allPositions ? null : b.allocate("last", 1, d);
            lastNorm = b.allocate("output_norm", outRows, d);
            logits = b.allocate("logits", outRows, c.vocabSize());
        }

        @Override
        public void close() {
            for (Activation a : new Activation[] {x, xb, q, k, v, att, ffnOut, h1, h2, moeOut, sh1, sh2, last,
                    lastNorm, logits}) {
                if (a != null) {
                    a.close();
                }
            }
        }
    }

    /** Releases the scratch activations (the uploaded weights belong to the backend). */
    @Override
    public void close() {
        if (scratch != null) {
            scratch.close();
            scratch = null;
        }
    }
}
