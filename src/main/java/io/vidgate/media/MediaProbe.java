package io.vidgate.media;

import com.drew.imaging.jpeg.JpegMetadataReader;
import com.drew.imaging.png.PngMetadataReader;
import com.drew.imaging.webp.WebpMetadataReader;
import com.drew.metadata.Directory;
import com.drew.metadata.Metadata;
import com.drew.metadata.exif.ExifIFD0Directory;
import com.drew.metadata.jpeg.JpegDirectory;
import com.drew.metadata.png.PngDirectory;
import com.drew.metadata.webp.WebpDirectory;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vidgate.config.VidgateConfig;
import io.vidgate.http.Errors;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jaudiotagger.audio.generic.GenericAudioHeader;
import org.jaudiotagger.audio.mp3.MP3AudioHeader;
import org.jaudiotagger.audio.ogg.util.OggInfoReader;
import org.jaudiotagger.audio.wav.WavInfoReader;
import org.mp4parser.IsoFile;
import org.mp4parser.boxes.iso14496.part12.FileTypeBox;
import org.mp4parser.boxes.iso14496.part12.MediaHeaderBox;
import org.mp4parser.boxes.iso14496.part12.MovieBox;
import org.mp4parser.boxes.iso14496.part12.SampleSizeBox;
import org.mp4parser.boxes.iso14496.part12.TrackBox;
import org.mp4parser.boxes.iso14496.part12.TrackHeaderBox;
import org.mp4parser.support.Matrix;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;

/**
 * Reads what a price depends on (kind, size, duration, frames, fps) from a media file's own bytes. The format is
 * detected from the leading bytes, never from a name or a declared type; then a library reads the headers:
 * <ul>
 *   <li>PNG, JPEG, WebP: metadata-extractor (a JPEG's EXIF orientation 5..8 swaps width and height), PNG and
 *       WebP after {@link ChunkGuard} has checked their chunk sizes;</li>
 *   <li>MP4, MOV, M4A: isoparser (mp4parser), after {@link IsoTableGuard} has checked the declared table sizes;
 *       frames = the video track's sample count (stsz); duration = the track header's (it follows the edit
 *       list); a rotation of 90 or 270 degrees in the track matrix swaps width and height;</li>
 *   <li>MP3, WAV, Ogg Vorbis: jaudiotagger (WAV after {@link ChunkGuard});</li>
 *   <li>Ogg Opus and Matroska/WebM: the small bounded readers {@link OggOpusReader} and {@link MatroskaReader}.</li>
 * </ul>
 * Anything unreadable, of the wrong kind or implausible is a 400 naming the field. The work runs on a worker
 * thread and is bounded by {@code vidgate.media.probe-timeout}; files are bounded in size before they get here.
 * The time bound answers the client; a reader past it is not interrupted but finishes by itself, since every
 * reader's work is linear in the size-limited file and the guards keep declared sizes from driving allocations.
 */
@ApplicationScoped
public class MediaProbe {

    private static final int HEAD_BYTES = 64;

    private final Duration timeout;

    @Inject
    public MediaProbe(VidgateConfig config) {
        this(config.media().probeTimeout());
    }

    public MediaProbe(Duration timeout) {
        this.timeout = timeout;
    }

    public Uni<MediaInfo> probe(String field, Path file, MediaKind expected) {
        return Uni.createFrom().item(() -> read(field, file, expected))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .ifNoItem().after(timeout)
                .failWith(() -> new Errors.InvalidRequest(field + " could not be read in time"));
    }

    /** Blocking: reads the file on the calling thread. */
    public MediaInfo read(String field, Path file, MediaKind expected) {
        long size;
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            size = Files.size(file);
            head = in.readNBytes(HEAD_BYTES);
        } catch (IOException e) {
            throw unreadable(field, expected);
        }
        if (size == 0) {
            throw new Errors.InvalidRequest(field + " is empty");
        }
        Container container = Container.detect(head);
        if (container.kind != expected && !(container == Container.ISO && expected != MediaKind.IMAGE)) {
            throw wrongKind(field, expected);
        }
        MediaInfo info;
        try {
            info = switch (container) {
                case PNG, JPEG, WEBP -> readImage(file, container, size);
                case ISO -> readIso(field, file, size, expected);
                case MATROSKA -> {
                    MediaInfo video = MatroskaReader.read(file, size);
                    if (video == null) {
                        throw new Errors.InvalidRequest(field + " has no video track");
                    }
                    yield video;
                }
                case MP3 -> readMp3(file, size);
                case WAV -> readWav(file, size);
                case OGG -> readOgg(field, file, head, size);
                case UNKNOWN -> throw wrongKind(field, expected);
            };
        } catch (Errors.InvalidRequest e) {
            throw e;
        } catch (Exception | StackOverflowError | OutOfMemoryError e) {
            // Library readers fail in many ways on hostile input (their own exceptions, runtime exceptions, and
            // as a last resort an array too large for the VM for a declared count that no guard foresaw); each
            // means the same to a client: the file cannot be read.
            throw unreadable(field, expected);
        }
        return checkRanges(field, expected, info);
    }

    private static MediaInfo checkRanges(String field, MediaKind expected, MediaInfo info) {
        if (expected != MediaKind.AUDIO) {
            if (info.width() <= 0 || info.height() <= 0) {
                throw unreadable(field, expected);
            }
            if (info.width() > MediaLimits.MAX_DIMENSION || info.height() > MediaLimits.MAX_DIMENSION) {
                throw new Errors.InvalidRequest(field + " is larger than " + MediaLimits.MAX_DIMENSION
                        + " pixels on a side (" + info.width() + "x" + info.height() + ")");
            }
        }
        if (expected != MediaKind.IMAGE) {
            if (info.durationMillis() <= 0) {
                throw new Errors.InvalidRequest(field + " has no duration");
            }
            if (info.durationMillis() > MediaLimits.MAX_DURATION_MILLIS) {
                throw new Errors.InvalidRequest(field + " is longer than "
                        + MediaLimits.MAX_DURATION_MILLIS / 60_000 + " minutes");
            }
        }
        if (expected == MediaKind.VIDEO && (info.frames() <= 0 || !(info.fps() > 0))) {
            throw new Errors.InvalidRequest(field + " has no video frames");
        }
        return info;
    }

    private static MediaInfo readImage(Path file, Container container, long size) throws Exception {
        Metadata metadata;
        Class<? extends Directory> type;
        int widthTag;
        int heightTag;
        switch (container) {
            case PNG -> {
                ChunkGuard.checkPng(file);
                metadata = PngMetadataReader.readMetadata(file.toFile());
                type = PngDirectory.class;
                widthTag = PngDirectory.TAG_IMAGE_WIDTH;
                heightTag = PngDirectory.TAG_IMAGE_HEIGHT;
            }
            case JPEG -> {
                metadata = JpegMetadataReader.readMetadata(file.toFile());
                type = JpegDirectory.class;
                widthTag = JpegDirectory.TAG_IMAGE_WIDTH;
                heightTag = JpegDirectory.TAG_IMAGE_HEIGHT;
            }
            default -> {
                ChunkGuard.checkRiff(file);
                metadata = WebpMetadataReader.readMetadata(file.toFile());
                type = WebpDirectory.class;
                widthTag = WebpDirectory.TAG_IMAGE_WIDTH;
                heightTag = WebpDirectory.TAG_IMAGE_HEIGHT;
            }
        }
        Directory directory = metadata.getFirstDirectoryOfType(type);
        int width = directory.getInt(widthTag);
        int height = directory.getInt(heightTag);
        ExifIFD0Directory exif = metadata.getFirstDirectoryOfType(ExifIFD0Directory.class);
        if (exif != null && exif.containsTag(ExifIFD0Directory.TAG_ORIENTATION)
                && exif.getInt(ExifIFD0Directory.TAG_ORIENTATION) >= 5) {
            // EXIF orientations 5..8 are shown turned by a quarter: what the viewer sees is height x width.
            int swap = width;
            width = height;
            height = swap;
        }
        return new MediaInfo(MediaKind.IMAGE, container.format, size, width, height, 0, 0, 0);
    }

    private static MediaInfo readIso(String field, Path file, long size, MediaKind expected) throws IOException {
        IsoTableGuard.check(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
             IsoFile iso = new IsoFile(channel)) {
            MovieBox movie = iso.getMovieBox();
            if (movie == null) {
                throw unreadable(field, expected);
            }
            TrackBox video = track(movie, "vide");
            TrackBox sound = track(movie, "soun");
            List<FileTypeBox> ftyp = iso.getBoxes(FileTypeBox.class);
            String brand = ftyp.isEmpty() ? "qt  " : ftyp.get(0).getMajorBrand();
            if (expected == MediaKind.AUDIO) {
                if (video != null) {
                    throw new Errors.InvalidRequest(
                            field + " must be an audio file (wav, mp3, m4a or ogg), not a video");
                }
                if (sound == null) {
                    throw new Errors.InvalidRequest(field + " has no audio track");
                }
                return new MediaInfo(MediaKind.AUDIO, "m4a", size, 0, 0, millis(movie, sound), 0, 0);
            }
            if (video == null) {
                throw new Errors.InvalidRequest(field + " has no video track");
            }
            TrackHeaderBox header = video.getTrackHeaderBox();
            int width = (int) Math.round(header.getWidth());
            int height = (int) Math.round(header.getHeight());
            Matrix matrix = header.getMatrix();
            if (Matrix.ROTATE_90.equals(matrix) || Matrix.ROTATE_270.equals(matrix)) {
                int swap = width;
                width = height;
                height = swap;
            }
            SampleSizeBox samples = video.getSampleTableBox().getSampleSizeBox();
            long frames = samples == null ? 0 : samples.getSampleCount();
            long millis = millis(movie, video);
            double fps = millis > 0 ? frames * 1000.0 / millis : 0;
            String format = brand.startsWith("qt") ? "mov" : "mp4";
            return new MediaInfo(MediaKind.VIDEO, format, size, width, height, millis, frames, fps);
        }
    }

    private static TrackBox track(MovieBox movie, String handler) {
        for (TrackBox track : movie.getBoxes(TrackBox.class)) {
            if (track.getMediaBox() != null && track.getMediaBox().getHandlerBox() != null
                    && handler.equals(track.getMediaBox().getHandlerBox().getHandlerType())) {
                return track;
            }
        }
        return null;
    }

    /**
     * The track's presented duration: the track header's, which follows the edit list (so an AAC encoder's priming
     * samples are not counted, as players and ffprobe do not), else the media header's.
     */
    private static long millis(MovieBox movie, TrackBox track) {
        long movieScale = movie.getMovieHeaderBox().getTimescale();
        long presented = track.getTrackHeaderBox().getDuration();
        if (movieScale > 0 && presented > 0) {
            return Math.round(presented * 1000.0 / movieScale);
        }
        MediaHeaderBox header = track.getMediaBox().getMediaHeaderBox();
        if (header.getTimescale() <= 0) {
            return 0;
        }
        return Math.round(header.getDuration() * 1000.0 / header.getTimescale());
    }

    private static MediaInfo readMp3(Path file, long size) throws Exception {
        MP3AudioHeader header = new MP3AudioHeader(file.toFile());
        return audio("mp3", size, header.getPreciseTrackLength());
    }

    private static MediaInfo readWav(Path file, long size) throws Exception {
        ChunkGuard.checkRiff(file); // also refuses a streamed WAV whose data chunk claims 4 GB
        GenericAudioHeader header = new WavInfoReader(file.getFileName().toString()).read(file);
        return audio("wav", size, header.getPreciseTrackLength());
    }

    private static MediaInfo readOgg(String field, Path file, byte[] head, long size) throws Exception {
        if (OggOpusReader.isOpus(head)) {
            return audio("ogg", size, OggOpusReader.read(file) / 1000.0);
        }
        if (!OggOpusReader.isVorbis(head)) {
            throw new Errors.InvalidRequest(field + " must be Ogg Vorbis or Ogg Opus audio");
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            return audio("ogg", size, new OggInfoReader().read(raf).getPreciseTrackLength());
        }
    }

    private static MediaInfo audio(String format, long size, double seconds) {
        return new MediaInfo(MediaKind.AUDIO, format, size, 0, 0, Math.round(seconds * 1000), 0, 0);
    }

    private static Errors.InvalidRequest unreadable(String field, MediaKind expected) {
        return new Errors.InvalidRequest(field + switch (expected) {
            case IMAGE -> " is not a readable image";
            case AUDIO -> " is not a readable audio file";
            case VIDEO -> " is not a readable video";
        });
    }

    private static Errors.InvalidRequest wrongKind(String field, MediaKind expected) {
        return new Errors.InvalidRequest(field + switch (expected) {
            case IMAGE -> " must be an image (png, jpeg or webp)";
            case AUDIO -> " must be an audio file (wav, mp3, m4a or ogg)";
            case VIDEO -> " must be a video (mp4, mov or mkv)";
        });
    }

    /** Containers told apart by their leading bytes. */
    enum Container {
        PNG(MediaKind.IMAGE, "png"), JPEG(MediaKind.IMAGE, "jpeg"), WEBP(MediaKind.IMAGE, "webp"),
        ISO(MediaKind.VIDEO, "mp4"), MATROSKA(MediaKind.VIDEO, "mkv"),
        MP3(MediaKind.AUDIO, "mp3"), WAV(MediaKind.AUDIO, "wav"), OGG(MediaKind.AUDIO, "ogg"),
        UNKNOWN(null, "");

        final MediaKind kind;
        final String format;

        Container(MediaKind kind, String format) {
            this.kind = kind;
            this.format = format;
        }

        static Container detect(byte[] b) {
            if (starts(b, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
                return PNG;
            }
            if (starts(b, 0, 0xFF, 0xD8, 0xFF)) {
                return JPEG;
            }
            if (starts(b, 0, 'R', 'I', 'F', 'F') && starts(b, 8, 'W', 'E', 'B', 'P')) {
                return WEBP;
            }
            if (starts(b, 0, 'R', 'I', 'F', 'F') && starts(b, 8, 'W', 'A', 'V', 'E')) {
                return WAV;
            }
            if (starts(b, 0, 'O', 'g', 'g', 'S')) {
                return OGG;
            }
            if (starts(b, 0, 0x1A, 0x45, 0xDF, 0xA3)) {
                return MATROSKA;
            }
            // ISO base media files (MP4, MOV, M4A) begin with a box; old QuickTime files may skip the ftyp box.
            for (String type : new String[] {"ftyp", "moov", "mdat", "wide", "free", "skip"}) {
                if (starts(b, 4, type.charAt(0), type.charAt(1), type.charAt(2), type.charAt(3))) {
                    return ISO;
                }
            }
            if (starts(b, 0, 'I', 'D', '3')
                    || (b.length >= 2 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xE0) == 0xE0 && (b[1] & 0x06) != 0)) {
                return MP3; // an ID3v2 tag, or an MPEG audio frame sync with a layer (ADTS AAC has layer 0)
            }
            return UNKNOWN;
        }

        private static boolean starts(byte[] b, int offset, int... expected) {
            if (b.length < offset + expected.length) {
                return false;
            }
            for (int i = 0; i < expected.length; i++) {
                if ((b[offset + i] & 0xFF) != expected[i]) {
                    return false;
                }
            }
            return true;
        }
    }
}
