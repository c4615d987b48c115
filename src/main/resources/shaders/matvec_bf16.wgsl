// y[row_offset + r] = sum_c W[r, c] * x[c] with W [rows, cols] stored as bfloat16 (two per u32, lower index in the low half; a bf16 is the top half of an f32).
// Same tiling as matvec_f32: 8 rows x 32 lanes per workgroup, x staged in workgroup memory in tiles of
// 4096 values; each lane reads 4 weights (8 bytes) per step. cols must be a multiple of 4.
// Bindings: params, W chunk, x [tokens, cols], y [tokens, y_stride].
struct Params {
    rows: u32,
    cols: u32,
    row_offset: u32,
    y_stride: u32,    // floats per row of y: token t writes y[t * y_stride + row_offset + r]
    w_row0: u32,      // first row of the chunk buffer to use (one expert's rows of a stacked weight)
    _pad0: u32,
    _pad1: u32,
    _pad2: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> w: array<vec2<u32>>;
@group(0) @binding(2) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;

const ROWS: u32 = 8u;
const LANES: u32 = 32u;
const TILE: u32 = 1024u;

var<workgroup> xs: array<vec4<f32>, TILE>;
var<workgroup> partial: array<f32, 256>;

// Weights 4i .. 4i+3 of the chunk.
fn load4(i: u32) -> vec4<f32> {
    let u = w[i];
    return bitcast<vec4<f32>>(vec4<u32>(u.x << 16u, u.x & 0xFFFF0000u, u.y << 16u, u.y & 0xFFFF0000u));
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
    let lane = li % LANES;
    let r = wg.y * ROWS + li / LANES;
    let n4 = p.cols / 4u;
    let xb = wg.x * n4; // token wg.x; dispatch (tokens, ceil(rows / 8), 1): tokens sharing rows run together (L2 reuse)
    var acc = vec4<f32>(0.0);
    for (var base = 0u; base < n4; base += TILE) {
        let count = min(TILE, n4 - base);
        for (var i = li; i < count; i += 256u) {
            xs[i] = x[xb + base + i];
        }
        workgroupBarrier();
        if (r < p.rows) {
            let wrow = (r + p.w_row0) * n4 + base;
            for (var i = lane; i < count; i += LANES) {
                acc += load4(wrow + i) * xs[i];
            }
        }
        workgroupBarrier();
    }
    partial[li] = acc.x + acc.y + acc.z + acc.w;
    workgroupBarrier();
    for (var s = LANES / 2u; s > 0u; s >>= 1u) {
        if (lane < s) {
            partial[li] += partial[li + s];
        }
        workgroupBarrier();
    }
    if (lane == 0u && r < p.rows) {
        y[wg.x * p.y_stride + p.row_offset + r] = partial[li];
    }
}
