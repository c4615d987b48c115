// Causal grouped-query attention of one token (decode) over a KV cache, one workgroup per query head h:
//   s_j = (q_h . k[j, g]) * scale for j < step.seq_len, g = h / (heads / kv_heads);
//   out_h = sum_j softmax(s)_j * v[j, g].
// Scores go to a scratch buffer [heads, max_seq] (a long context does not fit workgroup memory); the max and the
// sum are reduced in workgroup memory. head_dim must be a multiple of 4 and at most 256.
// Bindings: params, step, q [heads, head_dim], k_cache [max_seq, kv_heads, head_dim], v_cache (same), scores
// [heads, max_seq], out [heads, head_dim].
struct Params {
    heads: u32,
    kv_heads: u32,
    head_dim: u32,
    max_seq: u32,
    scale: f32,   // 1 / sqrt(head_dim) for Llama
    _pad0: u32,
    _pad1: u32,
    _pad2: u32,
}

struct Step {
    pos: u32,
    seq_len: u32,
    _pad0: u32,
    _pad1: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<uniform> step: Step;
@group(0) @binding(2) var<storage, read> q: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> k_cache: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read> v_cache: array<f32>;
@group(0) @binding(5) var<storage, read_write> scores: array<f32>;
@group(0) @binding(6) var<storage, read_write> out: array<f32>;

var<workgroup> red: array<f32, 256>;
var<workgroup> qs: array<vec4<f32>, 64>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
    let h = wg.x;
    let g = h / (p.heads / p.kv_heads);
    let d4 = p.head_dim / 4u;
    let n = step.seq_len;
    let srow = h * p.max_seq;
    if (li < d4) {
        qs[li] = q[h * d4 + li];
    }
    workgroupBarrier();

    // Scores and their running maximum.
    var m = -3.402823e38;
    for (var j = li; j < n; j += 256u) {
        let kb = (j * p.kv_heads + g) * d4;
        var acc = vec4<f32>(0.0);
        for (var i = 0u; i < d4; i++) {
            acc += qs[i] * k_cache[kb + i];
        }
        let s = (acc.x + acc.y + acc.z + acc.w) * p.scale;
        scores[srow + j] = s;
        m = max(m, s);
    }
    red[li] = m;
    workgroupBarrier();
    for (var s = 128u; s > 0u; s >>= 1u) {
        if (li < s) {
            red[li] = max(red[li], red[li + s]);
        }
        workgroupBarrier();
    }
    let mx = red[0];
    workgroupBarrier();

    // Exponentials (each thread rewrites the scores it computed) and their sum.
    var sum = 0.0;
    for (var j = li; j < n; j += 256u) {
        let e = exp(scores[srow + j] - mx);
        scores[srow + j] = e;
        sum += e;
    }
    red[li] = sum;
    workgroupBarrier();
    for (var s = 128u; s > 0u; s >>= 1u) {
        if (li < s) {
            red[li] += red[li + s];
        }
        workgroupBarrier();
    }
    let inv = 1.0 / red[0];
    // Make every thread's exponentials visible before they are read across threads.
    storageBarrier();
    workgroupBarrier();

    // Weighted sum of values: thread d owns output element d.
    if (li < p.head_dim) {
        var acc = 0.0;
        for (var j = 0u; j < n; j++) {
            acc += scores[srow + j] * v_cache[(j * p.kv_heads + g) * p.head_dim + li];
        }
        out[h * p.head_dim + li] = acc * inv;
    }
}
