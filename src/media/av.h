/* Audio and video entries (contest entries, docs/contests.md): untrusted bytes from phones,
 * checked by container and codec with FFmpeg's libavformat and stored as received. Nothing
 * is transcoded, nothing is decoded beyond what avformat_find_stream_info needs to fill in
 * the streams' parameters, and FFmpeg never opens a path or URL: it reads our bytes through
 * a custom AVIOContext, with one demuxer chosen from the sniffed magic bytes. */
#ifndef SUOTDOI_MEDIA_AV_H
#define SUOTDOI_MEDIA_AV_H

#include <stddef.h>
#include <stdint.h>

typedef enum av_kind {
	AV_AUDIO = 1, /* an audio stream, no video except an attached picture (cover art) */
	AV_VIDEO = 2, /* a video stream, audio optional */
} av_kind_t;

/* Defaults of a contest (its own caps may be smaller, never larger: the routes' body caps
 * are set from the largest, src/app/app.c). */
#define AV_AUDIO_MAX_BYTES (20 * 1024 * 1024)
#define AV_VIDEO_MAX_BYTES (100 * 1024 * 1024)
#define AV_AUDIO_MAX_SECONDS (10 * 60)
#define AV_VIDEO_MAX_SECONDS (5 * 60)
#define AV_MAX_PACKETS 2000000 /* demuxed packets looked at, at most (not decoded) */

typedef struct av_info {
	const char *container; /* "mp3", "mp4", "3gp", "ogg", "wav", "amr", "webm" */
	const char *mime;      /* what the file is served as: "audio/mpeg", "video/mp4"... */
	const char *ext;       /* ".mp3" */
	char codecs[64];       /* "h264+aac", "opus" */
	int64_t duration_ms;
	int width, height; /* of the video stream, 0 for audio */
} av_info_t;

/* Check data[0..len) as an entry of kind: len <= max_bytes first (before anything looks at
 * the bytes), then the magic bytes name a container we accept (the demuxer is chosen from
 * them, never probed), libavformat opens it from memory with that demuxer only, no
 * protocol, bounded probing; the streams are the kind's (see av_kind_t), their codecs in the
 * allowed lists, the duration known (from the header, else from the demuxed packets'
 * timestamps) and <= max_seconds. 0 with *out filled, or -1 with a Vietnamese sentence in
 * err naming the reason ("Tệp ghi âm không phải là âm thanh hợp lệ (...)", "Video dài
 * 7 phút 12 giây, quá giới hạn 5 phút của cuộc thi.", "Tệp 130 MB, quá giới hạn 100 MB
 * của cuộc thi."). Thread-safe; safe on any input. */
int av_check(const void *data, size_t len, av_kind_t kind, int64_t max_bytes,
             int64_t max_seconds, av_info_t *out /* OUT */, char *err, size_t errlen);

/* "130 MB", "2,5 MB", "700 KB" (Vietnamese decimal comma) into out. */
void av_size_text(int64_t bytes, char *out, size_t outlen);
/* "7 phút 12 giây", "45 giây", "5 phút" into out. */
void av_duration_text(int64_t seconds, char *out, size_t outlen);
/* The mime of a stored entry from its container and kind (NULL when unknown): the type a
 * file is served back with. */
const char *av_mime(const char *container, av_kind_t kind);

#endif
