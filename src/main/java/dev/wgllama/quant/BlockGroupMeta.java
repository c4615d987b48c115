package dev.wgllama.quant;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wgllama.ModelFormatException;

/**
 * The JSON metadata block of a block-group tensor, stored as the GGUF string key {@code wgllama.bg.<base>}:
 * {@code {"format": "q4_1", "blockSize": 32, "groupSize": 128, "scales": "f16", "zeroPoints": "i8" | null,
 * "bits": 4, "scaling": "static" | "dynamic", "shape": [out, in]}}. The first five fields are the standard's;
 * {@code bits}, {@code scaling} and {@code shape} (outermost first) are wgllama's additions.
 *
 * @param shape the logical weight shape, outermost first, or null when the JSON has none
 */
public record BlockGroupMeta(BlockGroupSpec spec, long[] shape) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public BlockGroupMeta {
        shape = shape == null ? null : shape.clone();
    }

    @Override
    public long[] shape() {
        return shape == null ? null : shape.clone();
    }

    /** The GGUF key holding the metadata of the block-group weight {@code base} (e.g. {@code blk.0.attn_q.weight}). */
    public static String key(String base) {
        return "wgllama.bg." + base;
    }

    /** Serializes to the compact JSON block (field order as in the standard). */
    public String toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("format", spec.format());
        o.put("blockSize", spec.blockSize());
        o.put("groupSize", spec.groupSize());
        o.put("scales", "f16");
        if (spec.zeroPoints()) {
            o.put("zeroPoints", "i8");
        } else {
            o.putNull("zeroPoints");
        }
        o.put("bits", spec.bits());
        o.put("scaling", spec.dynamic() ? "dynamic" : "static");
        if (shape != null) {
            ArrayNode a = o.putArray("shape");
            for (long d : shape) {
                a.add(d);
            }
        }
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Parses and validates a metadata block.
     *
     * @param where what holds it (file and key), for error messages
     * @throws ModelFormatException naming {@code where}, the field, and expected vs actual values
     */
    public static BlockGroupMeta fromJson(String json, String where) {
        JsonNode o;
        try {
            o = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ModelFormatException(where + ": block-group metadata is not valid JSON: "
                    + e.getOriginalMessage());
        }
        if (o == null || !o.isObject()) {
            throw new ModelFormatException(where + ": block-group metadata must be a JSON object, got " + json);
        }
        String format = text(o, "format", where);
        int blockSize = posInt(o, "blockSize", where);
        int groupSize = posInt(o, "groupSize", where);
        String scales = text(o, "scales", where);
        if (!scales.equals("f16")) {
            throw new ModelFormatException(where + ": block-group \"scales\" must be \"f16\", got \"" + scales + "\"");
        }
        JsonNode zp = o.get("zeroPoints");
        boolean zeroPoints;
        if (zp == null || zp.isNull()) {
            zeroPoints = false;
        } else if (zp.isTextual() && zp.asText().equals("i8")) {
            zeroPoints = true;
        } else {
            throw new ModelFormatException(where + ": block-group \"zeroPoints\" must be \"i8\" or null, got " + zp);
        }
        String scaling = o.has("scaling") ? text(o, "scaling", where) : "static";
        if (!scaling.equals("static") && !scaling.equals("dynamic")) {
            throw new ModelFormatException(where + ": block-group \"scaling\" must be \"static\" or \"dynamic\", got \""
                    + scaling + "\"");
        }
        int bits = o.has("bits") ? posInt(o, "bits", where) : (format.equals("q8_0") ? 8 : 4);
        BlockGroupSpec spec;
        try {
            spec = new BlockGroupSpec(format, bits, blockSize, groupSize, zeroPoints, scaling.equals("dynamic"));
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(where + ": " + e.getMessage());
        }
        long[] shape = null;
        JsonNode s = o.get("shape");
        if (s != null && !s.isNull()) {
            if (!s.isArray() || s.isEmpty() || s.size() > 8) {
                throw new ModelFormatException(where + ": block-group \"shape\" must be an array of 1..8 sizes, got "
                        + s);
            }
            shape = new long[s.size()];
            for (int i = 0; i < shape.length; i++) {
                JsonNode d = s.get(i);
                if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() <= 0) {
                    throw new ModelFormatException(where + ": block-group \"shape\"[" + i
                            + "] must be a positive integer, got " + d);
                }
                shape[i] = d.asLong();
            }
            if (shape[shape.length - 1] % groupSize != 0) {
                throw new ModelFormatException(where + ": block-group row length " + shape[shape.length - 1]
                        + " is not a multiple of groupSize " + groupSize);
            }
        }
        return new BlockGroupMeta(spec, shape);
    }

    private static String text(JsonNode o, String field, String where) {
        JsonNode n = o.get(field);
        if (n == null || !n.isTextual()) {
            throw new ModelFormatException(where + ": block-group metadata needs a string \"" + field + "\", got " + n);
        }
        return n.asText();
    }

    private static int posInt(JsonNode o, String field, String where) {
        JsonNode n = o.get(field);
        if (n == null || !n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() <= 0) {
            throw new ModelFormatException(where + ": block-group metadata needs a positive integer \"" + field
                    + "\", got " + n);
        }
        return n.asInt();
    }
}
