enable f16;
// Y = X W^T for F16 weights read as f16 (shader-f16), 64 tokens x 64 rows per workgroup (prompt processing;
// lib/matmul_tiled.wgsl). The directive must come before every declaration, hence first.
//#include params
//#include f16_native
//#include matmul_tiled
