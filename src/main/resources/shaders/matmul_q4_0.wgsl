// Y = X W^T for Q4_0 weights, 64 tokens x 64 rows per workgroup (prompt processing; lib/matmul_tiled.wgsl).
//#include params
//#include q4_0
//#include matmul_tiled
