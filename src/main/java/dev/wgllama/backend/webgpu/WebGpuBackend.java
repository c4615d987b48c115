package dev.wgllama.backend.webgpu;

import dev.wgllama.backend.Activation;
import dev.wgllama.backend.Backend;
import dev.wgllama.backend.DeviceWeight;
import dev.wgllama.backend.KvCache;
import dev.wgllama.backend.MoeWeights;
import dev.wgllama.backend.RopeTable;
import dev.wgllama.gpu.Adapter;
import dev.wgllama.gpu.BindGroup;
import dev.wgllama.gpu.Buffer;
import dev.wgllama.gpu.Device;
import dev.wgllama.gpu.Gpu;
import dev.wgllama.model.Rope;
import dev.wgllama.quant.Weight;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The forward-pass ops on WebGPU (Dawn). Ops record kernel launches into command buffers ({@link Recorder}),
 * submitted every {@link #LAUNCHES_PER_SUBMIT} launches and by the reads ({@link #readFloats}, {@link #argmax},
 * {@link #logProbs}), which read back only what they return: a decode step is a few submits and one small
 * readback. Weights stay in their GGUF encoding where a
 * kernel reads it (F32, F16, BF16, Q4_0, Q4_1, Q8_0, Q4_K, Q6_K, block-group) and are dequantized to F32 on
 * upload otherwise. Prompt batches of 8 or more tokens use tiled matrix-matrix kernels.
 */
public final class WebGpuBackend implements Backend {
    /**
     * Launches recorded into one command buffer before it is submitted early (the rest of a step follows in the
     * next), so the GPU runs a decode step's first layers while the host still records the later ones. Recording
     * and submitting cost the host about as much as the GPU's work: on an H100 (random-weight Llama shapes, Q4_0)
     * decode went from 196 to 256 tok/s (1B) and 84 to 107 (8B) going from 4096 (one submit per step) to 48;
     * 128 gave 227 and 104. System property {@code wgllama.webgpu.launchesPerSubmit}.
     */
    static final int LAUNCHES_PER_SUBMIT = Integer.getInteger("wgllama.webgpu.launchesPerSubmit", 48);
    private final Gpu gpu;          // null when the device is borrowed
    private final Device device;
    private final Kernels kernels;
    private final Recorder rec;
    private final String name;
    private final Map<Buffer, Boolean> live = new IdentityHashMap<>();
    private final List<AutoCloseable> weights = new ArrayList<>();
    private final Map<Integer, Buffer> ones = new java.util.HashMap<>();
    private final Map<String, Buffer> scratch = new java.util.HashMap<>();
    private final Map<MoeWeights, GpuMoe> moes = new IdentityHashMap<>();
    private final Buffer small;
    private Buffer readback;
    final GpuAttention attention = new GpuAttention(this);
    private final GpuMatmul matmuls = new GpuMatmul(this);

    /** Opens Dawn's default adapter (high performance) and a device of its maxima. */
    public WebGpuBackend() {
        Gpu g = Gpu.open();
        try {
            Adapter a = g.requestAdapter();
            Device d;
            String adapterName;
            try (a) {
                adapterName = a.info().device();
                d = a.requestDevice("wgllama");
            }
            this.gpu = g;
            this.device = d;
            this.name = "webgpu (" + adapterName + ")";
        } catch (RuntimeException e) {
            g.close();
            throw e;
        }
        this.kernels = new Kernels(device);
        this.rec = new Recorder(kernels, LAUNCHES_PER_SUBMIT);
        this.small = storage("argmax out", 16);
    }

    /** Uses an existing device (not closed by {@link #close()}). */
    public WebGpuBackend(Device device) {
        this(device, LAUNCHES_PER_SUBMIT);
    }

    /** Uses an existing device, with {@code slots} launches per command buffer before an early submit. */
    WebGpuBackend(Device device, int slots) {
        this.gpu = null;
        this.device = device;
        this.name = "webgpu (" + device.label() + ")";
        this.kernels = new Kernels(device);
        this.rec = new Recorder(kernels, slots);
        this.small = storage("argmax out", 16);
    }

    @Override
    public String name() {
        return name + ShaderF16.describe(device, kernels.shaderF16());
    }

    /**
     * Times every kernel launch on the GPU from now on (timestamp queries; one compute pass per launch, so it
     * slows the step down a little). Returns false when the device has no timestamp queries.
     */
    public boolean enableProfiling() {
        return rec.enableProfiling();
    }

    /** Kernel name → {launches, total GPU nanoseconds} since {@link #enableProfiling()}. */
    public Map<String, long[]> profile() {
        return java.util.Collections.unmodifiableMap(rec.profile());
    }

    /** Command buffers submitted so far. */
    public long submits() {
        return rec.submits();
    }

    /** Kernel launches recorded so far. */
    public long launches() {
        return rec.launches();
    }

    /** Launches recorded into one command buffer before it is submitted early (a step's reads submit the rest). */
    public static int launchesPerSubmit() {
        return LAUNCHES_PER_SUBMIT;
    }

    private Buffer storage(String label, long bytes) {
        return storageBuffer(label, bytes, false);
    }

    /** A storage buffer tracked by this backend (released by {@link #release} or at close). */
    Buffer storageBuffer(String label, long bytes, boolean indirect) {
        long size = Math.max(16, (bytes + 3) & ~3L);
        Buffer b = indirect
                ? device.createBuffer(label, size, Buffer.Usage.STORAGE, Buffer.Usage.INDIRECT, Buffer.Usage.COPY_DST)
                : device.createBuffer(label, size, Buffer.Usage.STORAGE, Buffer.Usage.COPY_SRC,
                        Buffer.Usage.COPY_DST);
        live.put(b, Boolean.TRUE);
        return b;
    }

    /** A backend-owned scratch buffer of at least {@code bytes}, reused under {@code label} (grown as needed). */
    Buffer named(String label, long bytes) {
        Buffer b = scratch.get(label);
        if (b == null || b.size() < bytes) {
            if (b != null) {
                release(b);
            }
            b = storage(label, bytes);
            scratch.put(label, b);
        }
        return b;
    }

    /** Destroys a buffer after submitting any recorded work that may use it. */
    void release(Buffer b) {
        if (live.remove(b) != null) {
            rec.flush();
            rec.evict(b);
            b.close();
        }
    }

    private static GpuActivation act(Activation a) {
        if (!(a instanceof GpuActivation g) || g.closed()) {
            throw new IllegalArgumentException("activation " + (a == null ? "null" : a.label())
                    + " is not a live WebGPU activation");
        }
        return g;
    }

    private static GpuWeight weight(DeviceWeight w) {
        if (!(w instanceof GpuWeight g)) {
            throw new IllegalArgumentException("weight " + w.name() + " was not uploaded to the WebGPU backend");
        }
        return g;
    }

    private static BindGroup.Entry whole(GpuActivation a) {
        return new BindGroup.Entry(a.buffer, 0, a.buffer.size());
    }

    private static BindGroup.Entry whole(Buffer b) {
        return new BindGroup.Entry(b, 0, b.size());
    }

    private static void sameShape(String op, Activation a, Activation b) {
        if (a.rows() != b.rows() || a.cols() != b.cols()) {
            throw new IllegalArgumentException(op + ": " + a.label() + " [" + a.rows() + ", " + a.cols() + "] vs "
                    + b.label() + " [" + b.rows() + ", " + b.cols() + "]");
        }
    }

    @Override
    public DeviceWeight upload(Weight w) {
        GpuWeight g = GpuWeight.upload(kernels, w);
        weights.add(g);
        return g;
    }

    @Override
    public Activation allocate(String label, int rows, int cols) {
        if (rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException("activation " + label + " needs positive dimensions, got [" + rows
                    + ", " + cols + "]");
        }
        return new GpuActivation(this, storage(label, 4L * rows * cols), rows, cols, label);
    }

    @Override
    public KvCache newKvCache(int layers, int kvDim, int capacity) {
        long bytes = 4L * kvDim * capacity;
        long limit = Math.min(device.limits().maxStorageBufferBindingSize(), device.limits().maxBufferSize());
        if (layers <= 0 || kvDim <= 0 || capacity <= 0 || bytes > limit || kvDim % 4 != 0) {
            throw new IllegalArgumentException("a KV cache of " + layers + " layers x " + capacity + " positions x "
                    + kvDim + " values does not fit this device (" + bytes + " bytes per layer, limit " + limit
                    + "; kvDim must be a multiple of 4)");
        }
        Buffer[] k = new Buffer[layers];
        Buffer[] v = new Buffer[layers];
        for (int l = 0; l < layers; l++) {
            k[l] = storage("k cache " + l, bytes);
            v[l] = storage("v cache " + l, bytes);
        }
        return new GpuKvCache(this, k, v, kvDim, capacity);
    }

    @Override
    public RopeTable ropeTable(float[] inverseFrequencies, Rope.PairLayout layout) {
        Buffer b = storage("rope inv_freq", 4L * inverseFrequencies.length);
        b.write(0, java.util.Arrays.copyOf(inverseFrequencies, (int) (b.size() / 4)));
        return new GpuRopeTable(b, 2 * inverseFrequencies.length, layout);
    }

    @Override
    public void embed(DeviceWeight table, int[] tokens, Activation out) {
        GpuWeight t = weight(table);
        GpuActivation o = act(out);
        int d = t.host.cols();
        if (o.rows() != tokens.length || o.cols() != d) {
            throw new IllegalArgumentException("embed: out [" + o.rows() + ", " + o.cols() + "] for " + tokens.length
                    + " tokens of " + d);
        }
        float[] rows = new float[tokens.length * d];
        for (int r = 0; r < tokens.length; r++) {
            if (tokens[r] < 0 || tokens[r] >= t.host.rows()) {
                throw new IllegalArgumentException("token id " + tokens[r] + " outside the vocabulary of "
                        + t.host.rows());
            }
            t.host.dequantizeRow(tokens[r], rows, r * d);
        }
        rec.flush(); // the write is queued before unsubmitted work: submit that first to keep program order
        o.buffer.write(0, rows);
    }

    @Override
    public void rmsNorm(Activation x, DeviceWeight weight, int groupSize, float eps, Activation out) {
        GpuActivation xa = act(x);
        GpuActivation oa = act(out);
        sameShape("rmsNorm", x, out);
        if (groupSize <= 0 || groupSize % 4 != 0 || x.cols() % groupSize != 0) {
            throw new IllegalArgumentException("rmsNorm group size " + groupSize + " must be a multiple of 4 dividing "
                    + x.cols());
        }
        Buffer w = weight == null ? ones(groupSize) : weight(weight).vector;
        if (w == null || (weight != null && weight(weight).host.cols() != groupSize)) {
            throw new IllegalArgumentException("rmsNorm weight " + weight.name() + " is not a vector of " + groupSize);
        }
        int groups = x.rows() * (x.cols() / groupSize);
        Buffer src = xa.buffer;
        if (xa == oa) {
            src = named("rmsnorm input", xa.bytes());
            rec.copy(xa.buffer, 0, src, 0, xa.bytes());
        }
        rec.launch("rmsnorm", new int[] {groupSize, Float.floatToRawIntBits(eps)},
                List.of(new BindGroup.Entry(src, 0, xa.bytes()), whole(w), whole(oa)), groups, 1);
    }

    private Buffer ones(int n) {
        return ones.computeIfAbsent(n, k -> {
            Buffer b = storage("ones " + k, 4L * k);
            float[] v = new float[k];
            java.util.Arrays.fill(v, 1f);
            b.write(0, v);
            return b;
        });
    }

    @Override
    public void matmul(DeviceWeight w, Activation x, Activation out) {
        GpuWeight g = weight(w);
        GpuActivation xa = act(x);
        GpuActivation oa = act(out);
        MatVec m = g.matrix;
        if (m == null || x.cols() != m.cols() || out.cols() != m.rows() || x.rows() != out.rows() || xa == oa) {
            throw new IllegalArgumentException("matmul " + w.name() + " " + java.util.Arrays.toString(w.shape())
                    + ": x [" + x.rows() + ", " + x.cols() + "], out [" + out.rows() + ", " + out.cols() + "]");
        }
        matmulInto(m, xa.buffer, oa.buffer, x.rows(), out.cols());
    }

    /** Records y[t, :] = W x[t, :] for n rows; y rows are {@code yStride} floats apart. */
    void matmulInto(MatVec m, Buffer x, Buffer y, int n, int yStride) {
        matmuls.record(rec, m, x, y, n, yStride);
    }

    @Override
    public void rope(Activation x, int headDim, int p0, RopeTable table) {
        GpuActivation xa = act(x);
        GpuRopeTable t = (GpuRopeTable) table;
        if (headDim <= 0 || x.cols() % headDim != 0 || t.rotaryDim() > headDim || p0 < 0) {
            throw new IllegalArgumentException("rope: " + x.cols() + " values are not heads of " + headDim
                    + " with " + t.rotaryDim() + " rotated, or p0 " + p0 + " < 0");
        }
        int heads = x.cols() / headDim;
        int threads = heads * t.rotaryDim() / 2;
        rec.launch("rope", new int[] {heads, headDim, t.rotaryDim(),
                t.layout() == Rope.PairLayout.ROTATE_HALF ? 1 : 0, p0},
                List.of(whole(t.invFreq()), whole(xa)), (threads + 63) / 64, x.rows());
    }

    @Override
    public void temperatureTune(Activation q, int p0, float floorScale, float attnScale) {
        GpuActivation qa = act(q);
        rec.launch("temperature", new int[] {q.cols(), p0, Float.floatToRawIntBits(floorScale),
                Float.floatToRawIntBits(attnScale)}, List.of(whole(qa)), (q.cols() + 255) / 256, q.rows());
    }

    @Override
    public void attention(KvCache cache, int layer, Activation q, Activation k, Activation v, int p0, int heads,
                          int headDim, int chunkSize, Activation out) {
        attention.record(rec, (GpuKvCache) cache, layer, act(q), act(k), act(v), p0, heads, headDim, chunkSize,
                act(out));
    }

    /** A grid for {@code threads} threads in workgroups of 256 (2-D past 65535 workgroups, as add/swiglu expect). */
    static int[] grid(long threads) {
        long groups = (threads + 255) / 256;
        return groups <= 65535 ? new int[] {(int) groups, 1} : new int[] {65535, (int) ((groups + 65534) / 65535)};
    }

    @Override
    public void swiglu(Activation gate, Activation up, Activation out) {
        GpuActivation ga = act(gate);
        GpuActivation ua = act(up);
        GpuActivation oa = act(out);
        sameShape("swiglu", gate, up);
        sameShape("swiglu", gate, out);
        if (oa == ua || ga == ua || ga.bytes() % 16 != 0) {
            throw new IllegalArgumentException("swiglu: out may not be up, gate may not be up, and the size must be a"
                    + " multiple of 4");
        }
        if (oa != ga) {
            rec.copy(ga.buffer, 0, oa.buffer, 0, ga.bytes());
        }
        int n = gate.rows() * gate.cols();
        int[] g = grid(n / 4);
        rec.launch("swiglu", new int[] {n}, List.of(whole(oa), whole(ua)), g[0], g[1]);
    }

    @Override
    public void add(Activation acc, Activation x) {
        GpuActivation aa = act(acc);
        GpuActivation xa = act(x);
        sameShape("add", acc, x);
        if (aa == xa || aa.bytes() % 16 != 0) {
            throw new IllegalArgumentException("add: acc may not be x, and the size must be a multiple of 4");
        }
        int n = acc.rows() * acc.cols();
        int[] g = grid(n / 4);
        rec.launch("add", new int[] {n}, List.of(whole(aa), whole(xa)), g[0], g[1]);
    }

    @Override
    public void moe(MoeWeights w, Activation x, Activation out) {
        GpuActivation xa = act(x);
        GpuActivation oa = act(out);
        if (xa == oa) {
            throw new IllegalArgumentException("moe: out may not be x");
        }
        moes.computeIfAbsent(w, k -> new GpuMoe(this, k)).record(rec, xa, oa);
    }

    @Override
    public void copyRows(Activation src, int fromRow, Activation dst) {
        GpuActivation s = act(src);
        GpuActivation d = act(dst);
        if (src.cols() != dst.cols() || fromRow < 0 || fromRow + dst.rows() > src.rows()) {
            throw new IllegalArgumentException("copyRows: rows [" + fromRow + ", " + (fromRow + dst.rows())
                    + ") of " + src.label() + " [" + src.rows() + ", " + src.cols() + "] into [" + dst.rows() + ", "
                    + dst.cols() + "]");
        }
        rec.copy(s.buffer, 4L * fromRow * src.cols(), d.buffer, 0, d.bytes());
    }

    /** Sets an activation's values from the host (tests and tools; the forward pass never needs it). */
    public void write(Activation a, float[] values) {
        GpuActivation g = act(a);
        if (values.length != a.rows() * a.cols()) {
            throw new IllegalArgumentException("write: " + values.length + " values for [" + a.rows() + ", "
                    + a.cols() + "]");
        }
        rec.flush();
        g.buffer.write(0, values.length % 4 == 0 ? values : java.util.Arrays.copyOf(values, (values.length + 3) & ~3));
    }

    /** Registers a weight built outside {@link #upload} (tests force small binding splits this way). */
    DeviceWeight adopt(GpuWeight w) {
        weights.add(w);
        return w;
    }

    @Override
    public float[] readFloats(Activation a) {
        GpuActivation g = act(a);
        return floats(readBack(g.buffer, g.bytes()));
    }

    /**
     * Copies {@code bytes} of {@code b} into the MAP_READ staging buffer in the pending command buffer, submits it
     * and maps the copy: one submit per read, however much was recorded before.
     */
    private byte[] readBack(Buffer b, long bytes) {
        if (readback == null || readback.size() < bytes) {
            if (readback != null) {
                rec.flush();
                readback.close();
            }
            readback = device.createBuffer("readback", Math.max(256, (bytes + 255) & ~255L), Buffer.Usage.MAP_READ,
                    Buffer.Usage.COPY_DST);
        }
        rec.copy(b, 0, readback, 0, bytes);
        rec.flush();
        return readback.mapReadBytes(bytes);
    }

    private static float[] floats(byte[] bytes) {
        float[] f = new float[bytes.length / 4];
        java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
        return f;
    }

    @Override
    public int argmax(Activation a, int row) {
        GpuActivation g = act(a);
        if (row < 0 || row >= a.rows()) {
            throw new IllegalArgumentException("argmax: row " + row + " of " + a.rows());
        }
        rec.launch("argmax", new int[] {a.cols(), row}, List.of(whole(g), whole(small)), 1, 1);
        return java.nio.ByteBuffer.wrap(readBack(small, 4)).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(0);
    }

    @Override
    public float[] logProbs(Activation logits, int[] targets) {
        GpuActivation g = act(logits);
        if (targets.length > logits.rows()) {
            throw new IllegalArgumentException("logProbs: " + targets.length + " targets for " + logits.rows()
                    + " rows");
        }
        if (targets.length == 0) {
            return new float[0];
        }
        for (int t : targets) {
            if (t < 0 || t >= logits.cols()) {
                throw new IllegalArgumentException("target " + t + " outside the vocabulary of " + logits.cols());
            }
        }
        rec.flush(); // the targets write below must not overtake recorded work
        Buffer tb = storage("logprob targets", 4L * targets.length);
        Buffer ob = storage("logprobs", 4L * targets.length);
        try {
            tb.write(0, java.util.Arrays.copyOf(targets, (int) (tb.size() / 4)));
            rec.launch("logprob", new int[] {logits.cols()}, List.of(whole(g), whole(tb), whole(ob)),
                    targets.length, 1);
            return floats(readBack(ob, 4L * targets.length));
        } finally {
            release(tb);
            release(ob);
        }
    }

    @Override
    public void close() {
        moes.values().forEach(GpuMoe::close);
        moes.clear();
        rec.close();
        for (AutoCloseable w : weights) {
            try {
                w.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        weights.clear();
        for (Buffer b : new ArrayList<>(live.keySet())) {
            b.close();
        }
        if (readback != null) {
            readback.close();
        }
        live.clear();
        kernels.close();
        if (gpu != null) {
            device.close();
            gpu.close();
        }
    }
}
