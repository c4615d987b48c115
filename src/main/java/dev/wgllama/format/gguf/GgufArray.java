package dev.wgllama.format.gguf;

import java.util.Arrays;
import java.util.Objects;

/**
 * A GGUF array value: an element type and the elements as one Java primitive array, so a 128k-entry vocabulary
 * is one {@code String[]} and its scores one {@code float[]} (no boxing). Element storage by type:
 * u8/i8 {@code byte[]}, u16/i16 {@code short[]}, u32/i32 {@code int[]}, u64/i64 {@code long[]}, f32
 * {@code float[]}, f64 {@code double[]}, bool {@code boolean[]}, string {@code String[]}, array (arrays of
 * arrays) {@code GgufArray[]}. Unsigned types keep their bit patterns in the signed Java type.
 *
 * <p>The array is owned by this record: accessors return the internal array for speed, callers must not modify it.
 */
public record GgufArray(GgufValueType elementType, Object values) {

    public GgufArray {
        Objects.requireNonNull(elementType, "elementType");
        Objects.requireNonNull(values, "values");
        Class<?> expected = storageClass(elementType);
        if (values.getClass() != expected) {
            throw new IllegalArgumentException("GGUF " + elementType.label() + " array needs a "
                    + expected.getSimpleName() + ", got " + values.getClass().getSimpleName());
        }
        if (values instanceof Object[] objects) {
            for (int i = 0; i < objects.length; i++) {
                if (objects[i] == null) {
                    throw new IllegalArgumentException("GGUF " + elementType.label() + " array element " + i
                            + " is null");
                }
            }
        }
    }

    static Class<?> storageClass(GgufValueType t) {
        return switch (t) {
            case U8, I8 -> byte[].class;
            case U16, I16 -> short[].class;
            case U32, I32 -> int[].class;
            case U64, I64 -> long[].class;
            case F32 -> float[].class;
            case F64 -> double[].class;
            case BOOL -> boolean[].class;
            case STRING -> String[].class;
            case ARRAY -> GgufArray[].class;
        };
    }

    public static GgufArray u8(byte... v) { return new GgufArray(GgufValueType.U8, v); }
    public static GgufArray i8(byte... v) { return new GgufArray(GgufValueType.I8, v); }
    public static GgufArray u16(short... v) { return new GgufArray(GgufValueType.U16, v); }
    public static GgufArray i16(short... v) { return new GgufArray(GgufValueType.I16, v); }
    public static GgufArray u32(int... v) { return new GgufArray(GgufValueType.U32, v); }
    public static GgufArray i32(int... v) { return new GgufArray(GgufValueType.I32, v); }
    public static GgufArray u64(long... v) { return new GgufArray(GgufValueType.U64, v); }
    public static GgufArray i64(long... v) { return new GgufArray(GgufValueType.I64, v); }
    public static GgufArray f32(float... v) { return new GgufArray(GgufValueType.F32, v); }
    public static GgufArray f64(double... v) { return new GgufArray(GgufValueType.F64, v); }
    public static GgufArray bool(boolean... v) { return new GgufArray(GgufValueType.BOOL, v); }
    public static GgufArray strings(String... v) { return new GgufArray(GgufValueType.STRING, v); }
    public static GgufArray arrays(GgufArray... v) { return new GgufArray(GgufValueType.ARRAY, v); }

    /** Number of elements. */
    public int length() {
        return java.lang.reflect.Array.getLength(values);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufArray a && elementType == a.elementType
                && Arrays.deepEquals(new Object[] {values}, new Object[] {a.values});
    }

    @Override
    public int hashCode() {
        return elementType.hashCode() * 31 + Arrays.deepHashCode(new Object[] {values});
    }

    @Override
    public String toString() {
        int n = length();
        return elementType.label() + "[" + n + "]";
    }
}
