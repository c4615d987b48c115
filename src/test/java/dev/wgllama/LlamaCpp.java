package dev.wgllama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The llama.cpp peer (see ../shared/peers/README.md) as an oracle for tests: greedy continuations, perplexity with
 * the shared protocol, and llama.cpp's own quantizer. Each call runs a process and fails loudly on a non-zero
 * exit, printing what the peer wrote on stderr.
 */
public final class LlamaCpp {
    private LlamaCpp() {
    }

    /** llama.cpp's greedy continuation of each prompt (token ids, BOS included), {@code gen} tokens each. */
    public static List<int[]> greedy(Path gguf, List<int[]> prompts, int gen) throws IOException, InterruptedException {
        StringBuilder in = new StringBuilder();
        for (int[] p : prompts) {
            for (int i = 0; i < p.length; i++) {
                in.append(i == 0 ? "" : " ").append(p[i]);
            }
            in.append('\n');
        }
        String out = run(List.of(TestPaths.peers().resolve("out/native/llama_eval").toString(), gguf.toString(),
                "--bins", TestPaths.peerBins().toString(), "--mode", "greedy", "--gen", Integer.toString(gen)),
                in.toString(), 300);
        List<int[]> result = new ArrayList<>();
        for (String line : out.strip().split("\n")) {
            result.add(Arrays.stream(line.trim().split("\\s+")).mapToInt(Integer::parseInt).toArray());
        }
        return result;
    }

    /** Perplexity and tokens scored by llama.cpp on a JSONL corpus with the shared protocol. */
    public record Perplexity(double ppl, long tokensScored) {
    }

    public static Perplexity perplexity(Path gguf, Path corpus, int ctx, Path workDir)
            throws IOException, InterruptedException {
        Path json = workDir.resolve("ppl-" + gguf.getFileName() + ".json");
        run(List.of("node", TestPaths.peers().resolve("llamacpp.mjs").toString(), "ppl", gguf.toString(),
                corpus.toString(), "--ctx", Integer.toString(ctx), "--threads", "2", "--json", json.toString()),
                "", 600);
        JsonNode r = new ObjectMapper().readTree(json.toFile());
        return new Perplexity(r.get("ppl").asDouble(), r.get("tokens_scored").asLong());
    }

    /** llama.cpp's own model quantizer: ftype 2 Q4_0, 3 Q4_1, 7 Q8_0, 15 Q4_K_M, 18 Q6_K. */
    public static void quantize(Path in, Path out, int ftype) throws IOException, InterruptedException {
        run(List.of(TestPaths.peers().resolve("out/native/llama_quantize").toString(), in.toString(), out.toString(),
                Integer.toString(ftype)), "", 300);
    }

    private static String run(List<String> cmd, String stdin, int timeoutS) throws IOException, InterruptedException {
        Path err = Files.createTempFile("llamacpp", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
            p.getOutputStream().write(stdin.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("llama.cpp peer timed out: " + cmd);
            }
            if (p.exitValue() != 0) {
                String e = Files.readString(err);
                throw new AssertionError("llama.cpp peer failed (exit " + p.exitValue() + "): " + cmd + "\n"
                        + e.substring(Math.max(0, e.length() - 3000)));
            }
            return out;
        } finally {
            Files.deleteIfExists(err);
        }
    }
}
