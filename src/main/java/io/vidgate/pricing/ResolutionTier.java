package io.vidgate.pricing;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The output sizes of a tier: its landscape and portrait resolution. */
public enum ResolutionTier {
    P1080("1080p", 1920, 1080), P1440("1440p", 2560, 1440), P2160("2160p", 3840, 2160);

    public final String id;
    private final int longSide;
    private final int shortSide;

    ResolutionTier(String id, int longSide, int shortSide) {
        this.id = id;
        this.longSide = longSide;
        this.shortSide = shortSide;
    }

    public String landscape() {
        return longSide + "x" + shortSide;
    }

    public String portrait() {
        return shortSide + "x" + longSide;
    }

    public List<String> resolutions(boolean landscapeOnly) {
        return landscapeOnly ? List.of(landscape()) : List.of(landscape(), portrait());
    }

    public static Optional<ResolutionTier> byId(String id) {
        return Arrays.stream(values()).filter(t -> t.id.equals(id)).findFirst();
    }

    public static Optional<ResolutionTier> ofResolution(String resolution) {
        return Arrays.stream(values())
                .filter(t -> t.landscape().equals(resolution) || t.portrait().equals(resolution))
                .findFirst();
    }
}
