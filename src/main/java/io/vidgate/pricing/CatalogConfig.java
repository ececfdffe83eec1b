package io.vidgate.pricing;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The model catalog and its prices, as configuration (docs/api.md 2.6): credits per second of output, per generation
 * type and resolution tier. The starting table lives in application.properties.
 */
@ConfigMapping(prefix = "vidgate.catalog")
public interface CatalogConfig {

    Map<String, Model> models();

    interface Model {
        int defaultFps();

        List<Integer> fps();

        @WithDefault("false")
        boolean landscapeOnly();

        /** Whether image-to-video accepts last_frame_uri. */
        @WithDefault("false")
        boolean lastFrame();

        /** Durations allowed everywhere. */
        List<Integer> durations();

        /** Longer durations, allowed only at the tiers and frame rates below. */
        Optional<List<Integer>> longDurations();

        Optional<List<String>> longDurationsTiers();

        Optional<List<Integer>> longDurationsFps();

        /** generation type -> resolution tier (1080p, 1440p, 2160p) -> credits per second. */
        Map<String, Map<String, Integer>> creditsPerSecond();

        /**
         * media generation type (audio-to-video, retake, extend) -> credits per second of the input audio, the
         * retaken window or the extension. A model offers a media type only if it has a price for it here.
         */
        Map<String, Integer> mediaCreditsPerSecond();
    }
}
