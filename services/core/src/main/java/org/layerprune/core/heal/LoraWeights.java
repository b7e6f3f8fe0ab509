package org.layerprune.core.heal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The trained LoRA factors of a model: one {@link LoraPair} for every adapted module of every decoder layer
 * 0..L-1, all of one rank. Every layer adapts the same modules, as PEFT does when {@code target_modules} names
 * projections and {@code layers_to_transform} is unset.
 *
 * @param pairs sorted by layer, then by module in the order a decoder layer holds them (q, k, v, o, gate, up, down)
 */
public record LoraWeights(List<LoraPair> pairs) {

    /**
     * @throws IllegalArgumentException when there is no pair, a (layer, module) comes twice, ranks differ, or the
     *     layers 0..L-1 do not all adapt the same modules; the message names the pair at fault
     */
    public LoraWeights {
        List<LoraPair> sorted = new ArrayList<>(pairs);
        sorted.sort(Comparator.comparingInt(LoraPair::layer)
                .thenComparingInt(pair -> LoraConfig.moduleOrder(pair.module())));
        if (sorted.isEmpty()) {
            throw new IllegalArgumentException("no LoRA pairs: nothing is adapted");
        }
        int rank = sorted.get(0).rank();
        Map<Integer, List<String>> modulesByLayer = new TreeMap<>();
        for (LoraPair pair : sorted) {
            if (pair.rank() != rank) {
                throw new IllegalArgumentException("layer " + pair.layer() + " " + pair.module() + " has rank "
                        + pair.rank() + ", the others " + rank);
            }
            List<String> modules = modulesByLayer.computeIfAbsent(pair.layer(), layer -> new ArrayList<>());
            if (modules.contains(pair.module())) {
                throw new IllegalArgumentException("layer " + pair.layer() + " " + pair.module() + " is given twice");
            }
            modules.add(pair.module());
        }
        int layers = sorted.get(sorted.size() - 1).layer() + 1;
        List<String> first = modulesByLayer.getOrDefault(0, List.of());
        for (int layer = 0; layer < layers; layer++) {
            List<String> modules = modulesByLayer.getOrDefault(layer, List.of());
            if (!modules.equals(first)) {
                throw new IllegalArgumentException("layer " + layer + " adapts " + modules + " but layer 0 adapts "
                        + first + "; every layer 0.." + (layers - 1) + " must adapt the same modules");
            }
        }
        pairs = List.copyOf(sorted);
    }

    /** r, shared by every pair. */
    public int rank() {
        return pairs.get(0).rank();
    }

    /** L: the pairs cover layers 0..L-1. */
    public int numLayers() {
        return pairs.get(pairs.size() - 1).layer() + 1;
    }

    /** The modules every layer adapts, in the order a decoder layer holds them. */
    public Set<String> modules() {
        return pairs.stream().filter(pair -> pair.layer() == 0).map(LoraPair::module)
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /** The pair of {@code module} in {@code layer}, if it is adapted. */
    public Optional<LoraPair> pair(int layer, String module) {
        return pairs.stream().filter(pair -> pair.layer() == layer && pair.module().equals(module)).findFirst();
    }

    /** The pairs by the key of the weight each adapts ({@link LoraPair#weightKey()}), in order. */
    public Map<String, LoraPair> byWeightKey() {
        return pairs.stream().collect(Collectors.toMap(LoraPair::weightKey, Function.identity(), (x, y) -> x,
                LinkedHashMap::new));
    }
}
