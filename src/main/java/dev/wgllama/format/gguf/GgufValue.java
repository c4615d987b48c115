package dev.wgllama.format.gguf;

import java.util.Objects;

/**
 * One typed GGUF metadata value, kept with its exact GGUF type so that a file can be written back unchanged.
 * Java storage by type: u8/i8 {@link Byte}, u16/i16 {@link Short}, u32/i32 {@link Integer}, u64/i64
 * {@link Long}, f32 {@link Float}, f64 {@link Double}, bool {@link Boolean}, string {@link String}, array
 * {@link GgufArray}. Unsigned values keep their bit pattern; {@link #asLong()} reads them unsigned.
 */
public record GgufValue(GgufValueType type, Object value) {

    public GgufValue {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(value, "value");
        Class<?> expected = switch (type) {
            case U8, I8 -> Byte.class;
            case U16, I16 -> Short.class;
            case U32, I32 -> Integer.class;
            case U64, I64 -> Long.class;
            case F32 -> Float.class;
            case F64 -> Double.class;
            case BOOL -> Boolean.class;
            case STRING -> String.class;
            case ARRAY -> GgufArray.class;
        };
        if (value.getClass() != expected) {
            throw new IllegalArgumentException("GGUF " + type.label() + " value needs a " + expected.getSimpleName()
                    + ", got " + value.getClass().getSimpleName());
        }
    }

    public static GgufValue u8(int v) { return new GgufValue(GgufValueType.U8, (byte) v); }
    public static GgufValue i8(int v) { return new GgufValue(GgufValueType.I8, (byte) v); }
    public static GgufValue u16(int v) { return new GgufValue(GgufValueType.U16, (short) v); }
    public static GgufValue i16(int v) { return new GgufValue(GgufValueType.I16, (short) v); }
    public static GgufValue u32(long v) { return new GgufValue(GgufValueType.U32, (int) v); }
    public static GgufValue i32(int v) { return new GgufValue(GgufValueType.I32, v); }
    public static GgufValue u64(long v) { return new GgufValue(GgufValueType.U64, v); }
    public static GgufValue i64(long v) { return new GgufValue(GgufValueType.I64, v); }
    public static GgufValue f32(float v) { return new GgufValue(GgufValueType.F32, v); }
    public static GgufValue f64(double v) { return new GgufValue(GgufValueType.F64, v); }
    public static GgufValue bool(boolean v) { return new GgufValue(GgufValueType.BOOL, v); }
    public static GgufValue string(String v) { return new GgufValue(GgufValueType.STRING, v); }
    public static GgufValue array(GgufArray v) { return new GgufValue(GgufValueType.ARRAY, v); }

    /**
     * The integer value widened to long, unsigned types read unsigned (a u64 above 2^63-1 comes back negative:
     * check {@link #fitsLong()}). Throws IllegalStateException for non-integer types.
     */
    public long asLong() {
        return switch (type) {
            case U8 -> Byte.toUnsignedLong((Byte) value);
            case U16 -> Short.toUnsignedLong((Short) value);
            case U32 -> Integer.toUnsignedLong((Integer) value);
            case I8, I16, I32, I64, U64 -> ((Number) value).longValue();
            default -> throw new IllegalStateException("not an integer: " + type.label());
        };
    }

    /** Whether this integer's mathematical value fits a signed long (false only for u64 values >= 2^63). */
    public boolean fitsLong() {
        return type != GgufValueType.U64 || (Long) value >= 0;
    }

    @Override
    public String toString() {
        return type.label() + ":" + value;
    }
}
