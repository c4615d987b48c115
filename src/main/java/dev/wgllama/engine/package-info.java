/**
 * The public Java API: open a model once, then hold conversations.
 *
 * <pre>{@code
 * try (Engine engine = Engine.load(EngineOptions.of(Path.of("model.gguf")).withBackend("cpu"));
 *      Session session = engine.newSession()) {
 *     GenerateRequest req = GenerateRequest.builder()
 *             .prompt("Once upon a time")
 *             .maxTokens(32)
 *             .sampling(SamplingParams.defaults(42))   // or SamplingParams.greedy()
 *             .stop("\n\n")
 *             .build();
 *     GenerateResult r = session.generate(req, token -> System.out.print(token.text()));
 *     System.out.printf("%n%s, %.1f tokens/s%n", r.finishReason(), r.timings().decodeTokensPerSecond());
 *
 *     // A conversation: each turn re-renders the history; the cached prefix is not recomputed.
 *     List<ChatMessage> history = new ArrayList<>(List.of(new ChatMessage("user", "Hello!")));
 *     GenerateResult reply = session.chat(history, GenerateRequest.builder().build(), TokenListener.none());
 *     history.add(new ChatMessage("assistant", reply.text()));
 * }
 * }</pre>
 *
 * <p>{@link dev.wgllama.engine.Engine} is thread-safe and shared; a {@link dev.wgllama.engine.Session} owns one
 * KV cache and runs one generation at a time; {@link dev.wgllama.engine.Session#cancel()} works from any thread.
 */
package dev.wgllama.engine;
