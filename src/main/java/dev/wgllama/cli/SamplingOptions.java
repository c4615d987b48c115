package dev.wgllama.cli;

import dev.wgllama.sampling.SamplingParams;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Option;

/** Sampling options shared by {@code generate} and {@code chat} (llama.cpp's names and defaults). */
final class SamplingOptions {
    @Option(names = "--temperature", defaultValue = "0.8", paramLabel = "T",
            description = "0 is greedy (default ${DEFAULT-VALUE})")
    float temperature;

    @Option(names = "--top-k", defaultValue = "40", paramLabel = "K", description = "0 keeps all (default ${DEFAULT-VALUE})")
    int topK;

    @Option(names = "--top-p", defaultValue = "0.95", paramLabel = "P", description = "1 keeps all (default ${DEFAULT-VALUE})")
    float topP;

    @Option(names = "--min-p", defaultValue = "0.05", paramLabel = "P", description = "0 keeps all (default ${DEFAULT-VALUE})")
    float minP;

    @Option(names = "--repeat-penalty", defaultValue = "1.0", paramLabel = "R",
            description = "1 is off (default ${DEFAULT-VALUE})")
    float repeatPenalty;

    @Option(names = "--repeat-last-n", defaultValue = "64", paramLabel = "N",
            description = "tokens the penalty looks back at; -1 all (default ${DEFAULT-VALUE})")
    int repeatLastN;

    @Option(names = "--seed", paramLabel = "S", description = "random seed (default: random)")
    Long seed;

    /** The parameters, with a random seed when none was given. */
    SamplingParams params() {
        long s = seed != null ? seed : ThreadLocalRandom.current().nextLong();
        return new SamplingParams(temperature, topK, topP, minP, repeatPenalty, repeatLastN, 0f, 0f, s);
    }
}
