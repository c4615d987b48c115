package dev.wgllama.model;

/**
 * Rotary position embedding settings.
 *
 * @param theta       base θ of the inverse frequencies {@code inv_i = θ^(-2i/dim)}
 * @param dim         rotated dimensions per head (= head_dim for Llama)
 * @param scaling     llama3 frequency rescaling from config.json, or null (GGUF bakes it into freqFactors)
 * @param freqFactors GGUF {@code rope_freqs.weight}: one divisor per rotary pair, or null
 * @param layout      which elements form a rotary pair
 */
public record Rope(float theta, int dim, RopeScaling scaling, float[] freqFactors, PairLayout layout) {

    /** Which two elements of a head vector rotate together. */
    public enum PairLayout {
        /** {@code (x[2i], x[2i+1])}: GGUF files and Hugging Face Llama 4. */
        ADJACENT,
        /** {@code (x[i], x[i + dim/2])}: Hugging Face Llama 2/3 weights loaded directly. */
        ROTATE_HALF
    }

    /**
     * Llama 3.1+ rescaling ({@code rope_type = "llama3"}).
     *
     * @param originalMaxPositions L0 = original_max_position_embeddings
     */
    public record RopeScaling(float factor, float lowFreqFactor, float highFreqFactor, int originalMaxPositions) {
    }

    public Rope {
        if (dim <= 0 || dim % 2 != 0) {
            throw new IllegalArgumentException("rope dimension must be positive and even, got " + dim);
        }
        if (freqFactors != null && freqFactors.length != dim / 2) {
            throw new IllegalArgumentException("rope_freqs has " + freqFactors.length + " factors, expected "
                    + dim / 2);
        }
        freqFactors = freqFactors == null ? null : freqFactors.clone();
    }

    /**
     * Inverse frequencies, one per rotary pair ({@code dim/2} values, radians per position), with llama3
     * scaling or the GGUF factors applied. Computed in double, rounded once to f32, matching PyTorch's f32
     * {@code inv_freq} to within an ulp.
     */
    public float[] inverseFrequencies() {
        int half = dim / 2;
        float[] inv = new float[half];
        for (int i = 0; i < half; i++) {
            double f = 1.0 / Math.pow(theta, (2.0 * i) / dim);
            if (scaling != null) {
                f = llama3(f, scaling);
            }
            if (freqFactors != null) {
                f = f / freqFactors[i];
            }
            inv[i] = (float) f;
        }
        return inv;
    }

    /** The llama3 rule of docs/architectures.md on one inverse frequency. */
    static double llama3(double inv, RopeScaling s) {
        double l0 = s.originalMaxPositions();
        double lowWavelen = l0 / s.lowFreqFactor();
        double highWavelen = l0 / s.highFreqFactor();
        double w = 2 * Math.PI / inv;
        if (w < highWavelen) {
            return inv;
        }
        if (w > lowWavelen) {
            return inv / s.factor();
        }
        double smooth = (l0 / w - s.lowFreqFactor()) / (s.highFreqFactor() - s.lowFreqFactor());
        return (1 - smooth) * inv / s.factor() + smooth * inv;
    }

    /** The llama3 per-pair divisors GGUF stores in {@code rope_freqs.weight} (what llama.cpp's converter bakes). */
    public static float[] llama3Factors(float theta, int dim, RopeScaling s) {
        float[] out = new float[dim / 2];
        for (int i = 0; i < out.length; i++) {
            double inv = 1.0 / Math.pow(theta, (2.0 * i) / dim);
            out[i] = (float) (inv / llama3(inv, s));
        }
        return out;
    }

    @Override
    public float[] freqFactors() {
        return freqFactors == null ? null : freqFactors.clone();
    }
}
