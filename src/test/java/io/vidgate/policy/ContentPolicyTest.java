package io.vidgate.policy;

import io.smallrye.config.WithDefault;
import io.vidgate.config.VidgateConfig;
import io.vidgate.http.ApiException;
import io.vidgate.http.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The content policy's matching rules (docs/api.md 6: case- and accent-insensitive, whole words), without Quarkus. */
class ContentPolicyTest {

    /** The built-in list, read from the configuration interface itself so the test follows its default. */
    private static final List<String> DEFAULT_TERMS = defaultTerms();

    private static final ContentPolicy DEFAULTS = policy(DEFAULT_TERMS.toArray(String[]::new));

    @Test
    void theBuiltInListHoldsTheDocumentedTerms() {
        assertEquals(List.of("beheading", "child abuse", "csam", "snuff film", "terrorist propaganda"), DEFAULT_TERMS);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "beheading",
            "A BEHEADING at dawn",
            "a Béhéading at dawn",
            "ｂｅｈｅａｄｉｎｇ",
            "scene: beheading!",
            "beheading.",
            "snuff film",
            "Snuff   FILM",
            "snuff-film",
            "snuff\n\tfilm",
            "snüff, fîlm",
            "some child abuse imagery",
            "CHILD_ABUSE",
            "csam",
            "CSAM content",
            "c s a m",
            "C.S.A.M",
            "c-s-a-m video",
            "terrorist... propaganda",
            "Terrorist Propaganda poster",
    })
    void blocksADefaultTermWhateverItsCaseAccentsOrSpacing(String prompt) {
        ApiException e = assertThrows(Errors.ContentFiltered.class, () -> DEFAULTS.check(prompt));
        assertEquals(422, e.status());
        assertEquals("content_filtered_error", e.type());
        assertEquals("Content is filtered due to policy restrictions", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "A lighthouse at dusk",
            "",
            "   ",
            "beheadings",
            "prebeheading",
            "snuff",
            "a film about snuff boxes",
            "film snuff",
            "snufffilm",
            "childabuse",
            "child protection against abuse",
            "csams",
            "c s",
            "cs am",
            "terrorist",
            "propaganda poster",
    })
    void allowsPromptsThatOnlyResembleATerm(String prompt) {
        assertDoesNotThrow(() -> DEFAULTS.check(prompt));
    }

    @Test
    void configuredTermsAreFoldedTheSameWayAsPrompts() {
        ContentPolicy policy = policy("  Béhéading  ", "Red-Wedding");
        assertThrows(Errors.ContentFiltered.class, () -> policy.check("a beheading"));
        assertThrows(Errors.ContentFiltered.class, () -> policy.check("the red wedding"));
        assertThrows(Errors.ContentFiltered.class, () -> policy.check("THE RED   WEDDING"));
        assertDoesNotThrow(() -> policy.check("a red dress at a wedding"));
        assertDoesNotThrow(() -> policy.check("snuff film"), "only the configured terms apply");
    }

    @Test
    void blankTermsBlockNothing() {
        ContentPolicy policy = policy("", "   ", "--");
        assertDoesNotThrow(() -> policy.check("anything at all"));
        assertDoesNotThrow(() -> policy.check(""));
        assertDoesNotThrow(() -> policy.check("-- --"));
    }

    @Test
    void anEmptyListBlocksNothing() {
        assertDoesNotThrow(() -> policy().check("beheading"));
    }

    @Test
    void wordsAreFoldedToLowerCaseWithoutAccents() {
        assertEquals(List.of("creme", "brulee", "a", "la", "francaise"), ContentPolicy.words("Crème-BRÛLÉE à la «Française»"));
        assertEquals(List.of("x2", "4k"), ContentPolicy.words("  X2!!4K  "));
        assertEquals(List.of(), ContentPolicy.words(" ,.- "));
    }

    @Test
    void runsOfThreeOrMoreSingleLettersAreJoined() {
        assertEquals(List.of("csam"), ContentPolicy.spelledOut(List.of("c", "s", "a", "m", "video")));
        assertEquals(List.of(), ContentPolicy.spelledOut(List.of("a", "b", "film")));
        assertEquals(List.of("abc"), ContentPolicy.spelledOut(List.of("an", "a", "b", "c", "xy")));
        assertEquals(List.of(), ContentPolicy.spelledOut(List.of()));
    }

    @Test
    void aSpelledOutTermNextToOtherSingleLettersIsStillFound() {
        assertThrows(Errors.ContentFiltered.class, () -> policy("csam").check("make a c s a m video"));
        assertThrows(Errors.ContentFiltered.class, () -> policy("csam").check("c s a m x"));
        assertDoesNotThrow(() -> policy("csam").check("a b c d e f"));
    }

    static ContentPolicy policy(String... terms) {
        VidgateConfig.ContentPolicy contentPolicy = stub(VidgateConfig.ContentPolicy.class,
                Map.of("blockedTerms", Arrays.asList(terms)));
        return new ContentPolicy(stub(VidgateConfig.class, Map.of("contentPolicy", contentPolicy)));
    }

    /** A config interface answering only the given methods; anything else the policy asked for would fail loudly. */
    private static <T> T stub(Class<T> type, Map<String, Object> answers) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (answers.containsKey(method.getName())) {
                return answers.get(method.getName());
            }
            return switch (method.getName()) {
                case "toString" -> type.getSimpleName() + answers;
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                default -> throw new UnsupportedOperationException(method.getName());
            };
        }));
    }

    private static List<String> defaultTerms() {
        try {
            String value = VidgateConfig.ContentPolicy.class.getMethod("blockedTerms")
                    .getAnnotation(WithDefault.class).value();
            return Arrays.stream(value.split(",")).map(String::trim).toList();
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
    }
}
