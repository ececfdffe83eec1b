package io.vidgate.jobs;

import io.vidgate.media.MediaInfo;

import java.util.LinkedHashMap;
import java.util.Map;

/** What was read from an input video, handed to the worker with the job's inputs. */
final class VideoFacts {

    private VideoFacts() {
    }

    static Map<String, Object> of(MediaInfo video) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("width", video.width());
        facts.put("height", video.height());
        facts.put("fps", video.fps());
        facts.put("frames", video.frames());
        facts.put("duration_ms", video.durationMillis());
        return facts;
    }
}
