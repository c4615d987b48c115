package dev.wgllama.backend;

import dev.wgllama.model.Rope;
import dev.wgllama.quant.Weight;

/**
 * The operations the forward pass needs, on opaque device tensors.
 *
 * <p>Every op except the reads ({@link #readFloats}, {@link #argmax}, {@link #logProbs}) only <em>records</em>
 * work: a GPU backend appends dispatches to a command buffer and submits when a read needs the results, so a
 * whole decode step runs without a host round trip. Ops take host scalars (positions, sizes) and host token ids,
 * never host copies of activations. Routing decisions (MoE top-k) stay on the device.
 *
 * <p>Shapes: an {@link Activation} is {@code [n, cols]} with one row per token of the batch (n = 1 when
 * decoding, n = prompt length when prefilling). Unless an op says otherwise, {@code out} may not alias an input.
 * Shape mismatches throw {@link IllegalArgumentException}. A backend is used by one thread at a time.
 */
public interface Backend extends AutoCloseable {
    /** Short name for logs, e.g. "cpu (2 threads)". */
    String name();

    /** Makes a weight usable by ops; called once per weight when a model is opened. */
    DeviceWeight upload(Weight weight);

    /** A new {@code [rows, cols]} f32 activation; its contents are unspecified until an op writes it. */
    Activation allocate(String label, int rows, int cols);

    /**
     * A KV cache for {@code layers} layers of {@code kvDim}-wide K and V rows and {@code capacity} positions.
     *
     * @throws IllegalArgumentException if it would not fit this backend's memory limits
     */
    KvCache newKvCache(int layers, int kvDim, int capacity);

    /** Rotary constants: {@code inverseFrequencies.length} pairs per head, paired as {@code layout} says. */
    RopeTable ropeTable(float[] inverseFrequencies, Rope.PairLayout layout);

    /** {@code out[r] = table[tokens[r]]}; table [vocab, d], out [tokens.length, d]. Token ids are checked. */
    void embed(DeviceWeight table, int[] tokens, Activation out);

    /**
     * RMS norm of every consecutive group of {@code groupSize} values of each row:
     * {@code out = x / sqrt(mean(x^2) + eps) * weight}. {@code groupSize = cols} normalizes whole rows (layer
     * norms), {@code groupSize = headDim} each head (Llama 4 QK norm). {@code weight} has {@code groupSize} values,
     * or is null for a weightless norm. {@code out} may be {@code x}.
     */
    void rmsNorm(Activation x, DeviceWeight weight, int groupSize, float eps, Activation out);

    /** {@code out[r] = W x[r]}: W [out, in], x [n, in], out [n, out]. */
    void matmul(DeviceWeight w, Activation x, Activation out);

    /**
     * Rotates, in place, the first {@code table.rotaryDim()} values of each {@code headDim}-wide head of each row
     * of {@code x} [n, heads * headDim]; row r is at position {@code p0 + r}, pair i turns by
     * {@code (p0 + r) * inv_i} radians.
     */
    void rope(Activation x, int headDim, int p0, RopeTable table);

    /**
     * Llama 4 attention temperature tuning, in place: row r of {@code q} is multiplied by
     * {@code log(floor((p + 1) / floorScale) + 1) * attnScale + 1} with {@code p = p0 + r}.
     */
    void temperatureTune(Activation q, int p0, float floorScale, float attnScale);

    /**
     * Stores the K and V rows of positions {@code [p0, p0 + n)} in {@code layer} of the cache, then computes causal
     * grouped-query attention for the n query rows: query head h reads KV head {@code h / (heads / kvHeads)};
     * the row at position p attends to cached positions {@code j <= p}, and with {@code chunkSize > 0} only to
     * those with {@code j / chunkSize == p / chunkSize} (Llama 4 chunked attention); scores are scaled by
     * {@code 1/sqrt(headDim)}.
     *
     * @param q   [n, heads * headDim]
     * @param k   [n, kvHeads * headDim]
     * @param v   [n, kvHeads * headDim]
     * @param p0  position of the first row; positions below it must already be in this layer of the cache
     *            ({@code p0 <= cache.length()}), and {@code p0 + n <= cache.capacity()}
     * @param out [n, heads * headDim], the concatenated head outputs
     */
    void attention(KvCache cache, int layer, Activation q, Activation k, Activation v, int p0, int heads,
                   int headDim, int chunkSize, Activation out);

    /** {@code out = silu(gate) * up}, elementwise; {@code silu(z) = z / (1 + e^-z)}. {@code out} may be gate. */
    void swiglu(Activation gate, Activation up, Activation out);

    /** {@code acc += x}, elementwise. */
    void add(Activation acc, Activation x);

    /**
     * The routed experts of a Llama 4 MoE layer, for each row independently: router logits {@code r = Wr x},
     * the top-k experts by logit (lowest index on ties), score {@code s_e = sigmoid(r_e)} scaling the expert's
     * <em>input</em>, {@code out = sum_e down_e(silu(gate_e(s_e x)) * up_e(s_e x))}. The shared expert is not
     * included. x [n, d], out [n, d].
     */
    void moe(MoeWeights w, Activation x, Activation out);

    /** Copies rows {@code [fromRow, fromRow + dst.rows())} of {@code src} into {@code dst}. */
    void copyRows(Activation src, int fromRow, Activation dst);

    /** Waits for recorded work and returns the values, row-major ({@code rows * cols}). A sync point. */
    float[] readFloats(Activation a);

    /** Index of the largest value of one row (lowest index on ties). A sync point reading back one int. */
    int argmax(Activation a, int row);

    /**
     * {@code log softmax(logits[r])[targets[r]]} for the first {@code targets.length} rows (at most
     * {@code logits.rows()}): the log-probability of each target token. Perplexity scores a window of n positions
     * with n-1 targets, the last row predicting past the window. A sync point reading back one float per target.
     */
    float[] logProbs(Activation logits, int[] targets);

    /** Frees device resources. Activations, weights and caches of this backend become invalid. */
    @Override
    void close();
}
