// Greedy sampling on the GPU: out = (index, bits of value) of the largest of row `row` of x [rows, n], lowest
// index on ties (NaN never wins; a row of only -inf or NaN gives index 0). One workgroup of 256: strided scan,
// then a tree reduction. Bindings: params, x [rows, n], out [2] u32.
struct Params {
    n: u32,
    row: u32,
    _pad1: u32,
    _pad2: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;

var<workgroup> best_v: array<f32, 256>;
var<workgroup> best_i: array<u32, 256>;

// Whether (v, i) beats (bv, bi): larger value, or equal value and lower index.
fn better(v: f32, i: u32, bv: f32, bi: u32) -> bool {
    return v > bv || (v == bv && i < bi);
}

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) li: u32) {
    var bv = -3.402823e38; // lowest finite f32 (rounded so it stays representable)
    var bi = 0xFFFFFFFFu;
    let base = p.row * p.n;
    for (var i = li; i < p.n; i += 256u) {
        let v = x[base + i];
        if (better(v, i, bv, bi)) {
            bv = v;
            bi = i;
        }
    }
    best_v[li] = bv;
    best_i[li] = bi;
    workgroupBarrier();
    for (var s = 128u; s > 0u; s >>= 1u) {
        if (li < s && better(best_v[li + s], best_i[li + s], best_v[li], best_i[li])) {
            best_v[li] = best_v[li + s];
            best_i[li] = best_i[li + s];
        }
        workgroupBarrier();
    }
    if (li == 0u) {
        out[0] = select(best_i[0], 0u, best_i[0] == 0xFFFFFFFFu);
        out[1] = bitcast<u32>(best_v[0]);
    }
}
