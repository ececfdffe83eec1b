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
 * whatever the case, the accents, and the spacing or punctuation between words (so "Beheading", "béheading" and
 * "snuff   film" match "snuff film", while "beheadings-free" words that merely contain a term do not). Letters
 * spelled out one by one ("c s a m") are joined before matching.
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

    public void check(String prompt) {
        List<String> words = joinSpelledOut(words(prompt));
        for (List<String> term : blocked) {
            if (Collections.indexOfSubList(words, term) >= 0) {
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

    /** "c s a m" -> "csam": a run of three or more one-letter words is read as one word. */
    static List<String> joinSpelledOut(List<String> words) {
        List<String> out = new ArrayList<>(words.size());
        StringBuilder run = new StringBuilder();
        int runLength = 0;
        for (String word : words) {
            if (word.length() == 1) {
                run.append(word);
                runLength++;
                continue;
            }
            flush(out, run, runLength);
            runLength = 0;
            out.add(word);
        }
        flush(out, run, runLength);
        return out;
    }

    private static void flush(List<String> out, StringBuilder run, int runLength) {
        if (runLength >= 3) {
            out.add(run.toString());
        } else {
            run.chars().forEach(c -> out.add(String.valueOf((char) c)));
        }
        run.setLength(0);
    }
}
