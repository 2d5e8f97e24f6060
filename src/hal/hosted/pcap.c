/* pcap.c - the pcap-file wire.  See pcap.h. */
#include "pcap.h"
#include "../../util/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

struct pcap_wire {
	struct vnet_wire w;
	FILE *out;
	uint8_t *in;          /* the whole input file, checked; NULL: none */
	size_t inlen, inpos;
	int swapped;          /* input written on a host of the other order */
	uint64_t written, max;   /* bytes in out, its limit (0: none) */
	char *path;
};

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static uint32_t get32(const uint8_t *p, int swapped)
{
	uint32_t le = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	              (uint32_t)p[3] << 24;
	uint32_t be = (uint32_t)p[3] | (uint32_t)p[2] << 8 | (uint32_t)p[1] << 16 |
	              (uint32_t)p[0] << 24;
	return swapped ? be : le;
}

static int pcap_send(struct vnet_wire *w, const uint8_t *frame, size_t len)
{
	struct pcap_wire *p = (struct pcap_wire *)w;
	struct timeval tv;
	uint8_t rec[PCAP_REC_HDR];
	if (p->max && p->written + sizeof rec + len > p->max) {
		if (p->written <= p->max) {   /* once: then the frames just go */
			fprintf(stderr, "sing: %s reached its size limit (%llu bytes): later frames are "
			        "not written (pcap:FILE,max=SIZE sets it; 0 is no limit)\n", p->path,
			        (unsigned long long)p->max);
			p->written = p->max + 1;
		}
		return 0;
	}
	p->written += sizeof rec + len;
	gettimeofday(&tv, NULL);
	put32(rec, (uint32_t)tv.tv_sec);
	put32(rec + 4, (uint32_t)tv.tv_usec);
	put32(rec + 8, (uint32_t)len);
	put32(rec + 12, (uint32_t)len);
	if (fwrite(rec, sizeof rec, 1, p->out) != 1 || fwrite(frame, 1, len, p->out) != len ||
	    fflush(p->out) != 0)
		return -1;
	return 0;
}

static int pcap_poll(struct vnet_wire *w, uint8_t *buf, size_t cap)
{
	struct pcap_wire *p = (struct pcap_wire *)w;
	while (p->in && p->inpos < p->inlen) {
		uint32_t n = get32(p->in + p->inpos + 8, p->swapped);
		const uint8_t *f = p->in + p->inpos + PCAP_REC_HDR;
		p->inpos += PCAP_REC_HDR + (size_t)n;      /* checked at open */
		if (n <= cap) {
			memcpy(buf, f, n);
			return (int)n;
		}
	}
	return 0;
}

static void pcap_close(struct vnet_wire *w)
{
	struct pcap_wire *p = (struct pcap_wire *)w;
	if (p->out)
		fclose(p->out);
	free(p->in);
	free(p->path);
	free(p);
}

static const struct vnet_wire_ops pcap_ops = {"pcap", pcap_send, pcap_poll, pcap_close};

/* Check the whole input: header, Ethernet, every record inside the file. */
static int check_input(struct pcap_wire *p, const char *path, char *err, size_t errlen)
{
	if (p->inlen < PCAP_FILE_HDR) {
		snprintf(err, errlen, "%s: truncated pcap header", path);
		return -1;
	}
	uint32_t magic = get32(p->in, 0);
	p->swapped = magic == 0xd4c3b2a1u || magic == 0x4d3cb2a1u;
	magic = get32(p->in, p->swapped);
	if (magic != PCAP_MAGIC_USEC && magic != PCAP_MAGIC_NSEC) {
		snprintf(err, errlen, "%s: not a pcap file (bad magic)", path);
		return -1;
	}
	if ((get32(p->in + 20, p->swapped) & 0xffff) != PCAP_LINKTYPE_ETHERNET) {
		snprintf(err, errlen, "%s: link type is not Ethernet", path);
		return -1;
	}
	for (size_t at = PCAP_FILE_HDR; at < p->inlen;) {
		if (p->inlen - at < PCAP_REC_HDR) {
			snprintf(err, errlen, "%s: offset %zu: truncated record header", path, at);
			return -1;
		}
		uint32_t n = get32(p->in + at + 8, p->swapped);
		if (n > p->inlen - at - PCAP_REC_HDR) {
			snprintf(err, errlen, "%s: offset %zu: truncated record", path, at);
			return -1;
		}
		at += PCAP_REC_HDR + (size_t)n;
	}
	p->inpos = PCAP_FILE_HDR;
	return 0;
}

struct vnet_wire *pcap_open(const char *out, const char *in, uint64_t max, char *err,
                            size_t errlen)
{
	struct pcap_wire *p = xcalloc(1, sizeof *p);
	p->path = xstrdup(out);
	p->max = max;
	p->written = PCAP_FILE_HDR;
	p->w.ops = &pcap_ops;
	p->w.fd = -1;
	if (in && !(p->in = read_file(in, &p->inlen))) {
		snprintf(err, errlen, "%s: %s", in, strerror(errno));
		goto fail;
	}
	if (in && check_input(p, in, err, errlen) < 0)
		goto fail;
	if (!(p->out = fopen(out, "wb"))) {
		snprintf(err, errlen, "%s: %s", out, strerror(errno));
		goto fail;
	}
	uint8_t hdr[PCAP_FILE_HDR] = {0};
	put32(hdr, PCAP_MAGIC_USEC);
	put16(hdr + 4, PCAP_VERSION_MAJOR);
	put16(hdr + 6, PCAP_VERSION_MINOR);
	put32(hdr + 16, PCAP_SNAPLEN);
	put32(hdr + 20, PCAP_LINKTYPE_ETHERNET);
	if (fwrite(hdr, sizeof hdr, 1, p->out) != 1 || fflush(p->out) != 0) {
		snprintf(err, errlen, "%s: %s", out, strerror(errno));
		goto fail;
	}
	return &p->w;
fail:
	pcap_close(&p->w);
	return NULL;
}
