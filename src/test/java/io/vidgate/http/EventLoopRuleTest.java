package io.vidgate.http;

import io.smallrye.common.annotation.Blocking;
import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * docs/design.md's reactive rule, checked over every resource method: Quarkus REST moves a method that returns a plain
 * object to a worker thread, a hop that cost GET /v2/balance about a third of its throughput on the benchmark. So a
 * resource method either returns Uni/Multi/CompletionStage, or says where it runs (@NonBlocking, or @Blocking when
 * it really blocks).
 */
class EventLoopRuleTest {

    @Test
    void everyResourceMethodRunsOnTheEventLoopOrSaysWhyNot() throws Exception {
        List<String> offenders = new ArrayList<>();
        int checked = 0;
        for (Class<?> type : mainClasses()) {
            for (Method method : type.getDeclaredMethods()) {
                if (!isResourceMethod(method)) {
                    continue;
                }
                checked++;
                if (!isReactive(method.getReturnType()) && !method.isAnnotationPresent(NonBlocking.class)
                        && !method.isAnnotationPresent(Blocking.class)
                        && !type.isAnnotationPresent(NonBlocking.class) && !type.isAnnotationPresent(Blocking.class)) {
                    offenders.add(type.getSimpleName() + "." + method.getName());
                }
            }
        }
        assertFalse(checked < 20, "found only " + checked + " resource methods: the scan is broken");
        assertEquals(List.of(), offenders, "resource methods that would run on a worker thread");
    }

    private static boolean isResourceMethod(Method method) {
        return Stream.of(GET.class, POST.class, PUT.class, PATCH.class, DELETE.class)
                .anyMatch(method::isAnnotationPresent);
    }

    private static boolean isReactive(Class<?> returnType) {
        return Uni.class.isAssignableFrom(returnType) || Multi.class.isAssignableFrom(returnType)
                || CompletionStage.class.isAssignableFrom(returnType);
    }

    /** Every class of the main source tree (where Errors was loaded from). */
    private static List<Class<?>> mainClasses() throws IOException, URISyntaxException, ClassNotFoundException {
        Path root = Path.of(Errors.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Class<?>> classes = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = root.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                classes.add(Class.forName(name, false, EventLoopRuleTest.class.getClassLoader()));
            }
        }
        return classes;
    }
}
