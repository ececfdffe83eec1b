package io.vidgate.http;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;
import java.util.function.Function;

/** A page of a list endpoint: {"data": [...], "has_more": bool, "next_cursor": id|null}. */
@RegisterForReflection
public record Page<T>(List<T> data, boolean hasMore, String nextCursor) {

    /** Builds a page from up to limit + 1 items: the extra one only tells that there is more. */
    public static <T> Page<T> of(List<T> fetched, int limit, Function<T, String> cursorOf) {
        boolean more = fetched.size() > limit;
        List<T> data = more ? fetched.subList(0, limit) : fetched;
        return new Page<>(List.copyOf(data), more, more ? cursorOf.apply(data.get(data.size() - 1)) : null);
    }
}
