package dev.wgllama.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgllama.ModelFormatException;
import dev.wgllama.TestPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where templates come from: HF folders (three places, in priority order) and plain strings (GGUF). */
class ChatTemplatesTest {

    static final List<ChatMessage> HI = List.of(new ChatMessage("user", "hi"));

    @Test
    void sharedModelsPreferChatTemplateJinjaAndReadSpecialTokens() throws IOException {
        ChatTemplate a = ChatTemplates.fromHfDir(TestPaths.model("tiny-a")).orElseThrow();
        assertEquals(Files.readString(TestPaths.model("tiny-a").resolve("chat_template.jinja")), a.source());
        assertEquals("<s>", a.bosToken());
        assertEquals("</s>", a.eosToken());
        ChatTemplate b = ChatTemplates.fromHfDir(TestPaths.model("tiny-b")).orElseThrow();
        assertEquals("<|begin_of_text|>", b.bosToken());
        assertEquals("<|end_of_text|>", b.eosToken());
    }

    @Test
    void tokenizerConfigStringAndAddedTokenObjects(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("tokenizer_config.json"), """
                {"bos_token": {"content": "<B>", "lstrip": false}, "eos_token": null,
                 "chat_template": "{{ bos_token }}{% for m in messages %}[{{ m.content }}]{% endfor %}\\n"}""");
        ChatTemplate t = ChatTemplates.fromHfDir(dir).orElseThrow();
        // The trailing newline (JSON "\n") follows a block tag: trim_blocks drops it, as in transformers.
        assertEquals("<B>[hi]", t.render(HI, false, Map.of()));
        assertEquals(null, t.eosToken());
    }

    @Test
    void templateListTakesDefault(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("tokenizer_config.json"), """
                {"chat_template": [{"name": "tool_use", "template": "TOOLS"}, {"name": "default", "template": "DEF"}]}""");
        assertEquals("DEF", ChatTemplates.fromHfDir(dir).orElseThrow().render(HI, false, Map.of()));
        Files.writeString(dir.resolve("tokenizer_config.json"), """
                {"chat_template": [{"name": "tool_use", "template": "TOOLS"}, {"name": "rag", "template": "R"}]}""");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ChatTemplates.fromHfDir(dir));
        assertTrue(e.getMessage().contains("tool_use, rag") && e.getMessage().contains("tokenizer_config.json"),
                e.getMessage());
    }

    @Test
    void priorityJinjaThenProcessorJsonThenTokenizerConfig(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"chat_template\": \"CONFIG\"}");
        assertEquals("CONFIG", ChatTemplates.fromHfDir(dir).orElseThrow().render(HI, false, Map.of()));
        Files.writeString(dir.resolve("chat_template.json"), "{\"chat_template\": \"PROCESSOR\"}");
        assertEquals("PROCESSOR", ChatTemplates.fromHfDir(dir).orElseThrow().render(HI, false, Map.of()));
        Files.writeString(dir.resolve("chat_template.jinja"), "JINJA");
        assertEquals("JINJA", ChatTemplates.fromHfDir(dir).orElseThrow().render(HI, false, Map.of()));
    }

    @Test
    void missingTemplateIsEmpty(@TempDir Path dir) throws IOException {
        assertTrue(ChatTemplates.fromHfDir(dir).isEmpty());
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"bos_token\": \"<s>\", \"chat_template\": null}");
        assertTrue(ChatTemplates.fromHfDir(dir).isEmpty());
        assertTrue(ChatTemplates.fromString(null, "x").isEmpty());
        assertTrue(ChatTemplates.fromString("  ", "x").isEmpty());
    }

    @Test
    void badFilesAreModelFormatErrorsNamingTheFile(@TempDir Path dir) throws IOException {
        Path cfg = dir.resolve("tokenizer_config.json");
        Files.writeString(cfg, "{\"chat_template\": 42}");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ChatTemplates.fromHfDir(dir));
        assertTrue(e.getMessage().contains(cfg.toString()) && e.getMessage().contains("NUMBER"), e.getMessage());
        Files.writeString(cfg, "{\"chat_template\": \"{% if %}\"");
        e = assertThrows(ModelFormatException.class, () -> ChatTemplates.fromHfDir(dir));
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
        Files.writeString(cfg, "{\"chat_template\": \"{% for m in messages %}\"}");
        e = assertThrows(ModelFormatException.class, () -> ChatTemplates.fromHfDir(dir));
        assertTrue(e.getMessage().contains("does not parse"), e.getMessage());
        Files.writeString(cfg, "{\"bos_token\": [1]}");
        assertThrows(ModelFormatException.class, () -> ChatTemplates.fromHfDir(dir));
        assertThrows(ModelFormatException.class, () -> ChatTemplates.fromString("{{ x", "model.gguf key tokenizer.chat_template"));
    }

    @Test
    void fromStringForGgufKey() {
        ChatTemplate t = ChatTemplates.fromString("{% for m in messages %}{{ m.role }}:{{ m.content }}{% endfor %}",
                "model.gguf key tokenizer.chat_template").orElseThrow();
        assertEquals("user:hi", t.render(HI, true, Map.of()));
    }
}
