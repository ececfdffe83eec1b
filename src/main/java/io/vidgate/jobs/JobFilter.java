package io.vidgate.jobs;

/** Optional filters of GET /v2/jobs, already validated (null = any). */
public record JobFilter(String status, String type) {
}
