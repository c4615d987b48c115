package dev.wgllama.format.gguf;

/**
 * GGUF metadata value types with their on-disk ids. {@link #fixedSize()} is the encoded size of one scalar in
 * bytes, or the minimum size for the variable-length types (string: the u64 length; array: u32 type + u64 count),
 * which the reader uses to reject counts that the remaining bytes cannot hold before allocating anything.
 */
public enum GgufValueType {
    U8(0, 1), I8(1, 1), U16(2, 2), I16(3, 2), U32(4, 4), I32(5, 4), F32(6, 4), BOOL(7, 1), STRING(8, 8),
    ARRAY(9, 12), U64(10, 8), I64(11, 8), F64(12, 8);

    private final int id;
    private final int fixedSize;

    GgufValueType(int id, int fixedSize) {
        this.id = id;
        this.fixedSize = fixedSize;
    }

    /** The GGUF type id. */
    public int id() {
        return id;
    }

    /** Bytes of one encoded scalar, or the minimum encoded size of a string or array. */
    public int fixedSize() {
        return fixedSize;
    }

    /** Whether values of this type are integers (signed or unsigned, any width). */
    public boolean isInteger() {
        return switch (this) {
            case U8, I8, U16, I16, U32, I32, U64, I64 -> true;
            default -> false;
        };
    }

    /** Lower-case GGUF name, as in error messages ("u32", "string", ...). */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    private static final GgufValueType[] BY_ID = values();

    /** The type with this id, or null when unknown. */
    public static GgufValueType byId(long id) {
        return id >= 0 && id < BY_ID.length ? BY_ID[(int) id] : null;
    }
}
