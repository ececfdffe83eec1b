#!/usr/bin/env bash
# Regenerates the media fixtures of the Media*Test classes (needs ffmpeg with libx264, libvpx, libmp3lame,
# libvorbis, libopus and libwebp: `apt-get install -y ffmpeg`). CI does not run this: the files are committed.
# Every file is a few KB: flat colours and tones at the lowest bitrates, so only the headers matter.
set -euo pipefail
cd "$(dirname "$0")"
ff() { ffmpeg -hide_banner -loglevel error -y "$@"; }
x264=(-c:v libx264 -preset ultrafast -crf 51 -pix_fmt yuv420p)

# Video: 16:9 with an audio track, 9:16, under 73 frames, 3840x2160, over 3840x2160, MOV, MKV, WebM.
ff -f lavfi -i color=c=blue:s=320x180:r=24:d=4 -f lavfi -i sine=frequency=440:sample_rate=8000:duration=4 \
   "${x264[@]}" -c:a aac -b:a 8k -shortest video-landscape.mp4
ff -f lavfi -i color=c=red:s=180x320:r=25:d=3 "${x264[@]}" video-portrait.mp4
ff -f lavfi -i color=c=green:s=320x180:r=24:d=2 "${x264[@]}" video-short.mp4
ff -f lavfi -i color=c=black:s=3840x2160:r=24:d=1 "${x264[@]}" video-2160p.mp4
ff -f lavfi -i color=c=black:s=4096x2304:r=24:d=1 "${x264[@]}" video-over-2160p.mp4
ff -f lavfi -i color=c=gray:s=320x180:r=30:d=3 "${x264[@]}" video.mov
ff -f lavfi -i color=c=yellow:s=320x180:r=24:d=4 "${x264[@]}" video.mkv
ff -f lavfi -i color=c=white:s=180x320:r=25:d=3 -c:v libvpx -b:v 20k video.webm
# A phone-style recording: 320x180 stored, shown turned by 90 degrees (ffmpeg 5; ffmpeg 6+: -display_rotation 90
# before -i).
ff -i video-short.mp4 -c copy -metadata:s:v:0 rotate=90 video-rotated.mp4
# An MP4 and a WebM that hold only sound: not videos.
ff -f lavfi -i sine=frequency=440:sample_rate=8000:duration=3 -c:a aac -b:a 8k -f mp4 audio-only.mp4
ff -f lavfi -i sine=frequency=440:sample_rate=48000:duration=2 -c:a libopus -b:a 6k audio-only.webm

# Audio: about 1, 3 and 25 s.
for d in 1 3 25; do
  ff -f lavfi -i sine=frequency=440:sample_rate=8000:duration=$d -c:a libmp3lame -b:a 8k audio-${d}s.mp3
  ff -f lavfi -i sine=frequency=440:sample_rate=8000:duration=$d -c:a aac -b:a 8k audio-${d}s.m4a
  ff -f lavfi -i sine=frequency=440:sample_rate=48000:duration=$d -c:a libopus -b:a 6k audio-${d}s.opus.ogg
  ff -f lavfi -i sine=frequency=440:sample_rate=8000:duration=$d -c:a libvorbis -q:a 0 audio-${d}s.vorbis.ogg
done
for d in 1 3; do
  ff -f lavfi -i sine=frequency=440:sample_rate=8000:duration=$d -c:a pcm_u8 audio-${d}s.wav
done

# Images: landscape and portrait of each format.
for s in 64x36 36x64; do
  name=$([ "$s" = 64x36 ] && echo landscape || echo portrait)
  ff -f lavfi -i color=c=blue:s=$s -frames:v 1 image-$name.png
  ff -f lavfi -i color=c=blue:s=$s -frames:v 1 image-$name.jpg
  ff -f lavfi -i color=c=blue:s=$s -frames:v 1 -c:v libwebp image-$name.webp
done

# Broken files: a text file and an MP4 cut after 1 KB (its index is gone).
printf 'this is not media\n' > not-media.txt
head -c 1024 video-portrait.mp4 > video-truncated.mp4
ls -l
