/* Audio/video checks with libavformat over bytes in memory (see av.h). The order matters:
 * the size before anything reads the bytes, the magic bytes before FFmpeg sees them, one
 * demuxer (never probing among all of FFmpeg's), no protocol and no external file (io_open
 * refuses everything: a MOV's data references, an HLS playlist's segments...), probing
 * bounded, only the accepted decoders allowed for find_stream_info. */
#include "media/av.h"

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
#include <libavutil/dict.h>
#include <libavutil/log.h>
#include <libavutil/mem.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define PROBE_BYTES (5 * 1024 * 1024)
#define ANALYZE_US (5 * AV_TIME_BASE)
#define IO_BUF 65536

typedef struct container {
	const char *code, *demuxer, *name;
	const char *audio_mime, *video_mime; /* NULL: not accepted for that kind */
	const char *audio_ext, *video_ext;
} container_t;

static const container_t containers[] = {
        {"mp3", "mp3", "MP3", "audio/mpeg", NULL, ".mp3", NULL},
        {"mp4", "mov", "MP4/M4A", "audio/mp4", "video/mp4", ".m4a", ".mp4"},
        {"mov", "mov", "MOV", "audio/mp4", "video/quicktime", ".m4a", ".mov"},
        {"3gp", "mov", "3GP", "audio/3gpp", "video/3gpp", ".3gp", ".3gp"},
        {"ogg", "ogg", "OGG", "audio/ogg", NULL, ".ogg", NULL},
        {"wav", "wav", "WAV", "audio/wav", NULL, ".wav", NULL},
        {"amr", "amr", "AMR", "audio/amr", NULL, ".amr", NULL},
        {"webm", "matroska", "WebM", "audio/webm", "video/webm", ".webm", ".webm"},
};

static const enum AVCodecID audio_codecs[] = {
        AV_CODEC_ID_MP3,       AV_CODEC_ID_AAC,       AV_CODEC_ID_OPUS,      AV_CODEC_ID_VORBIS,
        AV_CODEC_ID_AMR_NB,    AV_CODEC_ID_AMR_WB,    AV_CODEC_ID_PCM_S16LE, AV_CODEC_ID_PCM_U8,
        AV_CODEC_ID_PCM_S24LE, AV_CODEC_ID_PCM_F32LE,
};
static const enum AVCodecID video_codecs[] = {
        AV_CODEC_ID_H264, AV_CODEC_ID_HEVC, AV_CODEC_ID_MPEG4, AV_CODEC_ID_H263,
        AV_CODEC_ID_VP8,  AV_CODEC_ID_VP9,  AV_CODEC_ID_AV1,
};
static const enum AVCodecID picture_codecs[] = {AV_CODEC_ID_MJPEG, AV_CODEC_ID_PNG};

/* The decoders find_stream_info may open (by name, as the codec_whitelist option wants). */
#define DECODERS                                                                               \
	"mp3,mp3float,aac,aac_fixed,opus,libopus,vorbis,libvorbis,amrnb,amrwb,"                \
	"libopencore_amrnb,libopencore_amrwb,pcm_s16le,pcm_u8,pcm_s24le,pcm_f32le,"            \
	"h264,hevc,mpeg4,h263,vp8,vp9,libvpx,libvpx-vp9,av1,libdav1d,libaom-av1,mjpeg,png"

static int
in_list(const enum AVCodecID *v, size_t n, enum AVCodecID id)
{
	for (size_t k = 0; k < n; k++)
		if (v[k] == id)
			return 1;
	return 0;
}
#define IN(list, id) in_list(list, sizeof list / sizeof *list, id)

void
av_size_text(int64_t n, char *out, size_t outlen)
{
	const int64_t mb = 1024 * 1024;
	if (n >= 10 * mb)
		snprintf(out, outlen, "%lld MB", (long long)((n + mb / 2) / mb));
	else if (n >= mb) {
		int64_t t = (n * 10 + mb / 2) / mb;
		if (t % 10)
			snprintf(out, outlen, "%lld,%lld MB", (long long)(t / 10), (long long)(t % 10));
		else
			snprintf(out, outlen, "%lld MB", (long long)(t / 10));
	} else
		snprintf(out, outlen, "%lld KB", (long long)((n + 1023) / 1024));
}

/* "7.012 byte" */
static void
bytes_text(int64_t n, char *out, size_t outlen)
{
	char d[32];
	int l = snprintf(d, sizeof d, "%lld", (long long)n), k = 0;
	size_t o = 0;
	for (; k < l && o + 6 < outlen; k++) {
		if (k && (l - k) % 3 == 0)
			out[o++] = '.';
		out[o++] = d[k];
	}
	snprintf(out + o, outlen - o, " byte");
}

void
av_duration_text(int64_t s, char *out, size_t outlen)
{
	if (s < 0)
		s = 0;
	int64_t m = s / 60, r = s % 60;
	if (m && r)
		snprintf(out, outlen, "%lld phút %lld giây", (long long)m, (long long)r);
	else if (m)
		snprintf(out, outlen, "%lld phút", (long long)m);
	else
		snprintf(out, outlen, "%lld giây", (long long)r);
}

/* The container the magic bytes name, or NULL. */
static const container_t *
sniff(const unsigned char *d, size_t n)
{
	if (n >= 3 && !memcmp(d, "ID3", 3))
		return &containers[0];
	if (n >= 4 && d[0] == 0xFF && (d[1] & 0xE0) == 0xE0 && (d[1] & 0x18) != 0x08 &&
	    (d[1] & 0x06) != 0 && (d[2] & 0xF0) != 0xF0)
		return &containers[0]; /* an MPEG audio frame header (valid version, layer, rate) */
	if (n >= 12 && !memcmp(d + 4, "ftyp", 4)) {
		if (!memcmp(d + 8, "3gp", 3) || !memcmp(d + 8, "3g2", 3))
			return &containers[3];
		if (!memcmp(d + 8, "qt  ", 4))
			return &containers[2];
		return &containers[1];
	}
	if (n >= 4 && !memcmp(d, "OggS", 4))
		return &containers[4];
	if (n >= 12 && !memcmp(d, "RIFF", 4) && !memcmp(d + 8, "WAVE", 4))
		return &containers[5];
	if (n >= 6 && !memcmp(d, "#!AMR", 5))
		return &containers[6];
	if (n >= 4 && !memcmp(d, "\x1A\x45\xDF\xA3", 4)) {
		/* EBML: the DocType must be webm (a Matroska .mkv is not accepted) */
		size_t lim = n < 64 ? n : 64;
		for (size_t k = 4; k + 7 <= lim; k++) /* 42 82, a size byte, "webm" */
			if (d[k] == 0x42 && d[k + 1] == 0x82 && !memcmp(d + k + 3, "webm", 4))
				return &containers[7];
	}
	return NULL;
}

const char *
av_mime(const char *code, av_kind_t kind)
{
	for (size_t k = 0; k < sizeof containers / sizeof *containers; k++)
		if (code && !strcmp(containers[k].code, code))
			return kind == AV_VIDEO ? containers[k].video_mime : containers[k].audio_mime;
	return NULL;
}

/* ---------- reading from memory ---------- */

typedef struct mem_io {
	const unsigned char *data;
	size_t len, pos;
} mem_io_t;

static int
mem_read(void *opaque, uint8_t *buf, int size)
{
	mem_io_t *m = opaque;
	if (m->pos >= m->len)
		return AVERROR_EOF;
	size_t n = m->len - m->pos;
	if (size >= 0 && (size_t)size < n)
		n = (size_t)size;
	memcpy(buf, m->data + m->pos, n);
	m->pos += n;
	return (int)n;
}

static int64_t
mem_seek(void *opaque, int64_t off, int whence)
{
	mem_io_t *m = opaque;
	int64_t base;
	switch (whence & ~AVSEEK_FORCE) {
	case AVSEEK_SIZE: return (int64_t)m->len;
	case SEEK_SET: base = 0; break;
	case SEEK_CUR: base = (int64_t)m->pos; break;
	case SEEK_END: base = (int64_t)m->len; break;
	default: return AVERROR(EINVAL);
	}
	if (off > INT64_MAX - base || base + off < 0 || base + off > (int64_t)m->len)
		return AVERROR(EINVAL);
	m->pos = (size_t)(base + off);
	return (int64_t)m->pos;
}

/* No demuxer opens anything besides our bytes. */
static int
refuse_open(struct AVFormatContext *s, AVIOContext **pb, const char *url, int flags,
            AVDictionary **options)
{
	(void)s, (void)pb, (void)url, (void)flags, (void)options;
	return AVERROR(EPERM);
}

/* The largest single allocation libavutil may make for us. Without it FFmpeg allows up to
 * INT_MAX bytes, and a 7 KB WAV whose LIST chunk claims 2 GB had libavformat's WAV header
 * reader av_mallocz 1.6 GB, a size read from the file: 1.8 GB resident for one upload
 * (found by fuzz_av; seen with gdb on av_mallocz under avformat_open_input). Our biggest real
 * needs are the probe buffer (PROBE_BYTES) and a decoded 4K frame plane (~8 MB). */
#define AV_MAX_ALLOC (64u << 20)

static pthread_once_t setup_once = PTHREAD_ONCE_INIT;
static void
setup(void)
{
	/* FFmpeg's messages about a file are shaped by whoever uploaded it: not logged */
	av_log_set_level(AV_LOG_QUIET);
	av_max_alloc(AV_MAX_ALLOC);
}

/* ---------- the check ---------- */

#define FAIL(...)                                                                              \
	do {                                                                                   \
		snprintf(err, errlen, __VA_ARGS__);                                            \
		goto out;                                                                      \
	} while (0)

int
av_check(const void *data, size_t len, av_kind_t kind, int64_t max_bytes, int64_t max_seconds,
         av_info_t *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	const int video = kind == AV_VIDEO;
	const char *what = video ? "Tệp video" : "Tệp ghi âm";
	const char *valid = video ? "không phải là video hợp lệ" : "không phải là âm thanh hợp lệ";
	const char *accepted = video ? "MP4, MOV, 3GP hoặc WebM"
	                             : "MP3, M4A, OGG/Opus, WAV, AMR, 3GP hoặc WebM";
	int rc = -1;
	AVFormatContext *ic = NULL;
	AVIOContext *pb = NULL;
	AVDictionary *opts = NULL;
	AVPacket *pkt = NULL;
	char a[32], b[32];

	if (data == NULL || len == 0) {
		snprintf(err, errlen, "%s trống; hãy chọn lại tệp.", what);
		return -1;
	}
	if ((int64_t)len > max_bytes || len > (size_t)INT64_MAX) {
		av_size_text((int64_t)len, a, sizeof a);
		av_size_text(max_bytes, b, sizeof b);
		if (!strcmp(a, b)) { /* "7 KB, over 7 KB": say the bytes */
			bytes_text((int64_t)len, a, sizeof a);
			bytes_text(max_bytes, b, sizeof b);
		}
		snprintf(err, errlen, "Tệp %s, quá giới hạn %s của cuộc thi; hãy gửi tệp nhỏ hơn.",
		         a, b);
		return -1;
	}
	const container_t *c = sniff(data, len);
	const char *mime = c ? (video ? c->video_mime : c->audio_mime) : NULL;
	if (mime == NULL) {
		snprintf(err, errlen, "%s %s (định dạng không nhận ra); hãy gửi %s.", what, valid,
		         accepted);
		return -1;
	}
	pthread_once(&setup_once, setup);
	const AVInputFormat *fmt = av_find_input_format(c->demuxer);
	mem_io_t m = {data, len, 0};
	unsigned char *iobuf = av_malloc(IO_BUF);
	ic = avformat_alloc_context();
	if (fmt == NULL || iobuf == NULL || ic == NULL) {
		av_free(iobuf);
		FAIL("Máy chủ chưa kiểm tra được tệp; hãy thử lại sau ít phút.");
	}
	pb = avio_alloc_context(iobuf, IO_BUF, 0, &m, mem_read, NULL, mem_seek);
	if (pb == NULL) {
		av_free(iobuf);
		FAIL("Máy chủ chưa kiểm tra được tệp; hãy thử lại sau ít phút.");
	}
	ic->pb = pb;
	ic->flags |= AVFMT_FLAG_CUSTOM_IO;
	ic->io_open = refuse_open;
	ic->probesize = PROBE_BYTES;
	ic->max_analyze_duration = ANALYZE_US;
	av_dict_set(&opts, "format_whitelist", c->demuxer, 0);
	av_dict_set(&opts, "protocol_whitelist", "none", 0);
	av_dict_set(&opts, "codec_whitelist", DECODERS, 0);
	av_dict_set(&opts, "max_streams", "16", 0);
	av_dict_set(&opts, "enable_drefs", "0", 0);
	/* on failure avformat_open_input frees ic (not the custom pb) and sets it to NULL */
	if (avformat_open_input(&ic, NULL, fmt, &opts) < 0)
		FAIL("%s %s (định dạng %s nhưng nội dung hỏng hoặc không đầy đủ); hãy ghi lại hoặc "
		     "chọn tệp khác.",
		     what, valid, c->name);
	if (avformat_find_stream_info(ic, NULL) < 0)
		FAIL("%s %s (định dạng %s, không đọc được các luồng dữ liệu); hãy ghi lại hoặc "
		     "chọn tệp khác.",
		     what, valid, c->name);

	int main_stream = -1, has_audio = 0, has_video = 0;
	for (unsigned k = 0; k < ic->nb_streams; k++) {
		const AVStream *s = ic->streams[k];
		const AVCodecParameters *p = s->codecpar;
		const char *cn = avcodec_get_name(p->codec_id);
		if (p->codec_type == AVMEDIA_TYPE_AUDIO) {
			if (!IN(audio_codecs, p->codec_id))
				FAIL("%s có âm thanh mã hóa %s, chưa được nhận; hãy gửi %s.", what, cn,
				     accepted);
			has_audio = 1;
			if (!video && main_stream < 0)
				main_stream = (int)k;
		} else if (p->codec_type == AVMEDIA_TYPE_VIDEO &&
		           (s->disposition & AV_DISPOSITION_ATTACHED_PIC)) {
			if (!IN(picture_codecs, p->codec_id))
				FAIL("%s có ảnh bìa mã hóa %s, chưa được nhận; hãy gửi tệp không có ảnh "
				     "bìa.",
				     what, cn);
		} else if (p->codec_type == AVMEDIA_TYPE_VIDEO) {
			if (!video)
				FAIL("Tệp ghi âm có hình (là video); hãy gửi vào mục video, hoặc chỉ gửi "
				     "phần âm thanh.");
			if (!IN(video_codecs, p->codec_id))
				FAIL("Tệp video mã hóa hình %s, chưa được nhận; hãy gửi video H.264, "
				     "HEVC, MPEG-4, H.263, VP8, VP9 hoặc AV1 (video của điện thoại).",
				     cn);
			has_video = 1;
			if (main_stream < 0) {
				main_stream = (int)k;
				out->width = p->width;
				out->height = p->height;
			}
		} else if (p->codec_type != AVMEDIA_TYPE_DATA) {
			/* subtitles, attachments: not in a phone's recording */
			FAIL("%s có luồng dữ liệu không được nhận (%s); hãy gửi bản ghi gốc của "
			     "điện thoại.",
			     what, av_get_media_type_string(p->codec_type) ? av_get_media_type_string(p->codec_type) : "?");
		}
		size_t cl = strlen(out->codecs);
		if ((p->codec_type == AVMEDIA_TYPE_AUDIO || p->codec_type == AVMEDIA_TYPE_VIDEO) &&
		    !(s->disposition & AV_DISPOSITION_ATTACHED_PIC) && cl + strlen(cn) + 2 < sizeof out->codecs &&
		    !strstr(out->codecs, cn))
			snprintf(out->codecs + cl, sizeof out->codecs - cl, "%s%s", cl ? "+" : "", cn);
	}
	if (main_stream < 0)
		FAIL("%s %s (định dạng %s nhưng không có %s); hãy ghi lại hoặc chọn tệp khác.", what,
		     valid, c->name, video ? "hình" : "âm thanh");
	(void)has_audio, (void)has_video;

	/* Demux (never decode) the packets: the main stream must have some, and their
	 * timestamps give the duration when the header has none or only a bit-rate guess. */
	pkt = av_packet_alloc();
	if (pkt == NULL)
		FAIL("Máy chủ chưa kiểm tra được tệp; hãy thử lại sau ít phút.");
	int64_t end_ms = 0, main_packets = 0, packets = 0;
	int r;
	while (packets < AV_MAX_PACKETS && (r = av_read_frame(ic, pkt)) >= 0) {
		packets++;
		const AVStream *s = ic->streams[pkt->stream_index];
		int64_t ts = pkt->pts != AV_NOPTS_VALUE ? pkt->pts : pkt->dts;
		if (pkt->stream_index == main_stream)
			main_packets++;
		if (ts != AV_NOPTS_VALUE && !(s->disposition & AV_DISPOSITION_ATTACHED_PIC)) {
			int64_t st = s->start_time != AV_NOPTS_VALUE ? s->start_time : 0;
			int64_t e = av_rescale_q(ts - st + (pkt->duration > 0 ? pkt->duration : 0),
			                         s->time_base, (AVRational){1, 1000});
			if (e > end_ms)
				end_ms = e;
		}
		av_packet_unref(pkt);
	}
	if (main_packets == 0)
		FAIL("%s %s (định dạng %s nhưng không có dữ liệu %s); hãy ghi lại hoặc chọn tệp "
		     "khác.",
		     what, valid, c->name, video ? "hình" : "âm thanh");
	int64_t ms = -1;
	if (ic->duration > 0 && ic->duration != AV_NOPTS_VALUE &&
	    ic->duration_estimation_method != AVFMT_DURATION_FROM_BITRATE)
		ms = ic->duration / (AV_TIME_BASE / 1000);
	if (end_ms > ms)
		ms = end_ms; /* a header must not claim less than the packets hold */
	if (ms <= 0)
		FAIL("Không xác định được thời lượng của %s; hãy ghi lại bằng ứng dụng ghi %s của "
		     "điện thoại.",
		     video ? "video" : "bản ghi âm", video ? "hình" : "âm");
	/* whole seconds, as a person reads them: an encoder's few ms of padding do not count */
	if ((ms + 500) / 1000 > max_seconds) {
		av_duration_text((ms + 500) / 1000, a, sizeof a);
		av_duration_text(max_seconds, b, sizeof b);
		FAIL("%s dài %s, quá giới hạn %s của cuộc thi; hãy cắt ngắn lại.",
		     video ? "Video" : "Bản ghi âm", a, b);
	}
	out->container = c->code;
	out->mime = mime;
	out->ext = video ? c->video_ext : c->audio_ext;
	out->duration_ms = ms;
	rc = 0;
out:
	av_packet_free(&pkt);
	av_dict_free(&opts);
	avformat_close_input(&ic);
	if (pb) {
		av_freep(&pb->buffer);
		avio_context_free(&pb);
	}
	return rc;
}
