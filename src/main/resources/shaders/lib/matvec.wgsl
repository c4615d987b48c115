// The matvec driver: y[t, row_offset + r] = sum_c W[r, c] * x[t, c] for the r < rows of one weight chunk.
// Workgroup of 256 = 8 rows x 32 lanes; x is staged through workgroup memory in tiles of 4096 values so the 8 rows
// share each load; grid (tokens, ceil(rows / 8)): the workgroups of all tokens of a row block run together and
// share the weights through L2. The including kernel supplies the weight's bindings, x, y and
// tile_dot(row, base, count, lane): lane's share of buffer row `row` (w_row0 applied) at vec4s base .. base+count
// dotted with xs[0 .. count), its work items taken lane, lane + 32, ... so adjacent lanes read adjacent weights.
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
    let xb = wg.x * n4; // token wg.x
    var acc = 0.0;
    for (var base = 0u; base < n4; base += TILE) {
        let count = min(TILE, n4 - base);
        for (var i = li; i < count; i += 256u) {
            xs[i] = x[xb + base + i];
        }
        workgroupBarrier();
        if (r < p.rows) {
            acc += tile_dot(r + p.w_row0, base, count, lane);
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
