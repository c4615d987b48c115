package dev.wgllama.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wgllama.ModelFormatException;
import dev.wgllama.format.Tensor;
import dev.wgllama.format.gguf.GgufFile;
import dev.wgllama.format.gguf.GgufValue;
import dev.wgllama.format.gguf.GgufValueType;
import dev.wgllama.quant.BlockGroupSpec;
import dev.wgllama.quant.BlockGroupWeight;
import dev.wgllama.quant.GgmlType;
import dev.wgllama.quant.GgmlWeight;
import dev.wgllama.quant.Weight;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns a GGUF file's tensors into engine weights: plain tensors become {@link GgmlWeight}s under their GGUF
 * names; each block-group triple {@code <base>.bg.codes} (I8), {@code <base>.bg.scales} (F16),
 * {@code <base>.bg.zeros} (I8, only with zero points) described by the JSON string key {@code wgllama.bg.<base>}
 * becomes one {@link BlockGroupWeight} named {@code <base>} (the parts are not listed separately).
 *
 * <p>JSON: {@code {"format":"q4_0"|"q4_1"|"q8_0","blockSize":B,"groupSize":G,"scales":"f16",
 * "zeroPoints":"i8"|null,"scaling":"static"|"dynamic","bits":4|8,"shape":[out, in]}}. Byte counts follow from it
 * for a {@code [rows, cols]} weight: codes {@code rows*cols*bits/8}, scales {@code rows*cols/G} f16, zeros
 * {@code rows*cols/B} i8.
 */
final class GgufBlockGroups {
    static final String KEY_PREFIX = "wgllama.bg.";
    static final String CODES = ".bg.codes";
    static final String SCALES = ".bg.scales";
    static final String ZEROS = ".bg.zeros";
    private static final ObjectMapper JSON = new ObjectMapper();

    private GgufBlockGroups() {
    }

    /** All weights of the file in file order, block-group parts assembled. */
    static Map<String, Weight> weights(GgufFile f) {
        String src = f.path().toString();
        Map<String, Weight> out = new LinkedHashMap<>();
        for (Tensor t : f.tensors()) {
            String n = t.name();
            if (n.endsWith(CODES)) {
                String base = n.substring(0, n.length() - CODES.length());
                out.put(base, assemble(f, base));
            } else if (n.endsWith(SCALES) || n.endsWith(ZEROS)) {
                String base = n.substring(0, n.length() - (n.endsWith(SCALES) ? SCALES : ZEROS).length());
                if (f.tensor(base + CODES) == null) {
                    throw new ModelFormatException(src + ": block-group tensor '" + n + "' has no '" + base + CODES
                            + "' beside it");
                }
            } else {
                out.put(n, new GgmlWeight(t));
            }
        }
        for (String key : f.metadata().asMap().keySet()) {
            if (key.startsWith(KEY_PREFIX) && !out.containsKey(key.substring(KEY_PREFIX.length()))) {
                throw new ModelFormatException(src + ": metadata key '" + key + "' describes a block-group weight"
                        + " but tensor '" + key.substring(KEY_PREFIX.length()) + CODES + "' is missing");
            }
        }
        return out;
    }

    private static BlockGroupWeight assemble(GgufFile f, String base) {
        String src = f.path().toString();
        String key = KEY_PREFIX + base;
        GgufValue v = f.metadata().value(key);
        if (v == null || v.type() != GgufValueType.STRING) {
            throw new ModelFormatException(src + ": block-group tensor '" + base + CODES + "' needs the JSON string"
                    + " key '" + key + "', which is " + (v == null ? "missing" : "of type " + v.type().label()));
        }
        JsonNode j;
        try {
            j = JSON.readTree((String) v.value());
        } catch (Exception e) {
            throw new ModelFormatException(src + ": metadata key '" + key + "' is not valid JSON: "
                    + e.getMessage(), e);
        }
        if (j == null || !j.isObject()) {
            throw new ModelFormatException(src + ": metadata key '" + key + "' must hold a JSON object");
        }
        String format = text(j, "format", src, key);
        int bits = integer(j, "bits", src, key);
        int blockSize = integer(j, "blockSize", src, key);
        int groupSize = integer(j, "groupSize", src, key);
        String scales = text(j, "scales", src, key);
        String scaling = text(j, "scaling", src, key);
        JsonNode zp = j.get("zeroPoints");
        boolean zeroPoints = zp != null && !zp.isNull();
        if (zeroPoints && !"i8".equals(zp.asText())) {
            throw bad(src, key, "zeroPoints", "\"i8\" or null", zp.toString());
        }
        if (!"f16".equals(scales)) {
            throw bad(src, key, "scales", "\"f16\"", scales);
        }
        if (!"static".equals(scaling) && !"dynamic".equals(scaling)) {
            throw bad(src, key, "scaling", "\"static\" or \"dynamic\"", scaling);
        }
        int expectedBits = switch (format) {
            case "q4_0", "q4_1" -> 4;
            case "q8_0" -> 8;
            default -> throw bad(src, key, "format", "q4_0, q4_1 or q8_0", format);
        };
        if (bits != expectedBits) {
            throw bad(src, key, "bits", String.valueOf(expectedBits) + " for " + format, String.valueOf(bits));
        }
        if (zeroPoints != format.equals("q4_1")) {
            throw bad(src, key, "zeroPoints", format.equals("q4_1") ? "\"i8\" for q4_1" : "null for " + format,
                    String.valueOf(zp));
        }
        BlockGroupSpec spec;
        try {
            spec = new BlockGroupSpec(format, bits, blockSize, groupSize, zeroPoints, scaling.equals("dynamic"));
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(src + ": metadata key '" + key + "': " + e.getMessage(), e);
        }
        long[] shape = shape(j, src, key);
        long cols = shape[shape.length - 1];
        long numel = 1;
        for (long d : shape) {
            numel = Math.multiplyExact(numel, d);
        }
        if (cols % groupSize != 0) {
            throw new ModelFormatException(src + ": block-group weight '" + base + "' has " + cols
                    + " columns, not a multiple of its groupSize " + groupSize);
        }
        Tensor codes = part(f, base + CODES, GgmlType.I8, numel * bits / 8);
        Tensor sc = part(f, base + SCALES, GgmlType.F16, numel / groupSize);
        Tensor zeros = zeroPoints ? part(f, base + ZEROS, GgmlType.I8, numel / blockSize) : null;
        if (!zeroPoints && f.tensor(base + ZEROS) != null) {
            throw new ModelFormatException(src + ": tensor '" + base + ZEROS + "' exists but '" + key
                    + "' says zeroPoints is null");
        }
        return new BlockGroupWeight(base, shape, spec, codes.data(), sc.data(), zeros == null ? null : zeros.data());
    }

    private static Tensor part(GgufFile f, String name, GgmlType type, long numel) {
        Tensor t = f.tensor(name);
        String src = f.path().toString();
        if (t == null) {
            throw new ModelFormatException(src + ": block-group tensor '" + name + "' is missing");
        }
        if (t.type() != type || t.numel() != numel) {
            throw new ModelFormatException(src + ": block-group tensor '" + name + "' is " + t.type() + " with "
                    + t.numel() + " elements, expected " + type + " with " + numel);
        }
        return t;
    }

    private static long[] shape(JsonNode j, String src, String key) {
        JsonNode s = j.get("shape");
        if (s == null || !s.isArray() || s.isEmpty() || s.size() > 4) {
            throw bad(src, key, "shape", "an array of 1 to 4 positive integers", String.valueOf(s));
        }
        long[] shape = new long[s.size()];
        Iterator<JsonNode> it = s.elements();
        for (int i = 0; it.hasNext(); i++) {
            JsonNode d = it.next();
            if (!d.isIntegralNumber() || !d.canConvertToLong() || d.asLong() <= 0 || d.asLong() > 1L << 40) {
                throw bad(src, key, "shape", "an array of 1 to 4 positive integers", s.toString());
            }
            shape[i] = d.asLong();
        }
        return shape;
    }

    private static String text(JsonNode j, String field, String src, String key) {
        JsonNode n = j.get(field);
        if (n == null || !n.isTextual()) {
            throw bad(src, key, field, "a string", String.valueOf(n));
        }
        return n.asText();
    }

    private static int integer(JsonNode j, String field, String src, String key) {
        JsonNode n = j.get(field);
        if (n == null || !n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() <= 0) {
            throw bad(src, key, field, "a positive integer", String.valueOf(n));
        }
        return n.asInt();
    }

    private static ModelFormatException bad(String src, String key, String field, String expected, String actual) {
        return new ModelFormatException(src + ": metadata key '" + key + "' field \"" + field + "\" is " + actual
                + ", expected " + expected);
    }
}
