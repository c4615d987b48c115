package dev.wgllama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** A shared model's {@code reference.json}: prompts with greedy continuations, tokenizer cases, perplexity. */
public record Reference(List<Prompt> prompts, double perplexity, long tokensScored) {

    public record Prompt(String text, int[] inputIds, int[] greedy32) {
    }

    public static Reference of(String model) {
        try {
            JsonNode r = new ObjectMapper().readTree(TestPaths.model(model).resolve("reference.json").toFile());
            List<Prompt> prompts = new ArrayList<>();
            for (JsonNode p : r.get("prompts")) {
                prompts.add(new Prompt(p.get("text").asText(), ints(p.get("input_ids")), ints(p.get("greedy_32"))));
            }
            JsonNode ppl = r.get("perplexity");
            return new Reference(List.copyOf(prompts), ppl.get("ppl_fp32").asDouble(),
                    ppl.get("tokens_scored").asLong());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<int[]> inputIds() {
        return prompts.stream().map(Prompt::inputIds).toList();
    }

    private static int[] ints(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asInt();
        }
        return out;
    }
}
