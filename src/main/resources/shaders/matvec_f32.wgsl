// y[row_offset + r] = sum_c W[r, c] * x[c] for the r < rows of one weight chunk (row-major f32, [rows, cols]).
// Workgroup of 256 = 8 rows x 32 lanes; x is staged through workgroup memory in tiles of 4096 floats so the 8
// rows share each load; each lane reads every 32nd vec4 of its row (adjacent lanes read adjacent 16 bytes).
// cols must be a multiple of 4. Bindings: params, W chunk, x [tokens, cols], y [tokens, y_stride].
struct Params {
    rows: u32,        // rows in this chunk
    cols: u32,        // values per row
    row_offset: u32,  // index in y of this chunk's first row
    y_stride: u32,    // floats per row of y: token t writes y[t * y_stride + row_offset + r]
    w_row0: u32,      // first row of the chunk buffer to use (one expert's rows of a stacked weight)
    _pad0: u32,
    _pad1: u32,
    _pad2: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> w: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;

const ROWS: u32 = 8u;
const LANES: u32 = 32u;
const TILE: u32 = 1024u; // vec4s of x per tile (16 KiB)

var<workgroup> xs: array<vec4<f32>, TILE>;
var<workgroup> partial: array<f32, 256>;

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
            var i = lane;
            // Two independent loads per iteration keep more memory requests in flight.
            for (; i + LANES < count; i += 2u * LANES) {
                acc += w[wrow + i] * xs[i] + w[wrow + i + LANES] * xs[i + LANES];
            }
            if (i < count) {
                acc += w[wrow + i] * xs[i];
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
