// Combines the split-mode partials of attention.wgsl: for each (head h, token t) with partials (m_s, l_s, acc_s)
// from splits s: M = max_s m_s, out = sum_s exp(m_s - M) * acc_s / sum_s exp(m_s - M) * l_s. An empty split has
// l = 0 and acc = 0 and contributes nothing. Dispatch (heads, tokens, 1), thread d owns out[d].
// Bindings: params, part [tokens, heads, splits, head_dim + 2], out [tokens, heads * head_dim].
struct Params {
    heads: u32,
    head_dim: u32,
    splits: u32,
    _pad0: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> part: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
    let h = wg.x;
    let t = wg.y;
    if (li >= p.head_dim) {
        return;
    }
    let stride = p.head_dim + 2u;
    let base = (t * p.heads + h) * p.splits * stride;
    var mx = -3.402823e38;
    for (var s = 0u; s < p.splits; s++) {
        mx = max(mx, part[base + s * stride]);
    }
    var num = 0.0;
    var den = 0.0;
    for (var s = 0u; s < p.splits; s++) {
        let b = base + s * stride;
        let wgt = exp(part[b] - mx);
        num += wgt * part[b + 2u + li];
        den += wgt * part[b + 1u];
    }
    out[(t * p.heads + h) * p.head_dim + li] = num / den;
}
