package io.vidgate.pricing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One model of the catalog, with the rules that decide which combinations are allowed and what they cost. */
public record ModelSpec(String id, int defaultFps, List<Integer> fps, boolean landscapeOnly, boolean lastFrame,
                        List<Integer> durations, List<Integer> longDurations, List<ResolutionTier> longTiers,
                        List<Integer> longFps, Map<GenerationType, Map<ResolutionTier, Integer>> creditsPerSecond,
                        Map<GenerationType, Integer> mediaCreditsPerSecond) {

    /** The output tier of audio-to-video and retake (1920x1080 or 1080x1920). */
    public static final ResolutionTier MEDIA_TIER = ResolutionTier.P1080;

    static ModelSpec from(String id, CatalogConfig.Model config) {
        Map<GenerationType, Map<ResolutionTier, Integer>> prices = new LinkedHashMap<>();
        config.creditsPerSecond().forEach((type, byTier) -> {
            GenerationType generation = GenerationType.fromWire(type).filter(t -> !t.mediaPriced()).orElseThrow(() ->
                    new IllegalArgumentException("vidgate.catalog.models." + id + ": unknown generation type " + type));
            Map<ResolutionTier, Integer> rates = new LinkedHashMap<>();
            byTier.entrySet().stream()
                    .map(e -> Map.entry(tier(id, e.getKey()), e.getValue()))
                    .sorted(Map.Entry.comparingByKey(Comparator.naturalOrder()))
                    .forEach(e -> rates.put(e.getKey(), requirePositive(id, e.getValue())));
            prices.put(generation, rates);
        });
        Map<GenerationType, Integer> mediaPrices = new java.util.EnumMap<>(GenerationType.class);
        config.mediaCreditsPerSecond().forEach((type, rate) -> {
            GenerationType generation = GenerationType.fromWire(type).filter(GenerationType::mediaPriced)
                    .orElseThrow(() -> new IllegalArgumentException("vidgate.catalog.models." + id
                            + ".media-credits-per-second: not a media generation type: " + type));
            mediaPrices.put(generation, requirePositive(id, rate));
        });
        if (!config.fps().contains(config.defaultFps())) {
            throw new IllegalArgumentException("vidgate.catalog.models." + id + ": default-fps is not in fps");
        }
        return new ModelSpec(id, config.defaultFps(), List.copyOf(config.fps()), config.landscapeOnly(), config.lastFrame(),
                List.copyOf(config.durations()), config.longDurations().orElse(List.of()),
                config.longDurationsTiers().orElse(List.of()).stream().map(t -> tier(id, t)).toList(),
                config.longDurationsFps().orElse(List.of()), prices, java.util.Collections.unmodifiableMap(mediaPrices));
    }

    private static ResolutionTier tier(String model, String id) {
        return ResolutionTier.byId(id).orElseThrow(() ->
                new IllegalArgumentException("vidgate.catalog.models." + model + ": unknown resolution tier " + id));
    }

    private static int requirePositive(String model, int rate) {
        if (rate <= 0) {
            throw new IllegalArgumentException("vidgate.catalog.models." + model + ": prices must be positive");
        }
        return rate;
    }

    /** Whether this model runs jobs of the type at all. */
    public boolean offers(GenerationType type) {
        return type.mediaPriced() ? mediaCreditsPerSecond.containsKey(type) : creditsPerSecond.containsKey(type);
    }

    public Optional<Integer> mediaRate(GenerationType type) {
        return Optional.ofNullable(mediaCreditsPerSecond.get(type));
    }

    /** The price of a media-priced job of this type: every billed second at the type's rate (which it offers). */
    public Price mediaPrice(GenerationType type, int billedSeconds) {
        return Price.of(mediaRate(type).orElseThrow(), billedSeconds);
    }

    public List<ResolutionTier> tiers(GenerationType type) {
        return List.copyOf(creditsPerSecond.getOrDefault(type, Map.of()).keySet());
    }

    public List<String> resolutions(GenerationType type) {
        List<String> all = new ArrayList<>();
        tiers(type).forEach(t -> all.addAll(t.resolutions(landscapeOnly)));
        return all;
    }

    public List<Integer> durationsAt(ResolutionTier tier, int framesPerSecond) {
        if (!longDurations.isEmpty() && longTiers.contains(tier) && longFps.contains(framesPerSecond)) {
            return longDurations;
        }
        return durations;
    }

    public Optional<Integer> rate(GenerationType type, ResolutionTier tier) {
        return Optional.ofNullable(creditsPerSecond.getOrDefault(type, Map.of()).get(tier));
    }
}
