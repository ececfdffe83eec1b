package io.vidgate.ledger;

/**
 * The conservation invariant of docs/design.md as SQL, provable at any moment: every account's balance columns equal
 * the sums of its ledger, credited = available + reserved + charged, and active_jobs counts its active jobs.
 * The query lists the accounts where that does not hold; it must always be empty.
 */
public final class Conservation {

    public static final String ACCOUNTS_OUT_OF_BALANCE = """
            SELECT a.id FROM accounts a
              LEFT JOIN (SELECT account_id, sum(amount) AS available, sum(reserved_delta) AS reserved,
                                sum(charged_delta) AS charged,
                                sum(amount) FILTER (WHERE kind IN ('grant', 'adjustment')) AS credited
                           FROM ledger_entries GROUP BY account_id) l ON l.account_id = a.id
             WHERE a.available <> coalesce(l.available, 0) OR a.reserved <> coalesce(l.reserved, 0)
                OR a.charged <> coalesce(l.charged, 0) OR a.credited <> coalesce(l.credited, 0)
                OR a.credited <> a.available + a.reserved + a.charged
                OR a.active_jobs <> (SELECT count(*) FROM jobs j WHERE j.account_id = a.id
                                                        AND j.status IN ('pending', 'processing'))""";

    private Conservation() {
    }
}
