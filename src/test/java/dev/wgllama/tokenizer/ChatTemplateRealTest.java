package dev.wgllama.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgllama.TestPaths;
import dev.wgllama.WgllamaException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Real templates: the three shared models' and Meta's published ones (src/test/resources/chat-templates). Expected
 * prompts follow Jinja2 semantics with transformers' settings (trim_blocks, lstrip_blocks); the long ones were
 * checked against Python Jinja2 3.1.6 rendering the same template.
 */
class ChatTemplateRealTest {

    static final List<ChatMessage> CONVO = List.of(
            new ChatMessage("system", " You are terse. "),
            new ChatMessage("user", "Hi there"),
            new ChatMessage("assistant", "Hello!"),
            new ChatMessage("user", "Name a color."));

    static ChatTemplate resource(String name) throws IOException {
        try (InputStream in = ChatTemplateRealTest.class.getResourceAsStream("/chat-templates/" + name)) {
            return ChatTemplate.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    // ---- shared tiny models (template from chat_template.jinja, tokens from tokenizer_config.json) ----

    @Test
    void tinyA_llama2StyleIgnoresGenerationPrompt() {
        ChatTemplate t = ChatTemplates.fromHfDir(TestPaths.model("tiny-a")).orElseThrow();
        // user: "[INST] " + trim + " [/INST]"; system: "<<SYS>>\n" + trim + "\n<</SYS>>\n\n";
        // other roles: " " + trim + " " + eos. No generation-prompt branch.
        String expected = "<s><<SYS>>\nYou are terse.\n<</SYS>>\n\n[INST] Hi there [/INST] Hello! </s>"
                + "[INST] Name a color. [/INST]";
        assertEquals(expected, t.render(CONVO, true, Map.of()));
        assertEquals(expected, t.render(CONVO, false, Map.of()));
    }

    @Test
    void tinyB_llama3Headers() {
        ChatTemplate t = ChatTemplates.fromHfDir(TestPaths.model("tiny-b")).orElseThrow();
        String body = "<|begin_of_text|>"
                + "<|start_header_id|>system<|end_header_id|>\n\nYou are terse.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nHi there<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\nHello!<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nName a color.<|eot_id|>";
        assertEquals(body, t.render(CONVO, false, Map.of()));
        assertEquals(body + "<|start_header_id|>assistant<|end_header_id|>\n\n", t.render(CONVO, true, Map.of()));
    }

    @Test
    void tinyC_llama4Headers() {
        ChatTemplate t = ChatTemplates.fromHfDir(TestPaths.model("tiny-c")).orElseThrow();
        String body = "<|begin_of_text|>"
                + "<|header_start|>system<|header_end|>\n\nYou are terse.<|eot|>"
                + "<|header_start|>user<|header_end|>\n\nHi there<|eot|>"
                + "<|header_start|>assistant<|header_end|>\n\nHello!<|eot|>"
                + "<|header_start|>user<|header_end|>\n\nName a color.<|eot|>";
        assertEquals(body, t.render(CONVO, false, Map.of()));
        assertEquals(body + "<|header_start|>assistant<|header_end|>\n\n", t.render(CONVO, true, Map.of()));
    }

    // ---- Llama 2 chat ----

    @Test
    void llama2_systemFoldedIntoFirstUserTurn() throws IOException {
        ChatTemplate t = resource("llama-2-chat.jinja").withSpecialTokens("<s>", "</s>");
        // '\n' in the template's string literals is a Jinja escape (a real newline). The system text is glued in
        // front of the first user turn before .strip(), so its own spaces next to the newlines stay.
        String expected = "<s>[INST] <<SYS>>\n You are terse. \n<</SYS>>\n\nHi there [/INST] Hello! </s>"
                + "<s>[INST] Name a color. [/INST]";
        assertEquals(expected, t.render(CONVO, true, Map.of()));
        assertEquals(expected, t.render(CONVO, false, Map.of()));
    }

    @Test
    void llama2_badRoleOrderRaisesTheTemplatesMessage() throws IOException {
        ChatTemplate t = resource("llama-2-chat.jinja").withSpecialTokens("<s>", "</s>");
        List<ChatMessage> twoUsers = List.of(new ChatMessage("user", "a"), new ChatMessage("user", "b"));
        WgllamaException e = assertThrows(WgllamaException.class, () -> t.render(twoUsers, true, Map.of()));
        assertEquals("Conversation roles must alternate user/assistant/user/assistant/...", e.getMessage());
        List<ChatMessage> assistantFirst = List.of(new ChatMessage("system", "s"), new ChatMessage("assistant", "a"));
        assertThrows(WgllamaException.class, () -> t.render(assistantFirst, true, Map.of()));
    }

    // ---- Llama 3 ----

    @Test
    void llama3_bosOnFirstMessageOnly() throws IOException {
        ChatTemplate t = resource("llama-3-instruct.jinja").withSpecialTokens("<|begin_of_text|>", "<|eot_id|>");
        String body = "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nYou are terse.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nHi there<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\nHello!<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nName a color.<|eot_id|>";
        assertEquals(body, t.render(CONVO, false, Map.of()));
        assertEquals(body + "<|start_header_id|>assistant<|end_header_id|>\n\n", t.render(CONVO, true, Map.of()));
    }

    // ---- Llama 3.1 ----

    static final String L31_HEAD = "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n";

    @Test
    void llama31_cuttingKnowledgeHeader() throws IOException {
        ChatTemplate t = resource("llama-3.1-instruct.jinja").withSpecialTokens("<|begin_of_text|>", "<|eot_id|>");
        String body = L31_HEAD + "Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n"
                + "You are terse.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nHi there<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\nHello!<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nName a color.<|eot_id|>";
        assertEquals(body, t.render(CONVO, false, Map.of()));
        assertEquals(body + "<|start_header_id|>assistant<|end_header_id|>\n\n", t.render(CONVO, true, Map.of()));
        // No system message: the header block is still there, with an empty system text.
        assertEquals(L31_HEAD + "Cutting Knowledge Date: December 2023\nToday Date: 07 Mar 2025\n\n<|eot_id|>"
                        + "<|start_header_id|>user<|end_header_id|>\n\nhey<|eot_id|>",
                t.render(List.of(new ChatMessage("user", "hey")), false, Map.of("date_string", "07 Mar 2025")));
    }

    static final String WEATHER_JSON = """
            {
                "type": "function",
                "function": {
                    "name": "get_weather",
                    "description": "Weather in a city, °C",
                    "parameters": {
                        "type": "object",
                        "properties": {
                            "city": {
                                "type": "string"
                            },
                            "days": {
                                "type": "integer",
                                "default": 1.5e-05
                            }
                        },
                        "required": [
                            "city"
                        ]
                    }
                }
            }""";

    static Map<String, Object> weatherTool() {
        Map<String, Object> city = Map.of("type", "string");
        Map<String, Object> days = new LinkedHashMap<>();
        days.put("type", "integer");
        days.put("default", 1.5e-5);
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("city", city);
        props.put("days", days);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("type", "object");
        params.put("properties", props);
        params.put("required", List.of("city"));
        Map<String, Object> fn = new LinkedHashMap<>();
        fn.put("name", "get_weather");
        fn.put("description", "Weather in a city, °C");
        fn.put("parameters", params);
        Map<String, Object> tool = new LinkedHashMap<>();
        tool.put("type", "function");
        tool.put("function", fn);
        return tool;
    }

    /** system, user (untrimmed, with template syntax in it), a tool call, a string and an object tool result. */
    static List<ChatMessage> toolConversation() {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("city", "Paris");
        args.put("days", 2);
        Map<String, Object> call = Map.of("type", "function",
                "function", Map.of("name", "get_weather", "arguments", args));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("temp", 18);
        result.put("unit", "C");
        return List.of(new ChatMessage("system", "Be brief."),
                new ChatMessage("user", "  Weather in Paris? {{ 7*7 }}  "),
                new ChatMessage("assistant", "", Map.of("tool_calls", List.of(call))),
                new ChatMessage("tool", "{\"temp\": 18}"),
                new ChatMessage("tool", result, Map.of()));
    }

    static final String TOOL_INSTRUCTIONS = "Respond in the format {\"name\": function name, \"parameters\": "
            + "dictionary of argument name and its value}.Do not use variables.\n\n";

    @Test
    void llama31_toolsInFirstUserMessage() throws IOException {
        ChatTemplate t = resource("llama-3.1-instruct.jinja").withSpecialTokens("<|begin_of_text|>", "<|eot_id|>");
        String expected = L31_HEAD + "Environment: ipython\nCutting Knowledge Date: December 2023\n"
                + "Today Date: 26 Jul 2024\n\nBe brief.<|eot_id|><|start_header_id|>user<|end_header_id|>\n\n"
                + "Given the following functions, please respond with a JSON for a function call with its proper "
                + "arguments that best answers the given prompt.\n\n" + TOOL_INSTRUCTIONS + WEATHER_JSON + "\n\n"
                + "Weather in Paris? {{ 7*7 }}<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n"
                + "{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\", \"days\": 2}}<|eot_id|>"
                + "<|start_header_id|>ipython<|end_header_id|>\n\n\"{\\\"temp\\\": 18}\"<|eot_id|>"
                + "<|start_header_id|>ipython<|end_header_id|>\n\n{\"temp\": 18, \"unit\": \"C\"}<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n";
        assertEquals(expected, t.render(toolConversation(), true, Map.of("tools", List.of(weatherTool()))));
    }

    @Test
    void llama31_builtinToolCallUsesPythonTagAndEom() throws IOException {
        ChatTemplate t = resource("llama-3.1-instruct.jinja").withSpecialTokens("<|begin_of_text|>", "<|eot_id|>");
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("query", "paris");
        args.put("n", "3");
        List<ChatMessage> msgs = List.of(new ChatMessage("user", "Search"), new ChatMessage("assistant", "",
                Map.of("tool_calls", List.of(Map.of("function", Map.of("name", "brave_search", "arguments", args))))));
        String expected = L31_HEAD + "Environment: ipython\nTools: brave_search\n\n"
                + "Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nSearch<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n"
                + "<|python_tag|>brave_search.call(query=\"paris\", n=\"3\")<|eom_id|>";
        assertEquals(expected, t.render(msgs, false,
                Map.of("builtin_tools", List.of("code_interpreter", "brave_search"))));
        // Two tool calls in one message: the template refuses.
        List<ChatMessage> two = List.of(new ChatMessage("user", "x"), new ChatMessage("assistant", "",
                Map.of("tool_calls", List.of(Map.of("function", Map.of()), Map.of("function", Map.of())))));
        WgllamaException e = assertThrows(WgllamaException.class, () -> t.render(two, false, Map.of()));
        assertEquals("This model only supports single tool-calls at once!", e.getMessage());
    }

    // ---- Llama 4 Scout ----

    @Test
    void llama4_plainConversationHasNoDefaultSystemBlock() throws IOException {
        ChatTemplate t = resource("llama-4-scout-instruct.jinja").withSpecialTokens("<|begin_of_text|>", "<|eot|>");
        String body = "<|begin_of_text|><|header_start|>system<|header_end|>\n\nYou are terse.<|eot|>"
                + "<|header_start|>user<|header_end|>\n\nHi there<|eot|>"
                + "<|header_start|>assistant<|header_end|>\n\nHello!<|eot|>"
                + "<|header_start|>user<|header_end|>\n\nName a color.<|eot|>";
        assertEquals(body, t.render(CONVO, false, Map.of()));
        assertEquals(body + "<|header_start|>assistant<|header_end|>\n\n", t.render(CONVO, true, Map.of()));
        assertEquals("<|begin_of_text|><|header_start|>user<|header_end|>\n\nhey<|eot|>",
                t.render(List.of(new ChatMessage("user", "hey")), false, Map.of()));
    }

    @Test
    void llama4_contentParts() throws IOException {
        ChatTemplate t = resource("llama-4-scout-instruct.jinja").withSpecialTokens("<|begin_of_text|>", "<|eot|>");
        List<ChatMessage> msgs = List.of(ChatMessage.textParts("system", " Sys in parts "),
                new ChatMessage("user", List.of(Map.of("type", "text", "text", "A"), Map.of("type", "image"),
                        Map.of("type", "text", "text", "B")), Map.of()));
        assertEquals("<|begin_of_text|><|header_start|>system<|header_end|>\n\nSys in parts<|eot|>"
                        + "<|header_start|>user<|header_end|>\n\nA<|image|>B<|eot|>"
                        + "<|header_start|>assistant<|header_end|>\n\n",
                t.render(msgs, true, Map.of()));
    }

    @Test
    void llama4_toolsInSystemMessage() throws IOException {
        ChatTemplate t = resource("llama-4-scout-instruct.jinja").withSpecialTokens("<|begin_of_text|>", "<|eot|>");
        String expected = "<|begin_of_text|><|header_start|>system<|header_end|>\n\nEnvironment: ipython\n"
                + "You have access to the following functions. To call a function, please respond with JSON for a "
                + "function call." + TOOL_INSTRUCTIONS + WEATHER_JSON + "\n\nBe brief.<|eot|>"
                + "<|header_start|>user<|header_end|>\n\n  Weather in Paris? {{ 7*7 }}  <|eot|>"
                + "<|header_start|>assistant<|header_end|>\n\n<|python_start|><|python_end|>"
                + "{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\", \"days\": 2}}<|eot|>"
                + "<|header_start|>ipython<|header_end|>\n\n\"{\\\"temp\\\": 18}\"<|eot|>"
                + "<|header_start|>ipython<|header_end|>\n\n{\"temp\": 18, \"unit\": \"C\"}<|eot|>"
                + "<|header_start|>assistant<|header_end|>\n\n";
        Map<String, Object> extra = Map.of("tools", List.of(weatherTool()), "tools_in_user_message", false);
        assertEquals(expected, t.render(toolConversation(), true, extra));
    }

    @Test
    void llama4_toolsWithoutUserMessageRaises() throws IOException {
        ChatTemplate t = resource("llama-4-scout-instruct.jinja").withSpecialTokens("<|begin_of_text|>", "<|eot|>");
        WgllamaException e = assertThrows(WgllamaException.class, () -> t.render(
                List.of(new ChatMessage("system", "s")), true, Map.of("tools", List.of(weatherTool()))));
        assertTrue(e.getMessage().startsWith("Cannot put tools in the first user message"), e.getMessage());
    }
}
