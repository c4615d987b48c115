package dev.wgllama.sampling;

/**
 * The xoshiro256** generator (Blackman and Vigna, 2018), seeded by running SplitMix64 on the seed, as its authors
 * recommend. Fixed here rather than taken from {@code java.util.random} so that a seed gives the same tokens on
 * every JDK and platform.
 */
public final class Xoshiro256StarStar {
    private long s0;
    private long s1;
    private long s2;
    private long s3;

    public Xoshiro256StarStar(long seed) {
        long x = seed;
        s0 = splitMix(x += 0x9E3779B97F4A7C15L);
        s1 = splitMix(x += 0x9E3779B97F4A7C15L);
        s2 = splitMix(x += 0x9E3779B97F4A7C15L);
        s3 = splitMix(x += 0x9E3779B97F4A7C15L);
    }

    /** A generator in the given raw state (tests compare with the reference implementation's outputs). */
    static Xoshiro256StarStar ofState(long a, long b, long c, long d) {
        Xoshiro256StarStar r = new Xoshiro256StarStar(0);
        r.s0 = a;
        r.s1 = b;
        r.s2 = c;
        r.s3 = d;
        return r;
    }

    /** One SplitMix64 output for state {@code z} (already advanced by the golden-ratio increment). */
    static long splitMix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    public long nextLong() {
        long result = Long.rotateLeft(s1 * 5, 7) * 9;
        long t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = Long.rotateLeft(s3, 45);
        return result;
    }

    /** Uniform in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }
}
