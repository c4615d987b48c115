// y[row_offset + r] = sum_c W[r, c] * x[c] for a block-group weight (docs/block-group.md), read as stored in its
// three tensors: codes (4-bit: value i of a row is nibble i % 8 of u32 word i / 8; 8-bit: one signed byte per
// value), one f16 scale per group of G values, and for q4_1 one i8 zero point per block of B values. Value
// x = s[i / G] * (q[i] - z) with z = zeros[i / B] (q4_1), 8 (q4_0) or 0 (q8_0). B is a multiple of 16, so a
// work item of 16 values lies in one block and one group: its dot is s * (sum(q * x) - z * sum(x)).
// Same tiling as the other matvecs (8 rows x 32 lanes, x staged in workgroup memory in tiles of 4096 values).
// Static scaling only: a "dynamic" weight is stored identically and computed here with f32 activations.
// Bindings: params, codes, scales, zeros (any buffer when unused), x [tokens, cols], y [tokens, y_stride].
struct Params {
    rows: u32,
    cols: u32,
    row_offset: u32,
    y_stride: u32,    // floats per row of y: token t writes y[t * y_stride + row_offset + r]
    w_row0: u32,      // first row of the chunk buffers to use (one expert's rows of a stacked weight)
    group: u32,       // G
    block: u32,       // B
    mode: u32,        // 0: q4_0 (z = 8), 1: q4_1 (zeros), 2: q8_0 (signed 8-bit)
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> codes: array<u32>;
@group(0) @binding(2) var<storage, read> scales: array<u32>;
@group(0) @binding(3) var<storage, read> zeros: array<u32>;
@group(0) @binding(4) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(5) var<storage, read_write> y: array<f32>;

const ROWS: u32 = 8u;
const LANES: u32 = 32u;
const TILE: u32 = 1024u;

var<workgroup> xs: array<vec4<f32>, TILE>;
var<workgroup> partial: array<f32, 256>;

fn nibbles(q: u32, first: u32) -> vec4<f32> {
    return vec4<f32>(vec4<u32>(q >> first, q >> (first + 4u), q >> (first + 8u), q >> (first + 12u))
        & vec4<u32>(0xFu));
}

fn bytes_i8(q: u32) -> vec4<f32> {
    let v = vec4<i32>(bitcast<i32>(q << 24u), bitcast<i32>(q << 16u), bitcast<i32>(q << 8u), bitcast<i32>(q));
    return vec4<f32>(v >> vec4<u32>(24u));
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
    let lane = li % LANES;
    let r = wg.y * ROWS + li / LANES;
    let row = r + p.w_row0;
    let n4 = p.cols / 4u;
    let xb = wg.x * n4; // token wg.x; dispatch (tokens, ceil(rows / 8), 1)
    var acc = 0.0;
    for (var base = 0u; base < n4; base += TILE) {
        let count = min(TILE, n4 - base);
        for (var i = li; i < count; i += 256u) {
            xs[i] = x[xb + base + i];
        }
        workgroupBarrier();
        if (r < p.rows) {
            let items = count / 4u; // 16 values each
            for (var it = lane; it < items; it += LANES) {
                let i = base * 4u + it * 16u; // first value of the item in the row
                let v = it * 4u;              // its first vec4 in xs
                let k = row * (p.cols / p.group) + i / p.group;
                let sw = unpack2x16float(scales[k / 2u]);
                let s = select(sw.x, sw.y, (k & 1u) == 1u);
                var z = 0.0;
                var qx = 0.0;
                if (p.mode == 2u) {
                    let cw = row * (p.cols / 4u) + i / 4u;
                    qx = dot(bytes_i8(codes[cw]), xs[v]) + dot(bytes_i8(codes[cw + 1u]), xs[v + 1u])
                        + dot(bytes_i8(codes[cw + 2u]), xs[v + 2u]) + dot(bytes_i8(codes[cw + 3u]), xs[v + 3u]);
                } else {
                    let cw = row * (p.cols / 8u) + i / 8u;
                    let q0 = codes[cw];
                    let q1 = codes[cw + 1u];
                    qx = dot(nibbles(q0, 0u), xs[v]) + dot(nibbles(q0, 16u), xs[v + 1u])
                        + dot(nibbles(q1, 0u), xs[v + 2u]) + dot(nibbles(q1, 16u), xs[v + 3u]);
                    z = 8.0;
                    if (p.mode == 1u) {
                        let zb = row * (p.cols / p.block) + i / p.block;
                        z = f32(bitcast<i32>((zeros[zb / 4u] >> (8u * (zb % 4u))) << 24u) >> 24u);
                    }
                }
                let sx = xs[v] + xs[v + 1u] + xs[v + 2u] + xs[v + 3u];
                acc += s * (qx - z * (sx.x + sx.y + sx.z + sx.w));
            }
        }
        workgroupBarrier();
    }
    partial[li] = acc;
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
