// Y = X W^T for Q8_0 weights, 64 tokens x 64 rows per workgroup (prompt processing; lib/matmul_tiled.wgsl).
//#include params
//#include q8_0
//#include matmul_tiled
