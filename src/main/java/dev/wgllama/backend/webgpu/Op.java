package dev.wgllama.backend.webgpu;

import dev.wgllama.gpu.ComputePass;
import java.util.ArrayList;
import java.util.List;

/**
 * A kernel bound to its buffers: the dispatches to record each step plus the objects it owns (uniform buffers,
 * bind groups), released by {@link #close()}. Input/output buffers are borrowed, not owned.
 */
public final class Op implements AutoCloseable {
    private final String label;
    private final List<Dispatch> dispatches;
    private final List<AutoCloseable> owned;

    Op(String label, List<Dispatch> dispatches, List<AutoCloseable> owned) {
        this.label = label;
        this.dispatches = List.copyOf(dispatches);
        this.owned = new ArrayList<>(owned);
    }

    public String label() {
        return label;
    }

    public List<Dispatch> dispatches() {
        return dispatches;
    }

    /** Records every dispatch of this op into {@code pass}, in order. */
    public void record(ComputePass pass) {
        for (Dispatch d : dispatches) {
            d.record(pass);
        }
    }

    @Override
    public void close() {
        for (int i = owned.size() - 1; i >= 0; i--) {
            try {
                owned.get(i).close();
            } catch (Exception e) {
                throw new IllegalStateException("closing op '" + label + "'", e);
            }
        }
        owned.clear();
    }
}
