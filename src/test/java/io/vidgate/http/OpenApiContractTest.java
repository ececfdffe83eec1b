package io.vidgate.http;

import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import io.quarkus.resteasy.reactive.server.runtime.ResteasyReactiveRecorder;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.builder.ResponseBuilder;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vidgate.testing.OpenApiValidation;
import io.vidgate.testing.RouteCapture;
import io.vidgate.testing.TestDatabase;
import jakarta.inject.Inject;
import org.jboss.resteasy.reactive.server.core.Deployment;
import org.jboss.resteasy.reactive.server.handlers.ClassRoutingHandler;
import org.jboss.resteasy.reactive.server.handlers.RestInitialHandler;
import org.jboss.resteasy.reactive.server.mapping.RequestMapper;
import org.jboss.resteasy.reactive.server.mapping.RuntimeResource;
import org.jboss.resteasy.reactive.server.spi.ServerRestHandler;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OpenAPI document ({@value OpenApiValidation#DOCUMENT}, served at /q/openapi) is the contract: the routes the
 * running application serves are exactly the operations it documents, and every REST Assured response of every
 * {@code @QuarkusTest} is validated against it ({@link OpenApiValidation}); this class also proves that the
 * validation is really switched on and really rejects a response that does not match.
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class OpenApiContractTest {

    /**
     * The envelope of every error; JobError is the same envelope with any error type, for the job's own error told
     * to a /v1 call that waited for it (docs/api.md 2.14).
     */
    private static final java.util.Set<String> ENVELOPES = java.util.Set.of("#/components/schemas/Error",
            "#/components/schemas/JobError");

    private static final List<String> PROBED_METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE");

    @Inject
    RouteCapture routeCapture;

    /**
     * Served routes = documented operations, as "METHOD /path/{}" (parameter names aside).
     * <p>
     * Where the served routes come from, so that none can be missed silently:
     * <ul>
     * <li>Quarkus REST: the live dispatch table of the running deployment (per resource class path, the
     * per-HTTP-method mappers that route each request to a resource method), not a reflection scan of
     * annotations that could overlook an inherited {@code @Path}, a resource registered another way or a
     * sub-resource; whatever Quarkus REST routes is in there. An entry it routes for any method (a sub-resource
     * locator) fails the test, so it cannot be skipped. Test-only resources (classes in target/test-classes, such
     * as {@code io.vidgate.testing.FailingResource}) are not part of the product and are left out. The HEAD and
     * OPTIONS that JAX-RS answers by itself are not in the table and not in the document.</li>
     * <li>Vert.x: every route of the application's {@code Router} that has a path (hand-registered routes such as
     * {@code PUT /uploads/{id}}). Path-less routes are filters and catch-alls (Quarkus REST's entry, the
     * not-found envelope), routes under /q/ are Quarkus' own, and paths of static files are static resources.
     * A regex route fails the test. A route that accepts every method and picks one itself (the upload route
     * answers the others with 405) is probed with each method: what it does not answer 405 it serves.</li>
     * </ul>
     */
    @Test
    void servedRoutesAreExactlyTheDocumentedOnes() throws Exception {
        SortedSet<String> served = new TreeSet<>();
        served.addAll(quarkusRestRoutes());
        served.addAll(vertxRoutes());

        SortedSet<String> documented = new TreeSet<>();
        OpenApiValidation.document().getPaths().forEach((path, item) -> item.readOperationsMap().keySet()
                .forEach(method -> documented.add(key(method.name(), path))));

        SortedSet<String> undocumented = new TreeSet<>(served);
        undocumented.removeAll(documented);
        SortedSet<String> missing = new TreeSet<>(documented);
        missing.removeAll(served);
        assertTrue(undocumented.isEmpty() && missing.isEmpty(),
                "Served but not in " + OpenApiValidation.DOCUMENT + ": " + undocumented
                        + "\nIn " + OpenApiValidation.DOCUMENT + " but not served: " + missing);
        assertTrue(served.size() > 30, "too few routes found, the discovery is broken: " + served);
    }

    private List<String> quarkusRestRoutes() {
        Deployment deployment = ResteasyReactiveRecorder.getCurrentDeployment();
        assertNotNull(deployment, "no Quarkus REST deployment");
        String prefix = trimSlash(deployment.getPrefix());
        List<String> routes = new ArrayList<>();
        for (RequestMapper.RequestPath<RestInitialHandler.InitialMatch> classPath : deployment.getClassMappers()) {
            boolean routed = false;
            for (ServerRestHandler handler : classPath.value.handlers) {
                if (!(handler instanceof ClassRoutingHandler router)) {
                    continue;
                }
                routed = true;
                for (Map.Entry<String, RequestMapper<RuntimeResource>> byMethod : router.getMappers().entrySet()) {
                    for (RequestMapper.RequestPath<RuntimeResource> resource : byMethod.getValue().getTemplates()) {
                        RuntimeResource target = resource.value;
                        String path = prefix + trimSlash(classPath.template.template) + "/"
                                + stripSlashes(resource.template.template);
                        if (testOnly(target.getResourceClass())) {
                            continue;
                        }
                        assertNotNull(byMethod.getKey(), "a Quarkus REST route for any HTTP method (sub-resource "
                                + "locator?) at " + path + " in " + target.getResourceClass().getName());
                        routes.add(key(byMethod.getKey(), path));
                    }
                }
            }
            assertTrue(routed, "no ClassRoutingHandler for the Quarkus REST class path " + classPath.template.template);
        }
        return routes;
    }

    private List<String> vertxRoutes() throws Exception {
        assertNotNull(routeCapture.router(), "the Router was not observed");
        List<String> routes = new ArrayList<>();
        HttpClient http = HttpClient.newHttpClient();
        for (Route route : routeCapture.router().getRoutes()) {
            if (route.getPath() == null && !route.isRegexPath()) {
                continue;
            }
            // A path with :params is a regex route to Vert.x; its name is the path as registered.
            String path = route.isRegexPath() ? String.valueOf(route.getName()) : route.getPath();
            if (route.isRegexPath()) {
                assertTrue(path.matches("(/(:[A-Za-z0-9_]+|[A-Za-z0-9._~-]*))+") || path.startsWith("/q/"),
                        "a regex route the test cannot compare with the document: " + path);
            }
            if (path.equals("/q") || path.startsWith("/q/") || staticResource(path)) {
                continue;
            }
            Set<HttpMethod> methods = route.methods();
            if (methods != null && !methods.isEmpty()) {
                methods.forEach(m -> routes.add(key(m.name(), path)));
                continue;
            }
            String concrete = path.replaceAll(":[A-Za-z0-9_]+", UUID.randomUUID().toString());
            for (String method : PROBED_METHODS) {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                                URI.create("http://localhost:" + RestAssured.port + concrete))
                        .method(method, HttpRequest.BodyPublishers.noBody()).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 405) {
                    routes.add(key(method, path));
                }
            }
        }
        return routes;
    }

    /** "GET /v2/jobs/{}": JAX-RS {id}, Vert.x :id and OpenAPI {id} all become {}. */
    private static String key(String method, String path) {
        String normalised = path.replaceAll("\\{[^}]*}", "{}").replaceAll(":[A-Za-z0-9_]+", "{}");
        if (normalised.length() > 1 && normalised.endsWith("/")) {
            normalised = normalised.substring(0, normalised.length() - 1);
        }
        return method.toUpperCase() + " " + normalised;
    }

    private static boolean testOnly(Class<?> resourceClass) {
        return Files.exists(Path.of("target", "test-classes", resourceClass.getName().replace('.', '/') + ".class"));
    }

    private static boolean staticResource(String path) {
        return Thread.currentThread().getContextClassLoader().getResource("META-INF/resources" + path) != null;
    }

    private static String trimSlash(String path) {
        return path == null || path.equals("/") ? "" : (path.endsWith("/") ? path.substring(0, path.length() - 1) : path);
    }

    private static String stripSlashes(String path) {
        String p = path == null ? "" : path;
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        return p;
    }

    /**
     * What the responses of the tests cannot show for a status no test provokes: the document itself promises
     * {@code x-request-id} on every response and the error envelope on every error, of every operation.
     */
    @Test
    void everyDocumentedResponseHasTheRequestIdAndEveryErrorTheEnvelope() {
        var document = OpenApiValidation.document();
        List<String> wrong = new ArrayList<>();
        document.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) ->
                operation.getResponses().forEach((status, documented) -> {
                    var response = documented;
                    while (response.get$ref() != null) {
                        response = document.getComponents().getResponses()
                                .get(response.get$ref().substring(response.get$ref().lastIndexOf('/') + 1));
                    }
                    String where = method + " " + path + " " + status;
                    if (response.getHeaders() == null || !response.getHeaders().containsKey("x-request-id")) {
                        wrong.add(where + ": no x-request-id");
                    }
                    if (status.startsWith("4") || status.startsWith("5")) {
                        var json = response.getContent() == null ? null : response.getContent().get("application/json");
                        if (json == null || json.getSchema() == null
                                || !ENVELOPES.contains(json.getSchema().get$ref())
                                || response.getContent().size() != 1) {
                            wrong.add(where + ": not exactly the Error envelope");
                        }
                    }
                    if (status.equals("default")) {
                        wrong.add(where + ": a default response would accept any status");
                    }
                })));
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    }

    // ------------------------------------------------------------------------------- the validation is on

    @Test
    void everyRestAssuredResponseGoesThroughTheValidationFilter() {
        assertTrue(RestAssured.filters().contains(OpenApiValidation.filter()),
                "the OpenAPI validation filter is not a REST Assured default filter: " + RestAssured.filters());
        long before = OpenApiValidation.filter().validatedCount();
        given().get("/v2/models").then().statusCode(200);
        assertEquals(before + 1, OpenApiValidation.filter().validatedCount(), "the response was not validated");
    }

    /** A response altered on its way to the test (an extra field) fails the request, through the real filter. */
    @Test
    void theFilterRejectsAResponseThatDoesNotMatch() {
        AssertionError error = assertThrows(AssertionError.class, () -> given()
                .filter((request, response, context) -> {
                    var real = context.next(request, response);
                    String body = real.asString().replaceFirst("\\{", "{\"undocumented_field\":1,");
                    return new ResponseBuilder().clone(real).setBody(body).build();
                })
                .get("/v2/models"));
        assertTrue(error.getMessage().contains("undocumented_field"), error.getMessage());
        OpenApiValidation.filter().takeViolations(); // expected: not a finding of this test
    }

    @Test
    void theValidatorRejectsEachKindOfMismatch() {
        String body = given().get("/v2/models").then().statusCode(200).extract().asString();
        String requestId = "0123456789abcdef0123456789abcdef";
        assertFalse(OpenApiValidation.validate("/v2/models", Request.Method.GET, ok(body, requestId).build())
                .hasErrors(), "the real response must pass");

        // an undocumented field
        assertError("additionalProperties", ok(body.replaceFirst("\\{", "{\"extra\":true,"), requestId));
        // an undocumented status code
        assertError("validation.response.status.unknown", new SimpleResponse.Builder(418)
                .withContentType("application/json").withBody(body).withHeader("x-request-id", requestId));
        // a contract header the response does not document
        assertError("validation.response.header.undocumented", ok(body, requestId).withHeader("Location", "/x"));
        // a documented required header missing
        assertError("validation.response.header.missing", new SimpleResponse.Builder(200)
                .withContentType("application/json").withBody(body));
        // a required field missing
        assertError("required", ok("{}", requestId));
        // a wrong type
        assertError("schema.type", ok("{\"data\":\"ltx\"}", requestId));
    }

    private static SimpleResponse.Builder ok(String body, String requestId) {
        return new SimpleResponse.Builder(200).withContentType("application/json; charset=utf-8").withBody(body)
                .withHeader("x-request-id", requestId);
    }

    private static void assertError(String keyPart, SimpleResponse.Builder response) {
        ValidationReport report = OpenApiValidation.validate("/v2/models", Request.Method.GET, response.build());
        assertTrue(report.getMessages().stream().anyMatch(m -> m.getLevel() == ValidationReport.Level.ERROR
                        && m.getKey().contains(keyPart)),
                "expected a " + keyPart + " error, got " + report.getMessages());
    }
}
