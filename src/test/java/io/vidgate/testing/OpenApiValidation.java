package io.vidgate.testing;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.interaction.response.CustomResponseValidator;
import com.atlassian.oai.validator.model.ApiOperation;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.atlassian.oai.validator.restassured.RestAssuredResponse;
import io.quarkus.test.junit.callback.QuarkusTestAfterAllCallback;
import io.quarkus.test.junit.callback.QuarkusTestAfterEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestContext;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;
import io.restassured.RestAssured;
import io.restassured.filter.Filter;
import io.restassured.filter.FilterContext;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;
import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * The OpenAPI document as an enforced contract for every REST Assured response of every {@code @QuarkusTest}:
 * a REST Assured {@link Filter} that validates each response the application gives to a documented operation
 * (status code, content type, body schema, documented headers, plus the check below) with Atlassian's
 * swagger-request-validator, and fails the test on any mismatch.
 * <p>
 * <b>How it is installed.</b> As a Quarkus test callback ({@link QuarkusTestBeforeEachCallback}, registered in
 * {@code META-INF/services/io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback}), which Quarkus calls
 * before every test method of every {@code @QuarkusTest}, whatever its profile, in the class loader the test
 * itself runs in. That matters: REST Assured's defaults are static fields, and under {@code @QuarkusTest} the
 * test (and so the {@code RestAssured} class it calls) is loaded by Quarkus' own class loader, one per test
 * profile. A JUnit extension auto-detected through {@code META-INF/services/org.junit.jupiter.api.extension.Extension}
 * is loaded by JUnit's class loader and would install the filter on a different copy of {@code RestAssured}
 * (a silent no-op), and would also run for plain unit tests; a {@code QuarkusTestResourceLifecycleManager} such
 * as {@link TestDatabase} is likewise not called in the test's class loader, and only for classes that name it.
 * No test class has to do anything, and {@code io.vidgate.http.OpenApiContractTest} proves the filter is there
 * and does reject a response that does not match.
 * <p>
 * <b>What is validated.</b> Responses only: tests deliberately send invalid requests (fuzzers, the error
 * contract), so the request side is never checked. A request to a path (or a method of a path) that the
 * document does not have is not validated either (404 and 405 tests, test-only resources); that the served
 * routes and the documented ones are the same set is {@code OpenApiContractTest}'s job. Requests to another
 * server than the application (another port) are left alone. On top of the library's checks, a response that
 * carries one of the {@link #CONTRACT_HEADERS} must document it for that status.
 * <p>
 * <b>Report mode.</b> With {@code -Dopenapi-contract.report=FILE} violations are appended to FILE instead of
 * failing the test (to list everything at once when the document is far from the code); never the default.
 */
public final class OpenApiValidation implements Filter, QuarkusTestBeforeEachCallback, QuarkusTestAfterEachCallback,
        QuarkusTestAfterAllCallback {

    /** The document, as served at /q/openapi. */
    public static final String DOCUMENT = "META-INF/openapi.yaml";
    /** Response headers that the contract names: present in a response means documented for it. */
    public static final List<String> CONTRACT_HEADERS = List.of("x-request-id", "Retry-After", "RateLimit-Limit",
            "RateLimit-Remaining", "RateLimit-Reset", "Location", "Idempotent-Replayed");
    static final String UNDOCUMENTED_HEADER = "validation.response.header.undocumented";
    private static final List<String> UNMATCHED = List.of("validation.request.path.missing",
            "validation.request.operation.notAllowed");

    private static volatile Shared shared;

    private final AtomicLong validated = new AtomicLong();
    private final AtomicLong unmatched = new AtomicLong();
    private final List<String> violations = new ArrayList<>();

    /** Called by Quarkus (service loader); use {@link #filter()}. */
    public OpenApiValidation() {
    }

    /** The one filter of this class loader, installed as a REST Assured default filter. */
    public static OpenApiValidation filter() {
        return shared().filter;
    }

    /** The document as parsed by swagger-parser (refs resolved, not inlined). */
    public static OpenAPI document() {
        return shared().document;
    }

    /** A validator of the document, configured exactly as the filter's. */
    public static OpenApiInteractionValidator validator() {
        return shared().validator;
    }

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        install();
    }

    @Override
    public void afterEach(QuarkusTestMethodContext context) {
        if (shared == null) {
            return;
        }
        List<String> found = filter().takeViolations();
        if (!found.isEmpty() && reportFile().isEmpty()) {
            throw new AssertionError("Responses that do not match " + DOCUMENT + " during "
                    + context.getTestMethod().getName() + ":\n" + String.join("\n", found));
        }
    }

    /** How much the validation covered (running totals of this test class loader), in the test output. */
    @Override
    public void afterAll(QuarkusTestContext context) {
        if (shared != null) {
            Object test = context.getTestInstance();
            String name = test == null ? "a test class" : test.getClass().getSimpleName();
            System.out.printf("OpenAPI validation after %s: %d responses validated against %s so far, %d to paths or "
                    + "methods it does not document%n", name, filter().validatedCount(), DOCUMENT, filter().unmatchedCount());
        }
    }

    /** Adds the filter to REST Assured's default filters (once). */
    public static void install() {
        OpenApiValidation filter = filter();
        if (RestAssured.filters().stream().noneMatch(f -> f == filter)) {
            RestAssured.filters(filter);
        }
    }

    /** Responses validated against a documented operation so far. */
    public long validatedCount() {
        return validated.get();
    }

    /** Responses to a path or method the document does not have (not validated). */
    public long unmatchedCount() {
        return unmatched.get();
    }

    @Override
    public Response filter(FilterableRequestSpecification request, FilterableResponseSpecification responseSpec,
                           FilterContext context) {
        Response response = context.next(request, responseSpec);
        if (request.getPort() != RestAssured.port) {
            return response;
        }
        String path = URI.create(request.getURI()).getRawPath();
        Request.Method method = Request.Method.valueOf(request.getMethod().toUpperCase(Locale.ROOT));
        ValidationReport report = validate(path, method, RestAssuredResponse.of(response));
        if (report.getMessages().stream().anyMatch(m -> UNMATCHED.contains(m.getKey()))) {
            unmatched.incrementAndGet();
            return response;
        }
        validated.incrementAndGet();
        if (report.hasErrors()) {
            String text = describe(method + " " + path + " -> " + response.getStatusCode(), report);
            Optional<Path> file = reportFile();
            if (file.isPresent()) {
                append(file.get(), text);
                return response;
            }
            synchronized (violations) {
                violations.add(text);
            }
            throw new AssertionError("Response does not match " + DOCUMENT + ": " + text
                    + "\nBody: " + abbreviate(response.asString()));
        }
        return response;
    }

    /** Validates one response of METHOD PATH against the document. */
    public static ValidationReport validate(String path, Request.Method method,
                                            com.atlassian.oai.validator.model.Response response) {
        return validator().validateResponse(path, method, response);
    }

    /** The errors of a report, one per line, after a heading. */
    public static String describe(String heading, ValidationReport report) {
        return report.getMessages().stream()
                .filter(m -> m.getLevel() == ValidationReport.Level.ERROR)
                .map(m -> heading + " [" + m.getKey() + "] " + m.getMessage().replace('\n', ' ')
                        + (m.getAdditionalInfo().isEmpty() ? "" : " " + m.getAdditionalInfo()))
                .collect(Collectors.joining("\n"));
    }

    /** The violations recorded since the last call (and forgets them). */
    public List<String> takeViolations() {
        synchronized (violations) {
            List<String> found = List.copyOf(violations);
            violations.clear();
            return found;
        }
    }

    private static Optional<Path> reportFile() {
        return Optional.ofNullable(System.getProperty("openapi-contract.report")).filter(s -> !s.isBlank()).map(Path::of);
    }

    private static synchronized void append(Path file, String text) {
        try {
            Files.writeString(file, text + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String abbreviate(String body) {
        return body.length() <= 2000 ? body : body.substring(0, 2000) + "...";
    }

    private static Shared shared() {
        Shared s = shared;
        if (s == null) {
            synchronized (OpenApiValidation.class) {
                if (shared == null) {
                    shared = new Shared();
                }
                s = shared;
            }
        }
        return s;
    }

    private static String readDocument() {
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(DOCUMENT)) {
            if (in == null) {
                throw new IllegalStateException(DOCUMENT + " is not on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final class Shared {
        final OpenAPI document;
        final OpenApiInteractionValidator validator;
        final OpenApiValidation filter = new OpenApiValidation();

        Shared() {
            String yaml = readDocument();
            ParseOptions options = new ParseOptions();
            options.setResolve(true);
            SwaggerParseResult parsed = new OpenAPIParser().readContents(yaml, null, options);
            if (parsed.getOpenAPI() == null || (parsed.getMessages() != null && !parsed.getMessages().isEmpty())) {
                throw new IllegalStateException(DOCUMENT + " does not parse: " + parsed.getMessages());
            }
            document = parsed.getOpenAPI();
            validator = OpenApiInteractionValidator.createForInlineApiSpecification(yaml)
                    // Every finding is an error: nothing is downgraded or ignored (the request side is never
                    // validated at all: validateResponse only).
                    .withLevelResolver(LevelResolver.create().withDefaultLevel(ValidationReport.Level.ERROR).build())
                    .withCustomResponseValidation(new ContractHeaders(document))
                    .build();
        }
    }

    /**
     * The library checks the headers a response documents (required ones present, values of their schema), not
     * the ones it carries without documenting them. For the headers the contract names, that is a finding too.
     */
    static final class ContractHeaders implements CustomResponseValidator {
        private final OpenAPI document;

        ContractHeaders(OpenAPI document) {
            this.document = document;
        }

        @Override
        public ValidationReport validate(com.atlassian.oai.validator.model.Response response, ApiOperation operation) {
            ApiResponse documented = documentedResponse(operation, response.getStatus());
            if (documented == null) {
                return ValidationReport.empty(); // an undocumented status is the library's own finding
            }
            Map<String, Header> headers = documented.getHeaders() == null ? Map.of() : documented.getHeaders();
            List<ValidationReport.Message> messages = new ArrayList<>();
            for (String name : CONTRACT_HEADERS) {
                boolean present = !response.getHeaderValues(name).isEmpty();
                boolean known = headers.keySet().stream().anyMatch(h -> h.equalsIgnoreCase(name));
                if (present && !known) {
                    messages.add(ValidationReport.Message.create(UNDOCUMENTED_HEADER, String.format(
                            "Header '%s' is in the %d response of %s %s but not documented there.", name,
                            response.getStatus(), operation.getMethod(), operation.getApiPath().original())).build());
                }
            }
            return ValidationReport.from(messages);
        }

        private ApiResponse documentedResponse(ApiOperation operation, int status) {
            var responses = operation.getOperation().getResponses();
            if (responses == null) {
                return null;
            }
            ApiResponse found = responses.get(Integer.toString(status));
            if (found == null) {
                found = responses.get(Integer.toString(status).charAt(0) + "XX");
            }
            if (found == null) {
                found = responses.getDefault();
            }
            while (found != null && found.get$ref() != null) {
                String name = found.get$ref().substring(found.get$ref().lastIndexOf('/') + 1);
                found = document.getComponents().getResponses().get(name);
            }
            return found;
        }
    }
}
