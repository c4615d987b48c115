package dev.wgllama.backend;

/**
 * The routed part of a Llama 4 mixture-of-experts layer, as uploaded weights.
 *
 * @param router   {@code ffn_gate_inp} [E, d]: one router logit per expert
 * @param gateExps {@code ffn_gate_exps} [E, I, d]
 * @param upExps   {@code ffn_up_exps} [E, I, d]
 * @param downExps {@code ffn_down_exps} [E, d, I]
 * @param topK     experts picked per token
 */
public record MoeWeights(DeviceWeight router, DeviceWeight gateExps, DeviceWeight upExps, DeviceWeight downExps,
                         int topK) {
    public MoeWeights {
        long[] r = router.shape();
        long[] g = gateExps.shape();
        long[] u = upExps.shape();
        long[] dn = downExps.shape();
        if (r.length != 2 || g.length != 3 || u.length != 3 || dn.length != 3) {
            throw new IllegalArgumentException("MoE weights must be router [E,d] and experts [E,I,d], [E,I,d], "
                    + "[E,d,I]; got " + java.util.Arrays.toString(r) + " " + java.util.Arrays.toString(g) + " "
                    + java.util.Arrays.toString(u) + " " + java.util.Arrays.toString(dn));
        }
        long e = r[0];
        long d = r[1];
        long i = g[1];
        if (g[0] != e || u[0] != e || dn[0] != e || g[2] != d || u[1] != i || u[2] != d || dn[1] != d
                || dn[2] != i) {
            throw new IllegalArgumentException("MoE weight shapes disagree: router " + java.util.Arrays.toString(r)
                    + ", gate " + java.util.Arrays.toString(g) + ", up " + java.util.Arrays.toString(u) + ", down "
                    + java.util.Arrays.toString(dn));
        }
        if (topK <= 0 || topK > e) {
            throw new IllegalArgumentException("top-k " + topK + " outside 1.." + e);
        }
    }

    public int experts() {
        return Math.toIntExact(router.shape()[0]);
    }
}
