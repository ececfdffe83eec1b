package io.vidgate.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The Kubernetes manifests (k8s/), rendered per overlay exactly as the README deploys them
 * ({@code kubectl kustomize k8s/overlays/<overlay>}), checked for the
 * mistakes that break a deployment silently: a wrong image tag, a port or probe path the app does not serve, an
 * environment variable the app never reads (a typo, a build-time property, a missing extension), pods without
 * resources or with a writable root filesystem, a secret committed to the repository, an Ingress that exposes
 * the admin or worker API, migrations run by every pod, a missing or stale migration Job.
 *
 * <p>Plain JUnit (no Quarkus). Needs kubectl with kustomize (v5) on the PATH or at /usr/bin/kubectl, or its path
 * in the KUBECTL environment variable. What the app reads is derived, not copied: VIDGATE_* names from
 * {@code VidgateConfig} (by reflection) and application.properties; QUARKUS_* names from the configuration
 * model every Quarkus extension on the class path ships
 * ({@code META-INF/quarkus-config-doc/quarkus-config-model.json}), runtime properties only.
 */
class ManifestsTest {

    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final String APP_IMAGE = "ghcr.io/vidgate/vidgate";
    private static final Set<String> APP_DEPLOYMENTS = Set.of("vidgate-api", "vidgate-worker");
    private static final Set<String> PROBE_PATHS = Set.of("/q/health/live", "/q/health/ready", "/q/health/started");
    /** First path segments that must never be routed by an Ingress: admin API, worker API, health/metrics. */
    private static final Set<String> PRIVATE_SEGMENTS = Set.of("admin", "internal", "q");
    private static final Pattern SECRET_NAME = Pattern.compile("PASSWORD|TOKEN|SECRET", Pattern.CASE_INSENSITIVE);
    private static final Map<String, List<Map<String, Object>>> RENDERINGS = new ConcurrentHashMap<>();

    // ---- the tests -------------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyAppContainerRunsTheAppImageWithTheOverlaysTag(String overlay) {
        String expected = APP_IMAGE + overlayImageSuffix(overlay);
        if (overlay.equals("prod")) {
            assertFalse(expected.endsWith(":latest"), "prod must pin a release tag, not latest");
        }
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> deployment : appDeployments(overlay)) {
            for (Map<String, Object> container : containers(podSpec(deployment))) {
                if (!expected.equals(container.get("image"))) {
                    problems.add(name(deployment) + "/" + container.get("name") + ": " + container.get("image"));
                }
            }
        }
        for (Map<String, Object> doc : render(overlay)) {
            for (Map<String, Object> container : containers(podSpec(doc))) {
                String image = String.valueOf(container.get("image"));
                if (repository(image).equals(APP_IMAGE) && !image.equals(expected)) {
                    problems.add(kind(doc) + " " + name(doc) + "/" + container.get("name") + ": " + image);
                }
            }
        }
        assertEquals(List.of(), problems, "app containers whose image is not " + expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void theContainerPortServicesAndProbesUseTheAppsHttpPort(String overlay) {
        int port = Integer.parseInt(appProperty("quarkus.http.port").orElse("8080"));
        for (Map<String, Object> deployment : appDeployments(overlay)) {
            Map<String, Object> container = appContainer(deployment);
            Map<String, Env> env = effectiveEnv(overlay, container);
            if (env.containsKey("QUARKUS_HTTP_PORT")) {
                assertEquals(String.valueOf(port), env.get("QUARKUS_HTTP_PORT").literal,
                        name(deployment) + " overrides QUARKUS_HTTP_PORT");
            }
            List<Integer> declared = list(container.get("ports")).stream()
                    .map(p -> ((Number) map(p).get("containerPort")).intValue()).toList();
            assertTrue(declared.contains(port), name(deployment) + " declares ports " + declared
                    + " but the app listens on quarkus.http.port=" + port + " (application.properties)");
            for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
                Object probePort = at(container, probe, "httpGet", "port");
                if (probePort != null) {
                    assertEquals(port, resolvePort(container, probePort), name(deployment) + " " + probe + " port");
                }
            }
        }
        // Every Service that selects app pods sends its traffic to that port.
        for (Map<String, Object> service : ofKind(overlay, "Service")) {
            Map<String, Object> selector = map(at(service, "spec", "selector"));
            for (Map<String, Object> deployment : appDeployments(overlay)) {
                if (!selector.isEmpty() && matches(selector, podLabels(deployment))) {
                    for (Object p : list(at(service, "spec", "ports"))) {
                        Object target = map(p).getOrDefault("targetPort", map(p).get("port"));
                        assertEquals(port, resolvePort(appContainer(deployment), target),
                                "Service " + name(service) + " targetPort " + target + " on " + name(deployment));
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void probesUseTheHealthEndpoints(String overlay) {
        for (Map<String, Object> deployment : appDeployments(overlay)) {
            Map<String, Object> container = appContainer(deployment);
            for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
                Object path = at(container, probe, "httpGet", "path");
                assertNotNull(path, name(deployment) + " has no HTTP " + probe);
                assertTrue(PROBE_PATHS.contains(path), name(deployment) + " " + probe + " path " + path
                        + " is not one of " + PROBE_PATHS);
            }
            // Liveness on the readiness check (which includes the database) would restart every pod during a
            // database outage.
            assertEquals("/q/health/live", at(container, "livenessProbe", "httpGet", "path"),
                    name(deployment) + " livenessProbe");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyEnvironmentVariableIsOneTheAppReads(String overlay) {
        Set<String> vidgate = vidgateEnvNames();
        List<Pattern> quarkus = quarkusRuntimeEnvNames(false);
        List<Pattern> deprecated = quarkusRuntimeEnvNames(true);
        List<String> unknown = new ArrayList<>();
        for (Map<String, Object> deployment : appDeployments(overlay)) {
            for (Map<String, Object> container : containers(podSpec(deployment))) {
                for (Map.Entry<String, Env> e : effectiveEnv(overlay, container).entrySet()) {
                    String var = e.getKey();
                    boolean known = var.startsWith("VIDGATE_") ? vidgate.contains(var)
                            : var.startsWith("QUARKUS_") && quarkus.stream().anyMatch(p -> p.matcher(var).matches());
                    if (!known) {
                        boolean old = var.startsWith("QUARKUS_")
                                && deprecated.stream().anyMatch(p -> p.matcher(var).matches());
                        unknown.add(name(deployment) + ": " + var + " (" + e.getValue().source
                                + (old ? ", a deprecated Quarkus property" : "") + ")");
                    }
                }
            }
        }
        assertEquals(List.of(), unknown, "environment variables the app does not read (VIDGATE_* must be a property"
                + " of VidgateConfig or application.properties, QUARKUS_* a current runtime property of an extension on"
                + " the class path; anything else is read by nobody)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void theSettingsTheAppRequiresAreSet(String overlay) {
        Set<String> required = new TreeSet<>(requiredVidgateEnvNames());
        // io.vidgate.config.ProductionRequirements refuses to start without both datasource URLs.
        required.add("QUARKUS_DATASOURCE_REACTIVE_URL");
        required.add("QUARKUS_DATASOURCE_JDBC_URL");
        required.add("QUARKUS_DATASOURCE_USERNAME");
        required.add("QUARKUS_DATASOURCE_PASSWORD");
        for (Map<String, Object> deployment : appDeployments(overlay)) {
            Set<String> missing = new TreeSet<>(required);
            missing.removeAll(effectiveEnv(overlay, appContainer(deployment)).keySet());
            assertEquals(Set.of(), missing, name(deployment) + " lacks required settings");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void theDeploymentsNeverMigrate(String overlay) {
        for (Map<String, Object> deployment : appDeployments(overlay)) {
            Env migrate = effectiveEnv(overlay, appContainer(deployment)).get("VIDGATE_MIGRATE_AT_START");
            assertNotNull(migrate, name(deployment) + " does not set VIDGATE_MIGRATE_AT_START (default true)");
            assertEquals("false", migrate.literal, name(deployment) + " VIDGATE_MIGRATE_AT_START");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void theMigrationJobRunsTheReleasesOwnMigrationsOncePerRelease(String overlay) throws IOException {
        List<Map<String, Object>> jobs = ofKind(overlay, "Job").stream()
                .filter(job -> "migrate".equals(map(at(job, "metadata", "labels")).get("app.kubernetes.io/component")))
                .toList();
        assertEquals(1, jobs.size(), "exactly one migration Job (label app.kubernetes.io/component: migrate)");
        Map<String, Object> job = jobs.get(0);
        assertTrue(name(job).startsWith("vidgate-migrate-"),
                "the migration Job carries the overlay's release suffix: " + name(job));
        String tag = overlayImage(overlay).get("newTag");
        if (tag != null && !tag.equals("latest")) {
            assertEquals("vidgate-migrate-" + tag.replace('.', '-'), name(job),
                    "the prod migration Job's suffix follows the release tag " + tag);
        }
        // It runs the release's own app image in migrate-only mode: the migrations it applies are the ones packaged
        // in that image, so the schema always matches the release.
        List<Map<String, Object>> jobContainers = containers(podSpec(job));
        assertEquals(1, jobContainers.size(), name(job) + " has one container");
        Map<String, Object> migrate = jobContainers.get(0);
        String image = (String) migrate.get("image");
        assertTrue(image.startsWith("ghcr.io/vidgate/vidgate:"), name(job) + " runs the app image: " + image);
        assertEquals(tag, image.substring(image.indexOf(':') + 1), name(job) + " runs the overlay's release");
        Env migrateOnly = effectiveEnv(overlay, migrate).get("VIDGATE_MIGRATE_ONLY");
        assertNotNull(migrateOnly, name(job) + " sets VIDGATE_MIGRATE_ONLY");
        assertEquals("true", migrateOnly.literal, name(job) + " VIDGATE_MIGRATE_ONLY");
        // The release's first step applies `-l vidgate.io/release-step=migrate`: the Job and every ConfigMap it
        // reads must carry that label, or the Job waits for a ConfigMap that is not applied yet.
        Set<String> needed = new TreeSet<>();
        list(at(podSpec(job), "volumes")).forEach(v -> Optional.ofNullable(at(v, "configMap", "name"))
                .ifPresent(n -> needed.add((String) n)));
        containers(podSpec(job)).forEach(c -> list(c.get("env")).forEach(e -> Optional.ofNullable(
                at(e, "valueFrom", "configMapKeyRef", "name")).ifPresent(n -> needed.add((String) n))));
        containers(podSpec(job)).forEach(c -> list(c.get("envFrom")).forEach(e -> Optional.ofNullable(
                at(e, "configMapRef", "name")).ifPresent(n -> needed.add((String) n))));
        assertEquals("migrate", map(at(job, "metadata", "labels")).get("vidgate.io/release-step"), name(job));
        for (String configMap : needed) {
            assertEquals("migrate", map(at(find(overlay, "ConfigMap", configMap), "metadata", "labels"))
                    .get("vidgate.io/release-step"), "ConfigMap " + configMap + " read by " + name(job));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyContainerHasResourceRequestsAndLimits(String overlay) {
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> doc : render(overlay)) {
            for (Map<String, Object> container : containers(podSpec(doc))) {
                Map<String, Object> resources = map(container.get("resources"));
                Map<String, Object> requests = map(resources.get("requests"));
                Map<String, Object> limits = map(resources.get("limits"));
                if (!requests.containsKey("cpu") || !requests.containsKey("memory") || !limits.containsKey("memory")) {
                    problems.add(kind(doc) + " " + name(doc) + "/" + container.get("name") + ": " + resources);
                }
            }
        }
        assertEquals(List.of(), problems, "containers without requests.cpu, requests.memory and limits.memory");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void appPodsRunLockedDown(String overlay) {
        for (Map<String, Object> deployment : appDeployments(overlay)) {
            Map<String, Object> pod = podSpec(deployment);
            String where = name(deployment);
            assertEquals(Boolean.FALSE, pod.get("automountServiceAccountToken"), where + " automountServiceAccountToken");
            // Service links would add VIDGATE_API_*, VIDGATE_INTERNAL_* variables that no manifest shows.
            assertEquals(Boolean.FALSE, pod.get("enableServiceLinks"), where + " enableServiceLinks");
            for (Map<String, Object> container : containers(pod)) {
                Object nonRoot = Optional.ofNullable(at(container, "securityContext", "runAsNonRoot"))
                        .orElse(at(pod, "securityContext", "runAsNonRoot"));
                assertEquals(Boolean.TRUE, nonRoot, where + " runAsNonRoot");
                assertEquals(Boolean.TRUE, at(container, "securityContext", "readOnlyRootFilesystem"),
                        where + " readOnlyRootFilesystem");
                assertEquals(Boolean.FALSE, at(container, "securityContext", "allowPrivilegeEscalation"),
                        where + " allowPrivilegeEscalation");
                assertTrue(list(container.get("volumeMounts")).stream()
                                .anyMatch(m -> "/tmp".equals(map(m).get("mountPath"))),
                        where + ": the root filesystem is read-only, so /tmp must be a mounted volume");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void podsShutDownWithinTheGracePeriod(String overlay) {
        boolean delayed = Boolean.parseBoolean(appProperty("quarkus.shutdown.delay-enabled").orElse("false"));
        Duration delay = delayed ? duration(appProperty("quarkus.shutdown.delay").orElse("0s")) : Duration.ZERO;
        Duration timeout = duration(appProperty("quarkus.shutdown.timeout").orElse("30s"));
        for (Map<String, Object> deployment : appDeployments(overlay)) {
            Map<String, Object> pod = podSpec(deployment);
            Object sleep = at(appContainer(deployment), "lifecycle", "preStop", "sleep", "seconds");
            assertNotNull(sleep, name(deployment) + " has no preStop sleep");
            Duration needed = Duration.ofSeconds(((Number) sleep).longValue()).plus(delay).plus(timeout);
            Object grace = pod.get("terminationGracePeriodSeconds");
            assertNotNull(grace, name(deployment) + " terminationGracePeriodSeconds");
            assertTrue(((Number) grace).longValue() >= needed.toSeconds(), name(deployment) + ": grace period "
                    + grace + " s < preStop + quarkus.shutdown.delay + quarkus.shutdown.timeout = " + needed);
        }
    }

    @Test
    void prodRendersNoSecret() {
        assertEquals(List.of(), ofKind("prod", "Secret").stream().map(ManifestsTest::name).toList(),
                "Secrets are created with kubectl, never committed");
    }

    @Test
    void devSecretsAreMarkedDevOnly() {
        for (Map<String, Object> secret : ofKind("dev", "Secret")) {
            assertEquals("true", map(at(secret, "metadata", "annotations")).get("vidgate.io/dev-only"),
                    "dev Secret " + name(secret) + " must be annotated vidgate.io/dev-only: \"true\"");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void noSecretIsWrittenAsALiteral(String overlay) {
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> doc : render(overlay)) {
            for (Map<String, Object> container : containers(podSpec(doc))) {
                for (Object e : list(container.get("env"))) {
                    Map<String, Object> env = map(e);
                    if (SECRET_NAME.matcher(String.valueOf(env.get("name"))).find() && env.containsKey("value")) {
                        problems.add(kind(doc) + " " + name(doc) + "/" + container.get("name") + ": " + env.get("name"));
                    }
                }
            }
        }
        for (Map<String, Object> configMap : ofKind(overlay, "ConfigMap")) {
            for (String key : map(configMap.get("data")).keySet()) {
                if (SECRET_NAME.matcher(key).find()) {
                    problems.add("ConfigMap " + name(configMap) + ": " + key);
                }
            }
        }
        assertEquals(List.of(), problems, "secret-looking values written literally (use secretKeyRef)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void theIngressExposesOnlyThePublicApi(String overlay) {
        List<Map<String, Object>> ingresses = ofKind(overlay, "Ingress");
        assertFalse(ingresses.isEmpty(), "no Ingress");
        for (Map<String, Object> ingress : ingresses) {
            assertNotNull(at(ingress, "spec", "rules"), name(ingress) + " has no rules");
            assertNull(at(ingress, "spec", "defaultBackend"),
                    name(ingress) + ": a defaultBackend would route /admin and /internal");
            for (Object rule : list(at(ingress, "spec", "rules"))) {
                for (Object p : list(at(rule, "http", "paths"))) {
                    Map<String, Object> path = map(p);
                    String value = String.valueOf(path.get("path"));
                    String first = value.replaceAll("^/+", "").split("/", 2)[0].toLowerCase(Locale.ROOT);
                    assertFalse(first.isEmpty(), name(ingress) + ": path '" + value + "' routes everything");
                    assertFalse(PRIVATE_SEGMENTS.contains(first), name(ingress) + " exposes " + value);
                    assertTrue(Set.of("Prefix", "Exact").contains(path.get("pathType")),
                            name(ingress) + " " + value + ": pathType " + path.get("pathType")
                                    + " (ImplementationSpecific may be a regular expression matching anything)");
                    Object backend = at(path, "backend", "service", "name");
                    assertNotNull(find(overlay, "Service", String.valueOf(backend)),
                            name(ingress) + " " + value + " -> missing Service " + backend);
                }
            }
        }
        // Nor may a Service expose the app outside the cluster on its own (every port serves /admin too).
        for (Map<String, Object> service : ofKind(overlay, "Service")) {
            Object type = at(service, "spec", "type");
            assertTrue(type == null || "ClusterIP".equals(type), "Service " + name(service) + " is of type " + type);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void referencesResolve(String overlay) {
        List<String> problems = new ArrayList<>();
        List<Map<String, String>> podLabels = render(overlay).stream()
                .filter(doc -> podSpec(doc) != null).map(ManifestsTest::podLabels).toList();
        for (Map<String, Object> doc : render(overlay)) {
            Map<String, Object> selector = switch (kind(doc)) {
                case "Service" -> map(at(doc, "spec", "selector"));
                case "PodDisruptionBudget" -> map(at(doc, "spec", "selector", "matchLabels"));
                case "NetworkPolicy" -> map(at(doc, "spec", "podSelector", "matchLabels"));
                default -> null;
            };
            if (selector != null && podLabels.stream().noneMatch(labels -> matches(selector, labels))) {
                problems.add(kind(doc) + " " + name(doc) + " selects no pod: " + selector);
            }
            Object target = switch (kind(doc)) {
                case "HorizontalPodAutoscaler", "ScaledObject" -> at(doc, "spec", "scaleTargetRef", "name");
                default -> null;
            };
            if (target != null && find(overlay, "Deployment", (String) target) == null) {
                problems.add(kind(doc) + " " + name(doc) + " scales a missing Deployment " + target);
            }
            for (Map<String, Object> container : containers(podSpec(doc))) {
                for (Object e : list(container.get("env"))) {
                    Map<String, Object> ref = map(at(e, "valueFrom", "configMapKeyRef"));
                    if (!ref.isEmpty() && !map(at(find(overlay, "ConfigMap", (String) ref.get("name")), "data"))
                            .containsKey(ref.get("key"))) {
                        problems.add(name(doc) + ": configMapKeyRef " + ref + " does not resolve");
                    }
                    Map<String, Object> secretRef = map(at(e, "valueFrom", "secretKeyRef"));
                    if (!secretRef.isEmpty() && !ofKind(overlay, "Secret").isEmpty()) {
                        // Where the overlay brings its Secrets (dev), every reference must hit one of them.
                        Map<String, Object> secret = find(overlay, "Secret", (String) secretRef.get("name"));
                        Map<String, Object> data = new LinkedHashMap<>(map(at(secret, "data")));
                        data.putAll(map(at(secret, "stringData")));
                        if (!data.containsKey(secretRef.get("key"))) {
                            problems.add(name(doc) + ": secretKeyRef " + secretRef + " does not resolve");
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void theKedaExampleIsInProdOnly() {
        assertEquals(List.of(), ofKind("dev", "ScaledObject"), "KEDA is referenced from the prod overlay only");
        List<Map<String, Object>> scaled = ofKind("prod", "ScaledObject");
        assertEquals(1, scaled.size(), "the gpu-worker ScaledObject");
        Map<String, Object> trigger = map(list(at(scaled.get(0), "spec", "triggers")).get(0));
        assertEquals("postgresql", trigger.get("type"));
        assertTrue(String.valueOf(at(trigger, "metadata", "query")).contains("status = 'pending'"));
        assertNotNull(find("prod", "TriggerAuthentication", (String) at(trigger, "authenticationRef", "name")),
                "the trigger's TriggerAuthentication");
    }

    // ---- rendering ------------------------------------------------------------------------------------------

    private static List<Map<String, Object>> render(String overlay) {
        return RENDERINGS.computeIfAbsent(overlay, ManifestsTest::kustomize);
    }

    private static List<Map<String, Object>> kustomize(String overlay) {
        Path errors = null;
        try {
            errors = Files.createTempFile("kustomize", ".err");
            Process process = new ProcessBuilder(kubectl(), "kustomize",
                    "k8s/overlays/" + overlay)
                    .directory(ROOT.toFile())
                    .redirectError(errors.toFile())
                    .start();
            process.getOutputStream().close();
            String yaml = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("kubectl kustomize k8s/overlays/" + overlay + " did not finish");
            }
            assertEquals(0, process.exitValue(), "kubectl kustomize k8s/overlays/" + overlay + " failed:\n"
                    + Files.readString(errors));
            List<Map<String, Object>> docs = new ArrayList<>();
            for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(yaml)) {
                if (doc != null) {
                    docs.add(map(doc));
                }
            }
            assertFalse(docs.isEmpty(), "k8s/overlays/" + overlay + " renders nothing");
            return docs;
        } catch (IOException e) {
            throw new AssertionError("cannot run kubectl (" + kubectl() + "); install kubectl with kustomize or set"
                    + " KUBECTL", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } finally {
            if (errors != null) {
                errors.toFile().delete();
            }
        }
    }

    private static String kubectl() {
        String configured = System.getenv("KUBECTL");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        return Files.isExecutable(Path.of("/usr/bin/kubectl")) ? "/usr/bin/kubectl" : "kubectl";
    }

    /** ":tag", "@digest" or ":tag@digest" of the app image, from the overlay's kustomize images: entry. */
    private static String overlayImageSuffix(String overlay) {
        Map<String, String> image = overlayImage(overlay);
        String suffix = (image.get("newTag") == null ? "" : ":" + image.get("newTag"))
                + (image.get("digest") == null ? "" : "@" + image.get("digest"));
        assertFalse(suffix.isEmpty(), "k8s/overlays/" + overlay + " sets no tag for " + APP_IMAGE);
        return suffix;
    }

    private static Map<String, String> overlayImage(String overlay) {
        Path file = ROOT.resolve("k8s/overlays/" + overlay + "/kustomization.yaml");
        try (Reader reader = Files.newBufferedReader(file)) {
            Map<String, Object> kustomization = map(new Yaml(new SafeConstructor(new LoaderOptions())).load(reader));
            for (Object i : list(kustomization.get("images"))) {
                Map<String, Object> image = map(i);
                if (APP_IMAGE.equals(image.get("name"))) {
                    Map<String, String> out = new LinkedHashMap<>();
                    image.forEach((k, v) -> out.put(k, v == null ? null : String.valueOf(v)));
                    return out;
                }
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError(file + " has no images: entry for " + APP_IMAGE);
    }

    // ---- what the app reads ---------------------------------------------------------------------------------

    private static Properties appProperties() {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(ROOT.resolve("src/main/resources/application.properties"))) {
            properties.load(reader);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return properties;
    }

    /** A property of the prod profile (what the packaged app runs with). */
    private static Optional<String> appProperty(String name) {
        Properties properties = appProperties();
        return Optional.ofNullable(properties.getProperty("%prod." + name, properties.getProperty(name)));
    }

    /** SmallRye's environment-variable form of a property name. */
    private static String envName(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    private static Set<String> applicationPropertyNames() {
        return appProperties().stringPropertyNames().stream()
                .map(key -> key.startsWith("%") ? key.substring(key.indexOf('.') + 1) : key)
                .collect(Collectors.toSet());
    }

    private static Set<String> vidgateEnvNames() {
        Set<String> names = new TreeSet<>();
        vidgateProperties(null).forEach(p -> names.add(envName(p)));
        applicationPropertyNames().stream().filter(p -> p.startsWith("vidgate")).forEach(p -> names.add(envName(p)));
        assertTrue(names.contains("VIDGATE_DB_TIMEOUT"), "VidgateConfig was not read: " + names);
        return names;
    }

    /** Properties of VidgateConfig without a default: the app does not start without them. */
    private static Set<String> requiredVidgateEnvNames() {
        Set<String> required = new TreeSet<>();
        vidgateProperties(required);
        return required.stream().map(ManifestsTest::envName).collect(Collectors.toSet());
    }

    private static Set<String> vidgateProperties(Set<String> required) {
        Class<?> config;
        try {
            config = Class.forName("io.vidgate.config.VidgateConfig");
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
        Set<String> properties = new TreeSet<>();
        mappingProperties(config, config.getAnnotation(ConfigMapping.class).prefix(), properties, required);
        return properties;
    }

    private static void mappingProperties(Class<?> type, String prefix, Set<String> out, Set<String> required) {
        for (Method method : type.getMethods()) {
            if (method.isDefault() || Modifier.isStatic(method.getModifiers()) || method.getParameterCount() > 0) {
                continue;
            }
            WithName withName = method.getAnnotation(WithName.class);
            String name = withName != null ? withName.value() : kebab(method.getName());
            String property = method.isAnnotationPresent(WithParentName.class) ? prefix : prefix + "." + name;
            Class<?> returned = method.getReturnType();
            if (returned.isInterface() && returned.getName().startsWith("io.vidgate.")) {
                mappingProperties(returned, property, out, required);
                continue;
            }
            out.add(property);
            boolean optional = Set.of(Optional.class, OptionalInt.class, OptionalLong.class, OptionalDouble.class)
                    .contains(returned) || Collection.class.isAssignableFrom(returned) || Map.class.isAssignableFrom(returned);
            if (required != null && !optional && !method.isAnnotationPresent(WithDefault.class)) {
                required.add(property);
            }
        }
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    /** Runtime properties of the Quarkus extensions on the class path: the current ones, or the deprecated ones. */
    private static List<Pattern> quarkusRuntimeEnvNames(boolean deprecated) {
        List<Pattern> patterns = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        int models = 0;
        try {
            Enumeration<URL> resources = ManifestsTest.class.getClassLoader()
                    .getResources("META-INF/quarkus-config-doc/quarkus-config-model.json");
            while (resources.hasMoreElements()) {
                models++;
                try (InputStream in = resources.nextElement().openStream()) {
                    for (JsonNode root : json.readTree(in).path("configRoots")) {
                        collectRuntimeProperties(root.path("items"), deprecated, patterns);
                    }
                }
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        assertTrue(models > 5, "no Quarkus configuration models on the class path (found " + models + ")");
        assertTrue(deprecated
                        || patterns.stream().anyMatch(p -> p.matcher("QUARKUS_DATASOURCE_REACTIVE_URL").matches()),
                "the Quarkus configuration models were not read");
        return patterns;
    }

    private static void collectRuntimeProperties(JsonNode items, boolean deprecated, List<Pattern> out) {
        for (JsonNode item : items) {
            if (item.has("items")) {
                collectRuntimeProperties(item.path("items"), deprecated, out);
            } else if ("RUN_TIME".equals(item.path("phase").asText()) && item.has("deprecation") == deprecated) {
                out.add(envPattern(item.path("path").path("property").asText()));
                for (JsonNode additional : item.path("additionalPaths")) {
                    out.add(envPattern(additional.path("property").asText()));
                }
            }
        }
    }

    /** quarkus.log.category."categories".level -> QUARKUS_LOG_CATEGORY_[A-Z0-9_]+_LEVEL (a map key is free). */
    private static Pattern envPattern(String property) {
        StringBuilder regex = new StringBuilder();
        Matcher key = Pattern.compile("\"[^\"]*\"|\\[\\*]").matcher(property);
        int last = 0;
        while (key.find()) {
            regex.append(Pattern.quote(envName(property.substring(last, key.start())))).append("[A-Z0-9_]+");
            last = key.end();
        }
        regex.append(Pattern.quote(envName(property.substring(last))));
        return Pattern.compile(regex.toString());
    }

    // ---- manifests ----------------------------------------------------------------------------------------------

    private record Env(String literal, String source) {
    }

    /** The variables a container ends up with: envFrom first, env overriding (as the kubelet does). */
    private static Map<String, Env> effectiveEnv(String overlay, Map<String, Object> container) {
        Map<String, Env> env = new LinkedHashMap<>();
        for (Object f : list(container.get("envFrom"))) {
            Map<String, Object> from = map(f);
            String prefix = from.get("prefix") == null ? "" : String.valueOf(from.get("prefix"));
            Object configMap = at(from, "configMapRef", "name");
            if (configMap != null) {
                Map<String, Object> found = find(overlay, "ConfigMap", (String) configMap);
                assertNotNull(found, "envFrom ConfigMap " + configMap + " is not in the rendering");
                map(found.get("data")).forEach((k, v) ->
                        env.put(prefix + k, new Env(String.valueOf(v), "ConfigMap " + configMap)));
            }
            Object secret = at(from, "secretRef", "name");
            Map<String, Object> found = secret == null ? null : find(overlay, "Secret", (String) secret);
            if (found != null) {
                Map<String, Object> data = new LinkedHashMap<>(map(found.get("data")));
                data.putAll(map(found.get("stringData")));
                data.keySet().forEach(k -> env.put(prefix + k, new Env(null, "Secret " + secret)));
            }
        }
        for (Object e : list(container.get("env"))) {
            Map<String, Object> var = map(e);
            env.put(String.valueOf(var.get("name")), var.containsKey("value")
                    ? new Env(String.valueOf(var.get("value")), "env")
                    : new Env(null, "env valueFrom"));
        }
        return env;
    }

    private static List<Map<String, Object>> appDeployments(String overlay) {
        List<Map<String, Object>> deployments = ofKind(overlay, "Deployment").stream()
                .filter(d -> APP_DEPLOYMENTS.contains(name(d))).toList();
        assertEquals(APP_DEPLOYMENTS, deployments.stream().map(ManifestsTest::name).collect(Collectors.toSet()),
                "the app Deployments in k8s/overlays/" + overlay);
        return deployments;
    }

    private static Map<String, Object> appContainer(Map<String, Object> deployment) {
        List<Object> containers = list(at(podSpec(deployment), "containers"));
        assertEquals(1, containers.size(), name(deployment) + " runs one container");
        return map(containers.get(0));
    }

    private static Map<String, Object> podSpec(Map<String, Object> doc) {
        Object spec = switch (kind(doc)) {
            case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job" -> at(doc, "spec", "template", "spec");
            case "CronJob" -> at(doc, "spec", "jobTemplate", "spec", "template", "spec");
            case "Pod" -> at(doc, "spec");
            default -> null;
        };
        return spec == null ? null : map(spec);
    }

    private static Map<String, String> podLabels(Map<String, Object> doc) {
        Object labels = kind(doc).equals("CronJob") ? at(doc, "spec", "jobTemplate", "spec", "template", "metadata", "labels")
                : kind(doc).equals("Pod") ? at(doc, "metadata", "labels") : at(doc, "spec", "template", "metadata", "labels");
        Map<String, String> out = new LinkedHashMap<>();
        map(labels).forEach((k, v) -> out.put(k, String.valueOf(v)));
        return out;
    }

    private static List<Map<String, Object>> containers(Map<String, Object> podSpec) {
        if (podSpec == null) {
            return List.of();
        }
        return Stream.concat(list(podSpec.get("initContainers")).stream(), list(podSpec.get("containers")).stream())
                .map(ManifestsTest::map).toList();
    }

    private static int resolvePort(Map<String, Object> container, Object port) {
        if (port instanceof Number number) {
            return number.intValue();
        }
        return list(container.get("ports")).stream().map(ManifestsTest::map)
                .filter(p -> String.valueOf(port).equals(p.get("name")))
                .map(p -> ((Number) p.get("containerPort")).intValue())
                .findFirst()
                .orElseThrow(() -> new AssertionError("port " + port + " is not declared by " + container.get("name")));
    }

    private static boolean matches(Map<String, Object> selector, Map<String, String> labels) {
        return selector.entrySet().stream().allMatch(e -> String.valueOf(e.getValue()).equals(labels.get(e.getKey())));
    }

    private static List<Map<String, Object>> ofKind(String overlay, String kind) {
        return render(overlay).stream().filter(doc -> kind.equals(kind(doc))).toList();
    }

    private static Map<String, Object> find(String overlay, String kind, String name) {
        return ofKind(overlay, kind).stream().filter(doc -> Objects.equals(name, name(doc))).findFirst().orElse(null);
    }

    private static String kind(Map<String, Object> doc) {
        return String.valueOf(doc.get("kind"));
    }

    private static String name(Map<String, Object> doc) {
        return String.valueOf(at(doc, "metadata", "name"));
    }

    private static String repository(String image) {
        String withoutDigest = image.split("@", 2)[0];
        int colon = withoutDigest.lastIndexOf(':');
        return colon > withoutDigest.lastIndexOf('/') ? withoutDigest.substring(0, colon) : withoutDigest;
    }

    private static Duration duration(String value) {
        String v = value.trim();
        if (v.startsWith("P") || v.startsWith("p")) {
            return Duration.parse(v);
        }
        Matcher m = Pattern.compile("(\\d+)(ms|s|m|h|d)?").matcher(v);
        assertTrue(m.matches(), "cannot read duration " + value);
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2) == null ? "s" : m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofSeconds(n);
        };
    }

    // ---- YAML navigation ------------------------------------------------------------------------------------

    private static Object at(Object node, String... path) {
        Object current = node;
        for (String key : path) {
            if (!(current instanceof Map<?, ?> m)) {
                return null;
            }
            current = m.get(key);
        }
        return current;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object node) {
        return node instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object node) {
        return node instanceof List<?> l ? (List<Object>) l : List.of();
    }
}
