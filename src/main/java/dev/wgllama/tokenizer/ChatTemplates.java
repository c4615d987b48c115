package dev.wgllama.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wgllama.ModelFormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the chat template that ships with a model. A missing template is {@link Optional#empty()}: the caller
 * chooses a fallback (or refuses chat).
 */
public final class ChatTemplates {
    private ChatTemplates() {
    }

    /** Templates larger than this are refused (real ones are under 20 KB). */
    static final long MAX_TEMPLATE_BYTES = 1 << 20;

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The template of a Hugging Face model folder, with {@code bos_token}/{@code eos_token} from
     * {@code tokenizer_config.json} when it names them. Looked up in the order {@code transformers} uses:
     * {@code chat_template.jinja}, then {@code chat_template.json} ({@code {"chat_template": "..."}}, as
     * multimodal processors save it), then the {@code chat_template} key of {@code tokenizer_config.json}, which
     * is a string or a list of {@code {name, template}} (the one named {@code default} is taken).
     *
     * @throws ModelFormatException if a file is unreadable, not JSON, has a {@code chat_template} of the wrong
     *                              type, a list without {@code default}, or a template that does not parse
     */
    public static Optional<ChatTemplate> fromHfDir(Path dir) {
        Path configFile = dir.resolve("tokenizer_config.json");
        JsonNode config = Files.isRegularFile(configFile) ? readJson(configFile) : null;
        String bos = config == null ? null : tokenText(config.get("bos_token"), configFile, "bos_token");
        String eos = config == null ? null : tokenText(config.get("eos_token"), configFile, "eos_token");

        Path jinja = dir.resolve("chat_template.jinja");
        if (Files.isRegularFile(jinja)) {
            return Optional.of(parse(readText(jinja), jinja.toString()).withSpecialTokens(bos, eos));
        }
        Path processorJson = dir.resolve("chat_template.json");
        if (Files.isRegularFile(processorJson)) {
            JsonNode t = readJson(processorJson).get("chat_template");
            if (t != null && !t.isNull()) {
                return Optional.of(fromJsonValue(t, processorJson).withSpecialTokens(bos, eos));
            }
        }
        if (config != null) {
            JsonNode t = config.get("chat_template");
            if (t != null && !t.isNull()) {
                return Optional.of(fromJsonValue(t, configFile).withSpecialTokens(bos, eos));
            }
        }
        return Optional.empty();
    }

    /**
     * A template stored as a plain string, e.g. the GGUF key {@code tokenizer.chat_template}; null or blank
     * gives {@link Optional#empty()}.
     *
     * @param where names the source in error messages (file and key)
     * @throws ModelFormatException if the template does not parse
     */
    public static Optional<ChatTemplate> fromString(String template, String where) {
        if (template == null || template.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(parse(template, where));
    }

    private static ChatTemplate fromJsonValue(JsonNode t, Path file) {
        if (t.isTextual()) {
            return parse(t.asText(), file + " key chat_template");
        }
        if (t.isArray()) {
            StringBuilder names = new StringBuilder();
            for (JsonNode entry : t) {
                JsonNode name = entry.get("name");
                JsonNode template = entry.get("template");
                if (name == null || !name.isTextual() || template == null || !template.isTextual()) {
                    throw new ModelFormatException(file + ": chat_template list entries must be {\"name\": string, "
                            + "\"template\": string}, got " + abbreviate(entry.toString()));
                }
                if (name.asText().equals("default")) {
                    return parse(template.asText(), file + " key chat_template[name=default]");
                }
                names.append(names.isEmpty() ? "" : ", ").append(name.asText());
            }
            throw new ModelFormatException(file + ": chat_template lists templates [" + names
                    + "] but none is named 'default'");
        }
        throw new ModelFormatException(file + ": chat_template must be a string or a list of {name, template}, got "
                + t.getNodeType());
    }

    private static ChatTemplate parse(String template, String where) {
        try {
            return ChatTemplate.of(template);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(where + ": " + e.getMessage(), e);
        }
    }

    /** A special token is written as a string or as an AddedToken object {"content": "...", ...}. */
    private static String tokenText(JsonNode n, Path file, String key) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.isTextual()) {
            return n.asText();
        }
        if (n.isObject() && n.get("content") != null && n.get("content").isTextual()) {
            return n.get("content").asText();
        }
        throw new ModelFormatException(file + ": " + key + " must be a string or {\"content\": string}, got "
                + abbreviate(n.toString()));
    }

    private static String readText(Path p) {
        try {
            long size = Files.size(p);
            if (size > MAX_TEMPLATE_BYTES) {
                throw new ModelFormatException(p + ": " + size + " bytes, more than the " + MAX_TEMPLATE_BYTES
                        + " a chat template may have");
            }
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ModelFormatException(p + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static JsonNode readJson(Path p) {
        try {
            // tokenizer_config.json may embed a large added_tokens_decoder; bound it well above real sizes.
            long size = Files.size(p);
            if (size > 64L << 20) {
                throw new ModelFormatException(p + ": " + size + " bytes, too large for a tokenizer config");
            }
            JsonNode n = JSON.readTree(p.toFile());
            if (n == null || !n.isObject()) {
                throw new ModelFormatException(p + ": expected a JSON object at the top level");
            }
            return n;
        } catch (IOException e) {
            throw new ModelFormatException(p + ": not valid JSON: " + e.getMessage(), e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
