// Causal grouped-query attention over a KV cache for query rows at positions pos0 .. pos0 + tokens - 1, one
// workgroup per (query head h, token t): dispatch (heads, tokens, 1). Row t at position p = pos0 + t attends to
// cached positions j <= p, and with chunk > 0 only to j >= floor(p / chunk) * chunk (Llama 4 chunked attention):
//   s_j = (q . k[j, g]) * scale, g = h / (heads / kv_heads);  out = sum_j softmax(s)_j * v[j, g].
// Keys are processed in tiles of 256 (one per thread) with an online softmax: the running maximum m, the running
// sum l and the output accumulator (thread d owns out[d]) are rescaled by exp(m_old - m_new) per tile, so no
// score buffer is needed for any context length. head_dim must be a multiple of 4 and at most 256.
// Split mode (splits > 1, decode at long context, dispatch (heads, tokens, splits)): workgroup z takes keys
// [first + z * split_len, +split_len) and writes its partial (m, l, acc[head_dim]) to part; attention_merge.wgsl
// combines them. This keeps many workgroups busy when there are few heads and many keys.
// Bindings: params, q [tokens, heads * head_dim], k_cache [capacity, kv_heads * head_dim], v_cache (same),
// out [tokens, heads * head_dim], part [tokens, heads, splits, head_dim + 2].
struct Params {
    heads: u32,
    kv_heads: u32,
    head_dim: u32,
    pos0: u32,
    chunk: u32,   // 0: plain causal
    scale: f32,   // 1 / sqrt(head_dim) for Llama
    split_len: u32, // keys per split (split mode only)
    splits: u32,    // 1: write out; > 1: write partials
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> q: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> k_cache: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> v_cache: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;
@group(0) @binding(5) var<storage, read_write> part: array<f32>;

const TILE: u32 = 256u;
var<workgroup> qs: array<vec4<f32>, 64>;
var<workgroup> prob: array<f32, TILE>;
var<workgroup> red: array<f32, TILE>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
    let h = wg.x;
    let t = wg.y;
    let g = h / (p.heads / p.kv_heads);
    let d4 = p.head_dim / 4u;
    let kv_row4 = p.kv_heads * d4;       // vec4s per cache row
    let kv_row = p.kv_heads * p.head_dim; // floats per cache row
    let pos = p.pos0 + t;
    var first = 0u;
    if (p.chunk > 0u) {
        first = (pos / p.chunk) * p.chunk;
    }
    var end = pos + 1u;
    if (p.splits > 1u) {
        first = min(end, first + wg.z * p.split_len);
        end = min(end, first + p.split_len);
    }
    if (li < d4) {
        qs[li] = q[(t * p.heads + h) * d4 + li];
    }
    workgroupBarrier();

    var m = -3.402823e38; // running maximum of the scores seen so far
    var l = 0.0;          // running sum of exp(s - m)
    var acc = 0.0;        // thread li < head_dim: running sum of exp(s - m) * v[., li]
    for (var base = first; base < end; base += TILE) {
        let j = base + li;
        var s = -3.402823e38;
        if (j < end) {
            let kb = j * kv_row4 + g * d4;
            var a = vec4<f32>(0.0);
            for (var i = 0u; i < d4; i++) {
                a += qs[i] * k_cache[kb + i];
            }
            s = (a.x + a.y + a.z + a.w) * p.scale;
        }
        red[li] = s;
        workgroupBarrier();
        for (var w = TILE / 2u; w > 0u; w >>= 1u) {
            if (li < w) {
                red[li] = max(red[li], red[li + w]);
            }
            workgroupBarrier();
        }
        let m_new = max(m, red[0]);
        workgroupBarrier();
        var e = 0.0;
        if (j < end) {
            e = exp(s - m_new);
        }
        prob[li] = e;
        red[li] = e;
        workgroupBarrier();
        for (var w = TILE / 2u; w > 0u; w >>= 1u) {
            if (li < w) {
                red[li] += red[li + w];
            }
            workgroupBarrier();
        }
        let correction = exp(m - m_new);
        l = l * correction + red[0];
        m = m_new;
        if (li < p.head_dim) {
            var a = acc * correction;
            let n = min(TILE, end - base);
            for (var k = 0u; k < n; k++) {
                a += prob[k] * v_cache[(base + k) * kv_row + g * p.head_dim + li];
            }
            acc = a;
        }
        workgroupBarrier();
    }
    if (p.splits > 1u) {
        let pb = ((t * p.heads + h) * p.splits + wg.z) * (p.head_dim + 2u);
        if (li == 0u) {
            part[pb] = m;
            part[pb + 1u] = l;
        }
        if (li < p.head_dim) {
            part[pb + 2u + li] = acc;
        }
        return;
    }
    if (li < p.head_dim) {
        out[(t * p.heads + h) * p.head_dim + li] = acc / l;
    }
}
