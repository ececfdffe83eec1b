package io.vidgate.policy;

import io.vidgate.config.VidgateConfig;
import io.vidgate.http.Errors;
import jakarta.enterprise.context.ApplicationScoped;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Refuses prompts that contain a blocked term (VIDGATE_CONTENT_POLICY_BLOCKED_TERMS) as a whole word or phrase,
 * whatever the case, the accents, and the spacing or punctuation between words: "Béheading" matches "beheading"
 * and "snuff   film" matches "snuff film", but "beheadings" does not (whole words). Letters spelled out one by
 * one ("c s a m") are matched too.
 */
@ApplicationScoped
public class ContentPolicy {

    private static final Pattern MARKS = Pattern.compile("\\p{M}+");
    private static final Pattern NON_WORD = Pattern.compile("[^\\p{L}\\p{N}]+");

    private final List<List<String>> blocked;

    ContentPolicy(VidgateConfig config) {
        List<List<String>> terms = new ArrayList<>();
        for (String term : config.contentPolicy().blockedTerms()) {
            List<String> words = words(term);
            if (!words.isEmpty()) {
                terms.add(words);
            }
        }
        this.blocked = List.copyOf(terms);
    }

    /** Passes a request without a prompt (some media jobs have none). */
    public void check(String prompt) {
        if (prompt == null) {
            return;
        }
        List<String> words = words(prompt);
        List<String> runs = spelledOut(words);
        for (List<String> term : blocked) {
            if (Collections.indexOfSubList(words, term) >= 0) {
                throw new Errors.ContentFiltered();
            }
            String compact = String.join("", term);
            if (runs.stream().anyMatch(run -> run.contains(compact))) {
                throw new Errors.ContentFiltered();
            }
        }
    }

    static List<String> words(String text) {
        String folded = MARKS.matcher(Normalizer.normalize(text, Normalizer.Form.NFKD)).replaceAll("")
                .toLowerCase(Locale.ROOT);
        List<String> words = new ArrayList<>();
        for (String word : NON_WORD.split(folded)) {
            if (!word.isEmpty()) {
                words.add(word);
            }
        }
        return words;
    }

    /**
     * Runs of three or more one-letter words, joined: "make a c s a m video" -> "acsam", which contains "csam".
     * A term is matched inside a run, since the words around a spelled-out term may be one letter long too.
     */
    static List<String> spelledOut(List<String> words) {
        List<String> runs = new ArrayList<>();
        StringBuilder run = new StringBuilder();
        for (String word : words) {
            if (word.length() == 1) {
                run.append(word);
                continue;
            }
            addRun(runs, run);
        }
        addRun(runs, run);
        return runs;
    }

    private static void addRun(List<String> runs, StringBuilder run) {
        if (run.length() >= 3) {
            runs.add(run.toString());
        }
        run.setLength(0);
    }
}
