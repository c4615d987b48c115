package dev.wgllama.backend.webgpu;

import dev.wgllama.backend.MoeWeights;
import dev.wgllama.gpu.BindGroup;
import dev.wgllama.gpu.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The routed experts of a Llama 4 MoE layer on the GPU without a host round trip: the router logits and the
 * {@code moe_route} kernel pick the top-k experts per row and write every expert's launch sizes as indirect
 * dispatch arguments, zero for experts no row picked; then every expert's launches are recorded (scale the input
 * by the row's score, gate and up matvecs over the expert's rows of the stacked weights, swiglu, down matvec, add
 * into the output) and dispatched indirectly, so a decode step computes only the picked experts.
 */
final class GpuMoe implements AutoCloseable {
    /** One launch of one expert: kernel, its parameter words (token count filled in later) and buffers. */
    private record Launch(String kernel, int[] words, List<BindGroup.Entry> buffers, int kind, int value) {
    }

    private final WebGpuBackend backend;
    private final MoeWeights w;
    private final int experts;
    private final int inner;
    private final int d;
    private final List<List<Launch>> launches = new ArrayList<>();
    private int perExpert;
    private Buffer template;
    private Buffer args;
    private int builtFor = -1;

    GpuMoe(WebGpuBackend backend, MoeWeights w) {
        this.backend = backend;
        this.w = w;
        this.experts = w.experts();
        this.inner = Math.toIntExact(w.gateExps().shape()[1]);
        this.d = Math.toIntExact(w.router().shape()[1]);
        if (experts > 256 || d % 4 != 0 || inner % 4 != 0) {
            throw new IllegalArgumentException("MoE on WebGPU needs at most 256 experts and widths divisible by 4, got "
                    + experts + " experts, d " + d + ", inner " + inner);
        }
    }

    private static BindGroup.Entry whole(Buffer b) {
        return new BindGroup.Entry(b, 0, b.size());
    }

    /** The launches of expert e of a matvec over rows [e*rows, (e+1)*rows) of a stacked weight. */
    private static void matvec(List<Launch> out, MatVec m, int e, int rows, Buffer x, Buffer y) {
        int lo = e * rows;
        int hi = lo + rows;
        for (MatVec.Chunk c : m.chunks()) {
            int from = Math.max(lo, c.firstRow());
            int to = Math.min(hi, c.firstRow() + c.rows());
            if (from < to) {
                List<BindGroup.Entry> buffers = new ArrayList<>(c.entries());
                buffers.add(whole(x));
                buffers.add(whole(y));
                out.add(new Launch(m.kernel(), m.words(to - from, from - lo, rows, from - c.firstRow()), buffers, 0,
                        (to - from + 7) / 8));
            }
        }
    }

    /** Builds the launch lists and the argument template for scratch buffers sized for {@code n} rows. */
    private void build(Recorder rec, int n, Buffer x, Buffer out) {
        Buffer scale = backend.named("moe scale", 4L * n * experts);
        Buffer xe = backend.named("moe xe", 4L * n * d);
        Buffer h1 = backend.named("moe h1", 4L * n * inner);
        Buffer h2 = backend.named("moe h2", 4L * n * inner);
        Buffer y = backend.named("moe y", 4L * n * d);
        MatVec gate = ((GpuWeight) w.gateExps()).matrix;
        MatVec up = ((GpuWeight) w.upExps()).matrix;
        MatVec down = ((GpuWeight) w.downExps()).matrix;
        launches.clear();
        perExpert = 0;
        for (int e = 0; e < experts; e++) {
            List<Launch> l = new ArrayList<>();
            l.add(new Launch("moe_scale", new int[] {0, d, experts, e}, List.of(whole(scale), whole(x), whole(xe)),
                    1, d / 4));
            matvec(l, gate, e, inner, xe, h1);
            matvec(l, up, e, inner, xe, h2);
            l.add(new Launch("swiglu", new int[] {0}, List.of(whole(h1), whole(h2)), 1, inner / 4));
            matvec(l, down, e, d, h1, y);
            l.add(new Launch("add", new int[] {0}, List.of(whole(out), whole(y)), 1, d / 4));
            launches.add(l);
            perExpert = Math.max(perExpert, l.size());
        }
        int[] tmpl = new int[experts * perExpert * 2];
        for (int e = 0; e < experts; e++) {
            List<Launch> l = launches.get(e);
            for (int j = 0; j < l.size(); j++) {
                tmpl[(e * perExpert + j) * 2] = l.get(j).kind();
                tmpl[(e * perExpert + j) * 2 + 1] = l.get(j).value();
            }
        }
        // The template depends only on the weights' chunking, never on n or the buffers: written once.
        if (template == null) {
            template = backend.storageBuffer("moe template", 4L * tmpl.length, false);
            args = backend.storageBuffer("moe indirect args", 12L * experts * perExpert, true);
            rec.flush(); // the template write below must not overtake recorded work
            template.write(0, tmpl);
        }
        builtFor = n;
    }

    /** Records the routed experts of rows x [n, d] into out [n, d]. */
    void record(Recorder rec, GpuActivation x, GpuActivation out) {
        int n = x.rows();
        if (x.cols() != d || out.cols() != d || out.rows() != n) {
            throw new IllegalArgumentException("moe: x [" + n + ", " + x.cols() + "] and out [" + out.rows() + ", "
                    + out.cols() + "] must be [n, " + d + "]");
        }
        // The launch lists bind x and out by identity: rebuild when they (or n) change.
        if (builtFor != n || launches.isEmpty() || launches.get(0).get(0).buffers().get(1).buffer() != x.buffer
                || launches.get(0).getLast().buffers().get(0).buffer() != out.buffer) {
            build(rec, n, x.buffer, out.buffer);
        }
        Buffer logits = backend.named("moe router logits", 4L * n * experts);
        backend.matmulInto(((GpuWeight) w.router()).matrix, x.buffer, logits, n, experts);
        Buffer scale = launches.get(0).get(0).buffers().get(0).buffer();
        rec.launch("moe_route", new int[] {n, experts, w.topK(), perExpert},
                List.of(whole(logits), whole(template), whole(scale), whole(args)), 1, 1);
        rec.clear(out.buffer, out.bytes());
        for (int e = 0; e < experts; e++) {
            List<Launch> l = launches.get(e);
            for (int j = 0; j < l.size(); j++) {
                Launch launch = l.get(j);
                int[] words = launch.words().clone();
                if (!launch.kernel().startsWith("matvec")) {
                    // Element counts of the row-agnostic kernels: swiglu and add take n * width.
                    words[0] = launch.kernel().equals("moe_scale") ? n
                            : n * (launch.kernel().equals("swiglu") ? inner : d);
                }
                rec.launchIndirect(launch.kernel(), words, launch.buffers(), args, 12L * (e * perExpert + j));
            }
        }
    }

    @Override
    public void close() {
        if (template != null) {
            backend.release(template);
            backend.release(args);
            template = null;
        }
    }
}
