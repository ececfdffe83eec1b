package io.vidgate.http;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Types Jackson reads or writes by reflection that a native image would otherwise not know about: the response
 * records nested inside others or behind generic types (Page, Map), and what the webhook sender serializes itself.
 */
@RegisterForReflection(targets = {
        ErrorBody.class, ErrorBody.Detail.class, Page.class,
        io.vidgate.jobs.JobView.class, io.vidgate.jobs.JobView.Credits.class,
        io.vidgate.ledger.BalanceView.class, io.vidgate.ledger.LedgerEntryView.class,
        io.vidgate.pricing.CatalogView.class, io.vidgate.pricing.CatalogView.ModelView.class,
        io.vidgate.pricing.CatalogView.DurationRule.class, io.vidgate.pricing.EstimateView.class,
        io.vidgate.pricing.EstimateView.Balance.class,
        io.vidgate.accounts.AccountView.class, io.vidgate.accounts.AccountView.Balance.class,
        io.vidgate.keys.ApiKeyView.class,
        io.vidgate.workers.LeasedJob.class, io.vidgate.workers.LeasedJob.Lease.class,
        io.vidgate.workers.HeartbeatView.class, io.vidgate.uploads.UploadTicket.class,
        io.vidgate.webhooks.WebhookDeliveryView.class, io.vidgate.webhooks.WebhookDeliveryView.Attempt.class})
public final class NativeReflection {

    private NativeReflection() {
    }
}
