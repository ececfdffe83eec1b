-- Issue 8: audio-to-video, retake and extend jobs. They are priced per second of their media input (the audio,
-- the retaken window, the extension), which the jobs table already records in `duration`.
ALTER TABLE jobs DROP CONSTRAINT jobs_type_check;
ALTER TABLE jobs ADD CONSTRAINT jobs_type_check
    CHECK (type IN ('text-to-video', 'image-to-video', 'audio-to-video', 'retake', 'extend'));
