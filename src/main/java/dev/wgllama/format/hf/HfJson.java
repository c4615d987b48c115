package dev.wgllama.format.hf;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wgllama.ModelFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Strict JSON reading for Hugging Face files: parse errors name the file, line and column. */
public final class HfJson {
    /** Larger JSON files than this are refused before reading (real config/index files are kilobytes). */
    public static final long MAX_JSON_BYTES = 100L << 20;

    // Duplicate keys are rejected: a header naming one tensor twice is ambiguous, not "last one wins".
    // Trailing tokens after the object are garbage, not padding (padding is whitespace, which JSON allows).
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private HfJson() {
    }

    /** Reads and parses a whole JSON file; the root must be an object. */
    public static JsonNode readObject(Path file) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new ModelFormatException(file + ": cannot read: " + e.getMessage(), e);
        }
        if (size > MAX_JSON_BYTES) {
            throw new ModelFormatException(file + ": JSON file of " + size + " bytes exceeds the limit of "
                    + MAX_JSON_BYTES);
        }
        try {
            return parseObject(Files.readAllBytes(file), 0, file.toString());
        } catch (IOException e) {
            throw new ModelFormatException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * Parses JSON text whose first byte lies at {@code baseOffset} in {@code source} (used in messages).
     * The root must be an object.
     */
    static JsonNode parseObject(byte[] json, long baseOffset, String source) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr()
                    + " (byte " + (baseOffset + Math.max(0, loc.getByteOffset())) + ")";
            throw new ModelFormatException(source + ": malformed JSON" + where + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ModelFormatException(source + ": cannot parse JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ModelFormatException(source + ": expected a JSON object at the top level, found "
                    + (root == null ? "nothing" : root.getNodeType()));
        }
        return root;
    }
}
