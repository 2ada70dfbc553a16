/* Content sniffing: the kind and MIME type of a file from its magic numbers, the way a browser
 * or file(1) would decide, so an upload is typed by what it is and not by what it is called.
 * Anything unrecognised is a document: text/plain when its head is UTF-8 text, else
 * application/octet-stream. */
#include <string.h>

#include "blob/media.h"
#include "util/text.h"

static bool at(const unsigned char *p, size_t n, size_t off, const char *magic, size_t len)
{
    return n >= off + len && memcmp(p + off, magic, len) == 0;
}

#define IS(off, lit) at(p, n, (off), (lit), sizeof(lit) - 1)

static void set(blob_kind *k, const char *type, const char *mime, const char *ext)
{
    *k = (blob_kind){.type = type, .mime = mime, .ext = ext};
}

/* ISO base media (MP4, QuickTime, M4A, HEIF/AVIF): the brand after "ftyp". */
static bool iso_media(const unsigned char *p, size_t n, blob_kind *k)
{
    if (!IS(4, "ftyp") || n < 12) return false;
    const unsigned char *b = p + 8;
    if (!memcmp(b, "M4A ", 4) || !memcmp(b, "M4B ", 4))
        set(k, "audio", "audio/mp4", "m4a");
    else if (!memcmp(b, "qt  ", 4))
        set(k, "video", "video/quicktime", "mov");
    else if (!memcmp(b, "heic", 4) || !memcmp(b, "heix", 4) || !memcmp(b, "mif1", 4))
        set(k, "image", "image/heic", "heic");
    else if (!memcmp(b, "avif", 4))
        set(k, "image", "image/avif", "avif");
    else
        set(k, "video", "video/mp4", "mp4");
    return true;
}

/* An MPEG audio frame header: 11 sync bits, a valid version/layer and bitrate. */
static bool mp3_frame(const unsigned char *p, size_t n)
{
    return n >= 3 && p[0] == 0xff && (p[1] & 0xe0) == 0xe0 && (p[1] & 0x06) != 0 &&
           (p[2] & 0xf0) != 0xf0;
}

void blob_sniff(const unsigned char *p, size_t n, blob_kind *k)
{
    if (IS(0, "\x89PNG\r\n\x1a\n")) {
        set(k, "image", "image/png", "png");
        k->decodable = true;
    } else if (IS(0, "\xff\xd8\xff")) {
        set(k, "image", "image/jpeg", "jpg");
        k->decodable = true;
    } else if (IS(0, "GIF87a") || IS(0, "GIF89a")) {
        set(k, "image", "image/gif", "gif");
        k->decodable = true;
    } else if (IS(0, "RIFF") && IS(8, "WEBP")) {
        set(k, "image", "image/webp", "webp");
        k->decodable = true;
    } else if (IS(0, "BM") && n >= 26 && p[14] >= 12 && p[15] == 0) {
        set(k, "image", "image/bmp", "bmp");
    } else if (IS(0, "II*\0") || IS(0, "MM\0*")) {
        set(k, "image", "image/tiff", "tiff");
    } else if (iso_media(p, n, k)) {
        /* set */
    } else if (IS(0, "\x1a\x45\xdf\xa3")) {
        set(k, "video", "video/webm", "webm");
    } else if (IS(0, "RIFF") && IS(8, "AVI ")) {
        set(k, "video", "video/x-msvideo", "avi");
    } else if (IS(0, "\0\0\1\xba") || IS(0, "\0\0\1\xb3")) {
        set(k, "video", "video/mpeg", "mpg");
    } else if (IS(0, "RIFF") && IS(8, "WAVE")) {
        set(k, "audio", "audio/wav", "wav");
    } else if (IS(0, "fLaC")) {
        set(k, "audio", "audio/flac", "flac");
    } else if (IS(0, "OggS")) {
        bool video = memmem(p, n, "\x80theora", 7) != NULL;
        set(k, video ? "video" : "audio", video ? "video/ogg" : "audio/ogg", video ? "ogv" : "ogg");
    } else if (IS(0, "ID3") || mp3_frame(p, n)) {
        set(k, "audio", "audio/mpeg", "mp3");
    } else if (IS(0, "%PDF-")) {
        set(k, "document", "application/pdf", "pdf");
    } else if (IS(0, "PK\3\4")) {
        set(k, "document", "application/zip", "zip");
    } else if (n && !memchr(p, 0, n) && text_utf8_prefix_valid((const char *)p, n)) {
        set(k, "document", "text/plain", "txt");
    } else {
        set(k, "document", "application/octet-stream", "bin");
    }
}
