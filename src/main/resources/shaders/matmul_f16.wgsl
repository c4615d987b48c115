// Y = X W^T for F16 weights, 64 tokens x 64 rows per workgroup (prompt processing; lib/matmul_tiled.wgsl).
//#include params
//#include f16
//#include matmul_tiled
