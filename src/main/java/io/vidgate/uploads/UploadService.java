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
    private final UploadClaims claims;
    private final UploadStorage storage;
    private final UploadSignature signature;
    private final DatabaseGuard database;
    private final Vertx vertx;
    private final VidgateConfig config;
    private final Clock clock;

    UploadService(UploadRepository uploads, UploadClaims claims, UploadStorage storage, UploadSignature signature,
                  DatabaseGuard database, Vertx vertx, VidgateConfig config) {
        this.uploads = uploads;
        this.claims = claims;
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

    /**
     * A result upload of the job (docs/api.md 4): owned by the job's account and tied to the job, created only while
     * {@code leaseToken} is the job's live lease; empty if it is not (or the job does not exist). The ticket is the
     * one of POST /v2/upload: the same signed PUT route takes the bytes.
     */
    public Uni<Optional<UploadTicket>> createForJob(UUID jobId, UUID leaseToken, String contentType) {
        UUID id = UUID.randomUUID();
        Instant now = clock.instant();
        long urlExpires = now.plus(config.uploads().urlTtl()).getEpochSecond();
        Instant expiresAt = now.plus(config.uploads().retention());
        return database.call(() -> uploads.insertForJob(id, jobId, leaseToken, contentType,
                        Instant.ofEpochSecond(urlExpires), expiresAt))
                .map(created -> created
                        ? Optional.of(new UploadTicket(uploadUrl(id, urlExpires), storageUri(id),
                                Times.format(Instant.ofEpochSecond(urlExpires)), Map.of("Content-Type", contentType),
                                Times.format(expiresAt), config.uploads().maxBytes()))
                        : Optional.empty());
    }

    /**
     * In-process equivalent of the signed PUT (for the simulator, which has the bytes in memory): the same claim,
     * the same storage writer in {@link UploadStorage#CHUNK_BYTES} pieces, the same "stored" mark with size and
     * SHA-256. A failure hands the claim back and drops what was written, as a failed PUT does.
     */
    public Uni<Void> store(UUID id, byte[] bytes) {
        return claims.claim(id).flatMap(contentType -> {
            UploadStorage.Writer writer = storage.writer(id, contentType, bytes.length);
            java.util.List<io.vertx.core.buffer.Buffer> chunks = new java.util.ArrayList<>();
            for (int from = 0; from < bytes.length; from += UploadStorage.CHUNK_BYTES) {
                int to = Math.min(bytes.length, from + UploadStorage.CHUNK_BYTES);
                chunks.add(io.vertx.core.buffer.Buffer.buffer(java.util.Arrays.copyOfRange(bytes, from, to)));
            }
            return io.smallrye.mutiny.Multi.createFrom().iterable(chunks)
                    .onItem().transformToUniAndConcatenate(writer::write)
                    .collect().last()
                    .flatMap(done -> writer.finish())
                    .flatMap(done -> claims.store(id, new UploadBody.Received(bytes.length, sha256(bytes)), contentType))
                    .replaceWithVoid()
                    .onFailure().call(failure -> writer.abort()
                            .onItemOrFailure().transformToUni((v, e) -> claims.release(id)));
        });
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * In the transaction that completes job {@code jobId} with {@code storageUri} (given in the request field
     * {@code field}): checks that it names a stored result upload of that job, and makes the upload expire
     * {@code retention} after the job ended. Anything else is a 400 naming the field (and the caller's transaction
     * rolls back).
     */
    public Uni<Void> keepAsResult(io.vertx.mutiny.sqlclient.SqlClient tx, String field, String storageUri, UUID jobId,
                                  java.time.Duration retention) {
        if (!isStorageUri(storageUri)) {
            return Uni.createFrom().failure(new Errors.InvalidRequest(
                    field + " must be an http or https URL or the storage_uri of a result upload of this job"));
        }
        UUID id = UUID.fromString(storageUri.substring(URI_PREFIX.length()));
        return uploads.keepAsResult(tx, id, jobId, retention.toSeconds()).flatMap(kept -> {
            if (kept) {
                return Uni.createFrom().voidItem();
            }
            return uploads.find(id).map(upload -> {
                if (upload != null && jobId.equals(upload.jobId())) {
                    throw new Errors.InvalidRequest(field + " refers to a result upload that has not been uploaded yet");
                }
                throw new Errors.InvalidRequest(field + " must be the storage_uri of a result upload of this job");
            });
        });
    }

    /** The stored, unexpired upload that holds the completed job's result; empty if there is none (any more). */
    public Uni<Optional<UploadRow>> resultOf(UUID jobId) {
        return database.call(() -> uploads.resultOf(jobId))
                .map(upload -> Optional.ofNullable(upload).filter(u -> u.stored() && !u.expired()));
    }

    /** The stored, unexpired result upload named by {@code storageUri} and tied to the job; empty if there is none. */
    public Uni<Optional<UploadRow>> resultUpload(String storageUri, UUID jobId) {
        if (!isStorageUri(storageUri)) {
            return Uni.createFrom().item(Optional.empty());
        }
        UUID id = UUID.fromString(storageUri.substring(URI_PREFIX.length()));
        return database.call(() -> uploads.find(id))
                .map(upload -> Optional.ofNullable(upload)
                        .filter(u -> jobId.equals(u.jobId()) && u.stored() && !u.expired()));
    }

    /** The bytes of a stored upload, in order, with back-pressure (never the whole file in memory). */
    public io.smallrye.mutiny.Multi<io.vertx.core.buffer.Buffer> bytes(UploadRow upload) {
        return storage.read(upload.id(), upload.size());
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
