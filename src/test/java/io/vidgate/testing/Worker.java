package io.vidgate.testing;

import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;

/** A test GPU worker speaking the worker API over HTTP. */
public record Worker(String id) {

    public static final String TOKEN = "test-worker-token";

    public static RequestSpecification api() {
        return given().header("Authorization", "Bearer " + TOKEN).contentType(ContentType.JSON);
    }

    public ValidatableResponse lease(int maxJobs) {
        return api().body(Map.of("worker_id", id, "max_jobs", maxJobs)).post("/internal/jobs/lease").then();
    }

    /** Leases one job; fails the test unless exactly one was leased. Returns [job id, lease token]. */
    public List<String> leaseOne() {
        ValidatableResponse response = lease(1).statusCode(200);
        List<String> ids = response.extract().path("jobs.job.id");
        if (ids.size() != 1) {
            throw new AssertionError("expected one leased job, got " + ids);
        }
        return List.of(ids.get(0), response.extract().path("jobs[0].lease.token"));
    }

    public ValidatableResponse heartbeat(String jobId, String token, Integer progress) {
        Map<String, Object> body = new HashMap<>();
        body.put("lease_token", token);
        if (progress != null) {
            body.put("progress", progress);
        }
        return api().body(body).post("/internal/jobs/" + jobId + "/heartbeat").then();
    }

    public ValidatableResponse complete(String jobId, String token) {
        return api().body(Map.of("lease_token", token, "video_url", "https://cdn.example.com/" + jobId + ".mp4"))
                .post("/internal/jobs/" + jobId + "/complete").then();
    }

    public ValidatableResponse fail(String jobId, String token, boolean retryable) {
        return api().body(Map.of("lease_token", token, "retryable", retryable,
                        "error", Map.of("type", "gpu_error", "message", "out of memory")))
                .post("/internal/jobs/" + jobId + "/fail").then();
    }

    /**
     * Completes the job with {@code video} stored by vidgate, as a real worker does: a result upload for the lease,
     * one PUT of the bytes (no key: the URL is signed), then complete with the upload's storage_uri.
     */
    public ValidatableResponse completeWithResult(String jobId, String token, byte[] video) {
        var ticket = api().body(Map.of("lease_token", token)).post("/internal/jobs/" + jobId + "/result-upload").then()
                .statusCode(201).extract();
        given().contentType("video/mp4").body(video).put((String) ticket.path("upload_url")).then().statusCode(200);
        return api().body(Map.of("lease_token", token, "video_url", ticket.path("storage_uri")))
                .post("/internal/jobs/" + jobId + "/complete").then();
    }
}
