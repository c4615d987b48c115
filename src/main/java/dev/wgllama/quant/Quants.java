package dev.wgllama.quant;

/** Looks up the {@link QuantFormat} implementation of a GGML type. */
public final class Quants {
    private Quants() {
    }

    /**
     * The format object for {@code type}.
     *
     * @throws IllegalArgumentException when wgllama cannot compute with this type (e.g. Q5_K, IQ2_XS)
     */
    public static QuantFormat of(GgmlType type) {
        return switch (type) {
            case F32 -> F32.INSTANCE;
            case F16 -> F16.INSTANCE;
            case BF16 -> BF16.INSTANCE;
            case Q4_0 -> Q4_0.INSTANCE;
            case Q4_1 -> Q4_1.INSTANCE;
            case Q8_0 -> Q8_0.INSTANCE;
            case Q4_K -> Q4_K.INSTANCE;
            case Q6_K -> Q6_K.INSTANCE;
            default -> throw new IllegalArgumentException("weights of type " + type + " (GGML id " + type.id()
                    + ") are not supported; supported: F32, F16, BF16, Q4_0, Q4_1, Q8_0, Q4_K, Q6_K");
        };
    }
}
