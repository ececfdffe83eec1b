package io.vidgate.testing;

import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of the tests that lease from the shared queue: each starts with no active job of any account (see
 * {@link Queue#drain}) and ends with the ledger conservation check.
 */
public abstract class QueueTest {

    @Inject
    protected Sweepers sweepers;

    @BeforeEach
    void emptyQueue() {
        Queue.drain(sweepers);
    }

    @AfterEach
    void ledgerIsConserved() {
        Ledger.assertConserved();
    }
}
