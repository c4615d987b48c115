// out[r] = log softmax(logits[r])[targets[r]] = logits[r, target] - max - log(sum_j exp(logits[r, j] - max)),
// one workgroup per row: dispatch (rows, 1, 1). Perplexity without reading whole logit rows back.
// Bindings: params, logits [rows, n], targets [rows] u32, out [rows].
struct Params {
    n: u32,
    _pad0: u32,
    _pad1: u32,
    _pad2: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> targets: array<u32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

var<workgroup> red: array<f32, 256>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
    let base = wg.x * p.n;
    var m = -3.402823e38;
    for (var i = li; i < p.n; i += 256u) {
        m = max(m, logits[base + i]);
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
    var sum = 0.0;
    for (var i = li; i < p.n; i += 256u) {
        sum += exp(logits[base + i] - mx);
    }
    red[li] = sum;
    workgroupBarrier();
    for (var s = 128u; s > 0u; s >>= 1u) {
        if (li < s) {
            red[li] += red[li + s];
        }
        workgroupBarrier();
    }
    if (li == 0u) {
        out[wg.x] = logits[base + targets[wg.x]] - mx - log(red[0]);
    }
}
