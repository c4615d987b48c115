package dev.wgllama.format.gguf;

import dev.wgllama.ModelFormatException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The key/value metadata of a GGUF file in file order, each value with its GGUF type, plus typed getters. A getter
 * throws {@link ModelFormatException} naming the file, the key, the expected and the actual type when the key is
 * missing or has the wrong type; the {@code ...Or} and {@code opt...} variants return a default or empty when the
 * key is absent (but still throw when it is present with a wrong type: a wrong type is a broken file).
 */
public final class GgufMetadata {
    private final String file;
    private final Map<String, GgufValue> values;

    /** @param values in file order; copied */
    public GgufMetadata(String file, Map<String, GgufValue> values) {
        this.file = file;
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** Every key and typed value, in file order (unmodifiable). */
    public Map<String, GgufValue> asMap() {
        return values;
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    /** The typed value, or null when absent. */
    public GgufValue value(String key) {
        return values.get(key);
    }

    private GgufValue require(String key, String expected) {
        GgufValue v = values.get(key);
        if (v == null) {
            throw new ModelFormatException(file + ": metadata key '" + key + "' is missing (expected " + expected
                    + ")");
        }
        return v;
    }

    private ModelFormatException wrongType(String key, String expected, GgufValue v) {
        String actual = v.type() == GgufValueType.ARRAY
                ? "array of " + ((GgufArray) v.value()).elementType().label() : v.type().label();
        return new ModelFormatException(file + ": metadata key '" + key + "' has type " + actual + ", expected "
                + expected);
    }

    public String string(String key) {
        GgufValue v = require(key, "string");
        if (v.type() != GgufValueType.STRING) {
            throw wrongType(key, "string", v);
        }
        return (String) v.value();
    }

    public Optional<String> optString(String key) {
        return has(key) ? Optional.of(string(key)) : Optional.empty();
    }

    public String stringOr(String key, String dflt) {
        return has(key) ? string(key) : dflt;
    }

    /** Any integer type (u8..i64) whose value fits a signed long. */
    public long int64(String key) {
        GgufValue v = require(key, "an integer");
        if (!v.type().isInteger()) {
            throw wrongType(key, "an integer", v);
        }
        if (!v.fitsLong()) {
            throw new ModelFormatException(file + ": metadata key '" + key + "' = "
                    + Long.toUnsignedString((Long) v.value()) + " does not fit a signed 64-bit integer");
        }
        return v.asLong();
    }

    /**
     * Any integer type (u8..i64) whose value fits a signed int: converters write counts as u32 or i32
     * inconsistently, so the exact width is not part of the contract, the value is.
     */
    public int int32(String key) {
        long v = int64(key);
        if (v != (int) v) {
            throw new ModelFormatException(file + ": metadata key '" + key + "' = " + v
                    + " does not fit a 32-bit integer");
        }
        return (int) v;
    }

    /** A u32 value (exactly that type) read unsigned. */
    public long u32(String key) {
        GgufValue v = require(key, "u32");
        if (v.type() != GgufValueType.U32) {
            throw wrongType(key, "u32", v);
        }
        return v.asLong();
    }

    public Optional<Integer> optInt32(String key) {
        return has(key) ? Optional.of(int32(key)) : Optional.empty();
    }

    public int int32Or(String key, int dflt) {
        return has(key) ? int32(key) : dflt;
    }

    /** An f32 value; an f64 is accepted and rounded (some writers use f64 for epsilons). */
    public float float32(String key) {
        GgufValue v = require(key, "f32");
        return switch (v.type()) {
            case F32 -> (Float) v.value();
            case F64 -> (float) (double) (Double) v.value();
            default -> throw wrongType(key, "f32", v);
        };
    }

    public Optional<Float> optFloat32(String key) {
        return has(key) ? Optional.of(float32(key)) : Optional.empty();
    }

    public float float32Or(String key, float dflt) {
        return has(key) ? float32(key) : dflt;
    }

    public boolean bool(String key) {
        GgufValue v = require(key, "bool");
        if (v.type() != GgufValueType.BOOL) {
            throw wrongType(key, "bool", v);
        }
        return (Boolean) v.value();
    }

    public boolean boolOr(String key, boolean dflt) {
        return has(key) ? bool(key) : dflt;
    }

    /** The array value of a key, with its element type checked; null when absent. */
    private GgufArray array(String key, GgufValueType elem, boolean required) {
        String expected = "array of " + elem.label();
        GgufValue v = required ? require(key, expected) : values.get(key);
        if (v == null) {
            return null;
        }
        if (v.type() != GgufValueType.ARRAY) {
            throw wrongType(key, expected, v);
        }
        GgufArray a = (GgufArray) v.value();
        if (a.elementType() != elem) {
            throw wrongType(key, expected, v);
        }
        return a;
    }

    /** A string array (e.g. tokenizer.ggml.tokens). The returned array is a copy. */
    public String[] stringArray(String key) {
        return ((String[]) array(key, GgufValueType.STRING, true).values()).clone();
    }

    public Optional<String[]> optStringArray(String key) {
        return has(key) ? Optional.of(stringArray(key)) : Optional.empty();
    }

    /** An f32 array (e.g. tokenizer.ggml.scores). The returned array is a copy. */
    public float[] floatArray(String key) {
        return ((float[]) array(key, GgufValueType.F32, true).values()).clone();
    }

    public Optional<float[]> optFloatArray(String key) {
        return has(key) ? Optional.of(floatArray(key)) : Optional.empty();
    }

    /**
     * An array of i32 or u32 (e.g. tokenizer.ggml.token_type); also widens i8/u8/i16/u16 arrays. u32 elements
     * above 2^31-1 are rejected. The returned array is a copy.
     */
    public int[] intArray(String key) {
        GgufValue v = require(key, "array of i32");
        if (v.type() != GgufValueType.ARRAY) {
            throw wrongType(key, "array of i32", v);
        }
        GgufArray a = (GgufArray) v.value();
        return switch (a.elementType()) {
            case I32 -> ((int[]) a.values()).clone();
            case U32 -> {
                int[] src = (int[]) a.values();
                for (int i = 0; i < src.length; i++) {
                    if (src[i] < 0) {
                        throw new ModelFormatException(file + ": metadata key '" + key + "' element " + i + " = "
                                + Integer.toUnsignedString(src[i]) + " does not fit a 32-bit signed integer");
                    }
                }
                yield src.clone();
            }
            case I8, U8, I16, U16 -> {
                int[] out = new int[a.length()];
                boolean unsigned = a.elementType() == GgufValueType.U8 || a.elementType() == GgufValueType.U16;
                for (int i = 0; i < out.length; i++) {
                    int x = a.values() instanceof byte[] b ? b[i] : ((short[]) a.values())[i];
                    out[i] = unsigned ? (a.values() instanceof byte[] ? x & 0xFF : x & 0xFFFF) : x;
                }
                yield out;
            }
            default -> throw wrongType(key, "array of i32", v);
        };
    }

    public Optional<int[]> optIntArray(String key) {
        return has(key) ? Optional.of(intArray(key)) : Optional.empty();
    }

    @Override
    public String toString() {
        return values.size() + " metadata keys of " + file;
    }
}
