package dev.wgllama.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgllama.Reference;
import dev.wgllama.TestPaths;
import dev.wgllama.WgllamaException;
import dev.wgllama.sampling.SamplingParams;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The engine API on tiny-b (CPU): prefix reuse, streaming, cancellation, context limits, seeds. */
class SessionTest {
    static final int CTX = 1024;
    static Engine engine;
    static Reference ref;

    @BeforeAll
    static void load() {
        engine = Engine.load(EngineOptions.of(TestPaths.model("tiny-b")).withBackend("cpu").withContextLength(CTX));
        ref = Reference.of("tiny-b");
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    static GenerateRequest greedy(int[] ids, int n) {
        return GenerateRequest.builder().promptIds(ids).maxTokens(n).sampling(SamplingParams.greedy())
                .stopAtEos(false).build();
    }

    @Test
    void greedyIdsPromptMatchesReference() {
        Reference.Prompt p = ref.prompts().get(2);
        try (Session s = engine.newSession()) {
            GenerateResult r = s.generate(greedy(p.inputIds(), 32));
            assertArrayEquals(p.greedy32(), r.tokens());
            assertArrayEquals(p.inputIds(), r.promptTokens());
            assertEquals(FinishReason.LENGTH, r.finishReason());
            assertEquals(engine.tokenizer().decode(p.greedy32(), false), r.text());
            assertEquals(31, r.timings().decodeSteps());
        }
    }

    /**
     * A prompt extending the cached tokens (previous prompt + reply + more) prefills only the new part and
     * continues exactly as a fresh session does.
     */
    @Test
    void prefixReuseGivesTheSameTokensAsAFreshSession() {
        Reference.Prompt p = ref.prompts().get(1);
        int[] more = engine.tokenizer().encode(" and then the jury said", false, false);
        try (Session s = engine.newSession(); Session fresh = engine.newSession()) {
            GenerateResult first = s.generate(greedy(p.inputIds(), 8));
            // Cached: the prompt and the generated tokens except the last (never fed back).
            assertEquals(p.inputIds().length + 7, s.cachedTokens());
            long before = s.prefilledTokens();
            assertEquals(p.inputIds().length, before);
            int[] next = IntStream.concat(IntStream.concat(Arrays.stream(p.inputIds()), Arrays.stream(first.tokens())),
                    Arrays.stream(more)).toArray();
            GenerateResult reused = s.generate(greedy(next, 12));
            GenerateResult scratch = fresh.generate(greedy(next, 12));
            assertArrayEquals(scratch.tokens(), reused.tokens());
            assertEquals(p.inputIds().length + 7, reused.timings().reusedTokens());
            assertEquals(next.length - reused.timings().reusedTokens(), reused.timings().prefillTokens());
            assertEquals(before + reused.timings().prefillTokens(), s.prefilledTokens());
            assertEquals(next.length, fresh.prefilledTokens());

            // The same prompt again: everything but the last token is reused, same continuation.
            GenerateResult again = s.generate(greedy(next, 12));
            assertEquals(next.length - 1, again.timings().reusedTokens());
            assertArrayEquals(scratch.tokens(), again.tokens());

            // A diverging prompt rewinds to the common prefix.
            int[] other = Arrays.copyOf(next, next.length);
            other[3] = other[3] == 100 ? 101 : 100;
            GenerateResult rewound = s.generate(greedy(other, 6));
            assertEquals(3, rewound.timings().reusedTokens());
            try (Session f2 = engine.newSession()) {
                assertArrayEquals(f2.generate(greedy(other, 6)).tokens(), rewound.tokens());
            }
            s.reset();
            assertEquals(0, s.cachedTokens());
        }
    }

    @Test
    void streamingPiecesConcatenateToTheText() {
        GenerateRequest req = GenerateRequest.builder().prompt("Once upon a time").maxTokens(40)
                .sampling(SamplingParams.defaults(3)).stopAtEos(false).build();
        try (Session s = engine.newSession()) {
            List<Token> heard = new ArrayList<>();
            GenerateResult r = s.generate(req, heard::add);
            assertArrayEquals(r.tokens(), heard.stream().mapToInt(Token::id).toArray());
            assertEquals(r.text(), String.join("", heard.stream().map(Token::text).toList()));
            assertEquals(engine.tokenizer().decode(r.tokens(), false), r.text());

            TokenStream it = s.stream(req);
            List<Token> pulled = it.stream().toList();
            assertEquals(heard, pulled, "same seed, same tokens and pieces");
            assertArrayEquals(r.tokens(), it.result().tokens());
        }
    }

    /** A prompt longer than one prefill batch (512) runs in batches and still matches one direct forward pass. */
    @Test
    void longPromptPrefillsInBatches() {
        int[] doc = engine.tokenizer().encode(String.join(" ", java.util.Collections.nCopies(60,
                ref.prompts().get(3).text() + ".")), true, false);
        assertTrue(doc.length > dev.wgllama.model.Transformer.MAX_BATCH + 10, "prompt of " + doc.length);
        int[] prompt = Arrays.copyOf(doc, dev.wgllama.model.Transformer.MAX_BATCH + 10);
        int want;
        try (var cache = engine.transformer().newKvCache(prompt.length)) {
            want = engine.transformer().greedyNext(cache, prompt, 0);
        }
        try (Session s = engine.newSession()) {
            GenerateResult r = s.generate(greedy(prompt, 1));
            assertEquals(want, r.tokens()[0]);
            assertEquals(prompt.length, s.prefilledTokens());
        }
    }

    @Test
    void seededSamplingIsReproducibleAcrossSessions() {
        GenerateRequest req = GenerateRequest.builder().prompt("The jury said that").maxTokens(20)
                .sampling(SamplingParams.defaults(11).withTemperature(1.2f)).build();
        try (Session a = engine.newSession(); Session b = engine.newSession()) {
            assertArrayEquals(a.generate(req).tokens(), b.generate(req).tokens());
        }
    }

    @Test
    void cancelFromAnotherThread() throws Exception {
        GenerateRequest req = GenerateRequest.builder().prompt("The jury said that").maxTokens(400)
                .sampling(SamplingParams.greedy()).stopAtEos(false).build();
        try (Session s = engine.newSession()) {
            CountDownLatch firstToken = new CountDownLatch(1);
            Thread canceller = Thread.ofPlatform().start(() -> {
                try {
                    if (firstToken.await(30, TimeUnit.SECONDS)) {
                        s.cancel();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            GenerateResult r = s.generate(req, t -> firstToken.countDown());
            canceller.join();
            assertEquals(FinishReason.CANCELLED, r.finishReason());
            assertTrue(r.tokens().length >= 1 && r.tokens().length < 400, "tokens: " + r.tokens().length);
            // The session stays usable and a later generation is not cancelled.
            assertEquals(FinishReason.LENGTH, s.generate(req.toBuilder().maxTokens(3).build()).finishReason());
        }
    }

    @Test
    void contextLimits() {
        try (Session s = engine.newSession()) {
            int[] full = new int[CTX];
            Arrays.fill(full, 300);
            WgllamaException e = assertThrows(WgllamaException.class, () -> s.generate(greedy(full, 4)));
            assertTrue(e.getMessage().contains(CTX + " tokens but the context holds " + CTX), e.getMessage());
            int[] p = Arrays.copyOf(full, CTX - 12);
            GenerateResult r = s.generate(greedy(p, 64));
            assertEquals(12, r.tokens().length, "clipped to the context left");
            assertEquals(FinishReason.LENGTH, r.finishReason());
            assertThrows(IllegalArgumentException.class, () -> s.generate(greedy(new int[] {1, 9000}, 4)));
            assertThrows(IllegalArgumentException.class,
                    () -> s.generate(GenerateRequest.builder().prompt("").addBos(false).build()));
        }
    }

    /** Sessions on several threads share one engine; their forward passes take turns and stay correct. */
    @Test
    void concurrentSessionsShareTheEngine() throws Exception {
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 3; i++) {
            Reference.Prompt p = ref.prompts().get(i + 3);
            threads.add(Thread.ofPlatform().start(() -> {
                try (Session s = engine.newSession()) {
                    assertArrayEquals(p.greedy32(), s.generate(greedy(p.inputIds(), 32)).tokens(), p.text());
                } catch (Throwable t) {
                    failures.add(t);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void zeroTokensAndSupersededStreams() {
        try (Session s = engine.newSession()) {
            GenerateResult r = s.generate(greedy(ref.prompts().get(0).inputIds(), 0));
            assertEquals(0, r.tokens().length);
            TokenStream old = s.stream(greedy(ref.prompts().get(0).inputIds(), 5));
            old.next();
            s.generate(greedy(ref.prompts().get(1).inputIds(), 2));
            assertThrows(IllegalStateException.class, old::next);
        }
    }
}
