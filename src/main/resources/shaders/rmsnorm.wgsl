// y[t, i] = x[t, i] / sqrt(mean_i(x[t, :]^2) + eps) * weight[i], one workgroup per row t (dispatch (tokens,1,1)).
// The sum of squares is a tree reduction in workgroup memory; n must be a multiple of 4.
// Bindings: params, x [tokens, n], weight [n], y [tokens, n] (y may not alias x).
struct Params {
    n: u32,
    eps: f32,
    _pad0: u32,
    _pad1: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> weight: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> y: array<vec4<f32>>;

var<workgroup> partial: array<f32, 256>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
    let n4 = p.n / 4u;
    let row = wg.x * n4;
    var ss = 0.0;
    for (var i = li; i < n4; i += 256u) {
        let v = x[row + i];
        ss += dot(v, v);
    }
    partial[li] = ss;
    workgroupBarrier();
    for (var s = 128u; s > 0u; s >>= 1u) {
        if (li < s) {
            partial[li] += partial[li + s];
        }
        workgroupBarrier();
    }
    let scale = inverseSqrt(partial[0] / f32(p.n) + p.eps);
    for (var i = li; i < n4; i += 256u) {
        y[row + i] = x[row + i] * scale * weight[i];
    }
}
