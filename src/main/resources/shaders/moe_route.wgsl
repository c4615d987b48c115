// Llama 4 MoE routing, all on the GPU, in one workgroup: for each row t of the router logits r [tokens, experts],
// pick the top_k experts by logit (lowest index on ties) and write scale[t, e] = sigmoid(r[t, e]) for them and 0
// for the rest; then write the indirect dispatch arguments of every expert's launches: the host's template
// (tmpl[e, j] = (kind, value)) times "some row picked expert e", so unpicked experts cost nothing. kind 0: grid
// (tokens, value, 1) (matvec); kind 1: grid (ceil(tokens * value / 256), 1, 1) (element-wise).
// Bindings: params, logits [tokens, experts], tmpl [experts, launches, 2] u32, scale [tokens, experts],
// args [experts, launches, 3] u32.
struct Params {
    tokens: u32,
    experts: u32,   // at most 256
    top_k: u32,
    launches: u32,  // indirect launches per expert
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> tmpl: array<u32>;
@group(0) @binding(3) var<storage, read_write> scale: array<f32>;
@group(0) @binding(4) var<storage, read_write> args: array<u32>;

var<workgroup> picked: array<atomic<u32>, 256>;

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) li: u32) {
    if (li < p.experts) {
        atomicStore(&picked[li], 0u);
    }
    workgroupBarrier();
    for (var t = li; t < p.tokens; t += 256u) {
        let row = t * p.experts;
        for (var e = 0u; e < p.experts; e++) {
            scale[row + e] = 0.0;
        }
        // Repeated selection: k is 1 or 2 in released models. Picked entries are marked by a non-zero scale.
        for (var k = 0u; k < p.top_k; k++) {
            var best = 0xFFFFFFFFu;
            var best_v = 0.0;
            for (var e = 0u; e < p.experts; e++) {
                let v = logits[row + e];
                if (scale[row + e] == 0.0 && (best == 0xFFFFFFFFu || v > best_v)) {
                    best = e;
                    best_v = v;
                }
            }
            // max() keeps a picked expert distinguishable even if its sigmoid underflows to 0.
            scale[row + best] = max(1.0 / (1.0 + exp(-best_v)), 1e-38);
            atomicStore(&picked[best], 1u);
        }
    }
    workgroupBarrier();
    if (li < p.experts) {
        let on = atomicLoad(&picked[li]);
        for (var j = 0u; j < p.launches; j++) {
            let tj = (li * p.launches + j) * 2u;
            let a = (li * p.launches + j) * 3u;
            var x = p.tokens;
            var y = tmpl[tj + 1u];
            if (tmpl[tj] == 1u) {
                x = (p.tokens * tmpl[tj + 1u] + 255u) / 256u;
                y = 1u;
            }
            args[a] = x * on;
            args[a + 1u] = y * on;
            args[a + 2u] = on;
        }
    }
}
