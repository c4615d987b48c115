package dev.wgllama.tokenizer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One message of a conversation, as chat templates see it ({@code message['role']}, {@code message['content']}).
 *
 * @param role    {@code system}, {@code user}, {@code assistant}, {@code tool}, ... (the template decides which it
 *                accepts)
 * @param content a {@link String}; or a {@link List} of content parts, each a {@link Map} with a {@code "type"}
 *                key (e.g. {@code {type: "text", text: "..."}}), as newer templates (Llama 4) accept; or, for a
 *                {@code tool} message, a {@link Map} (JSON object) that the template serialises with
 *                {@code tojson}; null for none
 * @param fields  further keys the template may read ({@code tool_calls}, {@code tool_call_id}, {@code name}, ...);
 *                values are strings, numbers, booleans, lists and maps, as in JSON
 */
public record ChatMessage(String role, Object content, Map<String, Object> fields) {

    public ChatMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(fields, "fields");
        if (content instanceof List<?> parts) {
            content = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(parts));
        } else if (content instanceof Map<?, ?> map) { // a tool result given as a JSON object
            content = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(map));
        } else if (content != null && !(content instanceof String)) {
            throw new IllegalArgumentException("content of a '" + role + "' message must be a String, a List of "
                    + "parts or a Map, got " + content.getClass().getName());
        }
        if (fields.containsKey("role") || fields.containsKey("content")) {
            throw new IllegalArgumentException("fields must not repeat 'role' or 'content': " + fields.keySet());
        }
        // Insertion order kept: tojson prints keys in this order, as Python's json.dumps does for a dict.
        fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** A message with plain text content and no further fields. */
    public ChatMessage(String role, String content) {
        this(role, content, Map.of());
    }

    /** A message whose content is a single {@code {type: "text", text}} part (the list form newer templates use). */
    public static ChatMessage textParts(String role, String... texts) {
        List<Map<String, Object>> parts = new java.util.ArrayList<>();
        for (String t : texts) {
            parts.add(Map.of("type", "text", "text", t));
        }
        return new ChatMessage(role, parts, Map.of());
    }

    /** The value templates see: an insertion-ordered map {@code {role, content, ...fields}}. */
    Map<String, Object> toTemplateValue() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("role", role);
        m.put("content", content);
        m.putAll(fields);
        return m;
    }
}
