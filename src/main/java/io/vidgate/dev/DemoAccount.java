package io.vidgate.dev;

import io.agroal.api.AgroalDataSource;
import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.runtime.StartupEvent;
import io.vidgate.db.Migrations;
import io.vidgate.keys.KeyFormat;
import io.vidgate.crypto.Secrets;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;

/**
 * Dev mode only: on first start, a demo account with credits and a fixed dev API key; on every start, a
 * ready-to-paste curl that creates a job. Runs once at start, on the start-up thread, so plain JDBC is fine here.
 */
@IfBuildProfile("dev")
@ApplicationScoped
public class DemoAccount {

    static final UUID ID = UUID.fromString("00000000-0000-4000-8000-00000000de40");
    private static final Logger LOG = Logger.getLogger(DemoAccount.class);

    void seed(@Observes @Priority(Migrations.PRIORITY + 10) StartupEvent event, AgroalDataSource dataSource,
              @ConfigProperty(name = "vidgate-dev.demo-api-key") String apiKey,
              @ConfigProperty(name = "vidgate-dev.demo-credits") long credits,
              @ConfigProperty(name = "vidgate.admin-token") String adminToken,
              @ConfigProperty(name = "quarkus.http.port", defaultValue = "8080") int port) throws SQLException {
        if (!KeyFormat.looksLikeKey(apiKey)) {
            throw new IllegalStateException("vidgate-dev.demo-api-key must look like an API key (vg_ + 43 chars)");
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            if (createAccount(c, credits)) {
                addKey(c, apiKey);
                LOG.infof("created the demo account %s with %d credits", ID, credits);
            }
            c.commit();
        }
        LOG.infof("""

                vidgate dev mode is up. Admin token: %s
                Create a job with the demo account:

                curl -i -X POST http://localhost:%d/v2/text-to-video \\
                  -H 'Authorization: Bearer %s' \\
                  -H 'Content-Type: application/json' \\
                  -d '{"prompt": "A lighthouse at dusk, waves rolling in", "model": "ltx-2-3-pro", "duration": 8, "resolution": "1920x1080"}'
                """, adminToken, port, apiKey);
    }

    private static boolean createAccount(Connection c, long credits) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("""
                INSERT INTO accounts (id, name, concurrency_limit, rate_limit_per_minute, webhook_secret,
                                      available, credited)
                VALUES (?, 'demo', 4, 600, ?, ?, ?) ON CONFLICT (id) DO NOTHING""")) {
            insert.setObject(1, ID);
            insert.setString(2, "whsec_" + java.util.Base64.getEncoder().encodeToString(Secrets.randomBytes(32)));
            insert.setLong(3, credits);
            insert.setLong(4, credits);
            if (insert.executeUpdate() == 0) {
                return false;
            }
        }
        try (PreparedStatement grant = c.prepareStatement("""
                INSERT INTO ledger_entries (id, account_id, kind, amount, reserved_delta, charged_delta,
                                            available_after, reserved_after, description)
                VALUES (?, ?, 'grant', ?, 0, 0, ?, 0, 'Demo credits')""")) {
            grant.setObject(1, UUID.randomUUID());
            grant.setObject(2, ID);
            grant.setLong(3, credits);
            grant.setLong(4, credits);
            grant.executeUpdate();
        }
        return true;
    }

    private static void addKey(Connection c, String apiKey) throws SQLException {
        try (PreparedStatement key = c.prepareStatement("""
                INSERT INTO api_keys (id, account_id, name, prefix, key_hash) VALUES (?, ?, 'demo', ?, ?)
                ON CONFLICT (key_hash) DO NOTHING""")) {
            key.setObject(1, UUID.randomUUID());
            key.setObject(2, ID);
            key.setString(3, KeyFormat.visiblePrefix(apiKey));
            key.setBytes(4, Secrets.sha256(apiKey));
            key.executeUpdate();
        }
    }
}
