package dev.wgllama.quant;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decode-shaped products on one thread: {@code out = W x} for a [size, size] weight of each encoding
 * ({@link RowMatrix#matVec}), and prefill-shaped batched products of 64 tokens ({@link RowMatrix#matMul}).
 * Calls per second; the {@code bytes} and {@code weights} counters (per second) give GB/s of weight bytes
 * streamed and, inverted, ns per weight. See docs/benchmarks.md.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class MatVecBench {
    @Param({"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q4_K", "Q6_K", "bg-q4_0-b32-g128", "bg-q4_1-b32-g128",
        "bg-q8_0-b32-g128"})
    public String type;

    @Param({"2048", "4096"})
    public int size;

    /** Tokens of the batched (prefill) product. */
    static final int BATCH = 64;

    RowMatrix m;
    long weightBytes;
    float[] x;
    float[] out;
    float[][] xs;
    float[][] outs;

    /** Weight bytes and weights processed, reported per second by JMH. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Streamed {
        public long bytes;
        public long weights;
    }

    @Setup(Level.Trial)
    public void setUp() {
        Weight w = BenchWeights.random(type, size, size, 1);
        m = RowMatrix.of(w);
        weightBytes = w.byteSize();
        Random rnd = new Random(2);
        x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        out = new float[size];
        xs = new float[BATCH][size];
        outs = new float[BATCH][size];
        for (float[] v : xs) {
            for (int i = 0; i < size; i++) {
                v[i] = (float) rnd.nextGaussian();
            }
        }
    }

    @Benchmark
    public float[] matVec(Streamed s) {
        m.matVec(x, out, 0, size);
        s.bytes += weightBytes;
        s.weights += (long) size * size;
        return out;
    }

    @Benchmark
    public float[][] matMul64(Streamed s) {
        m.matMul(xs, outs, 0, size);
        s.bytes += weightBytes;
        s.weights += (long) size * size * BATCH;
        return outs;
    }
}
