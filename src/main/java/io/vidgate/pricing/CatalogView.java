package io.vidgate.pricing;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** GET /v2/models: each model with its allowed combinations and its prices. */
@RegisterForReflection
public record CatalogView(List<ModelView> data) {

    public record ModelView(String id, List<String> types, int defaultFps, List<Integer> fps, boolean landscapeOnly,
                            boolean supportsLastFrame, List<String> resolutions, List<DurationRule> durations,
                            Map<String, Map<String, Integer>> creditsPerSecond,
                            Map<String, Integer> mediaCreditsPerSecond) {
    }

    /** The durations allowed for a set of resolutions and frame rates. */
    public record DurationRule(List<String> resolutions, List<Integer> fps, List<Integer> durations) {
    }

    public static CatalogView of(Catalog catalog) {
        return new CatalogView(catalog.models().stream().map(CatalogView::model).toList());
    }

    private static ModelView model(ModelSpec model) {
        Map<String, Map<String, Integer>> prices = new LinkedHashMap<>();
        List<String> types = new ArrayList<>();
        List<String> resolutions = new ArrayList<>();
        model.creditsPerSecond().forEach((type, byTier) -> {
            types.add(type.wire);
            Map<String, Integer> byResolution = new LinkedHashMap<>();
            byTier.forEach((tier, rate) -> tier.resolutions(model.landscapeOnly()).forEach(r -> {
                byResolution.put(r, rate);
                if (!resolutions.contains(r)) {
                    resolutions.add(r);
                }
            }));
            prices.put(type.wire, byResolution);
        });
        List<DurationRule> rules = new ArrayList<>();
        if (!model.longDurations().isEmpty()) {
            List<String> longResolutions = new ArrayList<>();
            model.longTiers().forEach(t -> longResolutions.addAll(t.resolutions(model.landscapeOnly())));
            rules.add(new DurationRule(longResolutions, model.longFps(), model.longDurations()));
        }
        rules.add(new DurationRule(resolutions, model.fps(), model.durations()));
        Map<String, Integer> mediaPrices = new LinkedHashMap<>();
        model.mediaCreditsPerSecond().forEach((type, rate) -> {
            types.add(type.wire);
            mediaPrices.put(type.wire, rate);
        });
        return new ModelView(model.id(), types, model.defaultFps(), model.fps(), model.landscapeOnly(),
                model.lastFrame(), resolutions, rules, prices, mediaPrices);
    }
}
