package io.vidgate.uploads;

import io.smallrye.mutiny.Uni;
import io.vertx.core.file.OpenOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vidgate.config.VidgateConfig;
import io.vidgate.db.DatabaseGuard;
import io.vidgate.http.Errors;
import io.vidgate.http.Times;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/** Signed uploads: creating them, and reading what was uploaded (for job creation and for workers). */
@ApplicationScoped
public class UploadService {

    public static final String URI_PREFIX = "vidgate://uploads/";
    private static final Pattern URI = Pattern.compile(
            Pattern.quote(URI_PREFIX) + "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private final UploadRepository uploads;
    private final UploadStorage storage;
    private final UploadSignature signature;
    private final DatabaseGuard database;
    private final Vertx vertx;
    private final VidgateConfig config;
    private final Clock clock;

    UploadService(UploadRepository uploads, UploadStorage storage, UploadSignature signature, DatabaseGuard database,
                  Vertx vertx, VidgateConfig config) {
        this.uploads = uploads;
        this.storage = storage;
        this.signature = signature;
        this.database = database;
        this.vertx = vertx;
        this.config = config;
        this.clock = Clock.systemUTC();
    }

    /**
     * Whether {@code uri} has the form of a storage_uri (vidgate://uploads/&lt;uuid&gt;, lowercase as issued, which
     * is also how the upload sweeper finds the jobs that still name it); says nothing of its upload.
     */
    public static boolean isStorageUri(String uri) {
        return uri != null && URI.matcher(uri).matches();
    }

    public static String storageUri(UUID id) {
        return URI_PREFIX + id;
    }

    /** A new upload of the account: its signed PUT URL and its storage_uri. */
    public Uni<UploadTicket> create(UUID accountId, String contentType) {
        UUID id = UUID.randomUUID();
        Instant now = clock.instant();
        long urlExpires = now.plus(config.uploads().urlTtl()).getEpochSecond();
        Instant expiresAt = now.plus(config.uploads().retention());
        return database.call(() -> uploads.insert(id, accountId, contentType, Instant.ofEpochSecond(urlExpires), expiresAt))
                .map(done -> new UploadTicket(
                        uploadUrl(id, urlExpires),
                        storageUri(id),
                        Times.format(Instant.ofEpochSecond(urlExpires)),
                        Map.of("Content-Type", contentType),
                        Times.format(expiresAt),
                        config.uploads().maxBytes()));
    }

    String uploadUrl(UUID id, long expires) {
        return config.publicUrl() + "/uploads/" + id + "?expires=" + expires + "&signature=" + signature.sign(id, expires);
    }

    /**
     * Copies the bytes behind {@code storageUri} (given in the request field {@code field}) into {@code target};
     * the number of bytes. A malformed URI, an unknown upload, one of another account, one not uploaded yet and an
     * expired one are each a 400 naming the field; more than {@code maxBytes} is a 413.
     */
    public Uni<Long> copyTo(String field, UUID accountId, String storageUri, Path target, long maxBytes) {
        if (!isStorageUri(storageUri)) {
            return Uni.createFrom().failure(new Errors.InvalidRequest(
                    field + " must be a storage_uri of the form " + URI_PREFIX + "<id>"));
        }
        UUID id = UUID.fromString(storageUri.substring(URI_PREFIX.length()));
        return database.call(() -> uploads.find(id))
                .map(upload -> usable(field, accountId, upload))
                .flatMap(upload -> {
                    if (upload.size() > maxBytes) {
                        return Uni.createFrom().failure(new Errors.TooLarge());
                    }
                    return write(upload, target);
                });
    }

    private static UploadRow usable(String field, UUID accountId, UploadRow upload) {
        if (upload == null || !upload.accountId().equals(accountId)) {
            throw new Errors.InvalidRequest(field + " refers to an upload that does not exist");
        }
        if (!upload.stored()) {
            throw new Errors.InvalidRequest(field + " refers to an upload that has not been uploaded yet");
        }
        if (upload.expired()) {
            throw new Errors.InvalidRequest(field + " refers to an upload that has expired");
        }
        return upload;
    }

    private Uni<Long> write(UploadRow upload, Path target) {
        AtomicLong written = new AtomicLong();
        OpenOptions options = new OpenOptions().setWrite(true).setCreate(true).setTruncateExisting(true);
        return vertx.fileSystem().open(target.toString(), options)
                .flatMap(file -> storage.read(upload.id(), upload.size())
                        .onItem().transformToUniAndConcatenate(chunk -> {
                            written.addAndGet(chunk.length());
                            return file.write(Buffer.newInstance(chunk));
                        })
                        .collect().last()
                        .eventually(file::close))
                .map(done -> {
                    if (written.get() != upload.size()) {
                        throw new IllegalStateException("upload " + upload.id() + " has " + written.get()
                                + " bytes stored, expected " + upload.size());
                    }
                    return written.get();
                });
    }

    /** A stored, unexpired upload for a worker to download; empty when there is none. */
    Uni<Optional<UploadRow>> forWorker(UUID id) {
        return database.call(() -> uploads.find(id))
                .map(upload -> Optional.ofNullable(upload).filter(UploadRow::stored));
    }

    UploadStorage storage() {
        return storage;
    }
}
