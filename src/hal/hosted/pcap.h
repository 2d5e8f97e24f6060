/*
 * pcap.h - a wire made of pcap files (the classic libpcap format,
 * LINKTYPE_ETHERNET, microsecond timestamps), written and read here without
 * libpcap: every frame the device transmits is appended to the output file;
 * an optional input file is replayed, one frame per poll, as frames
 * arriving from the wire.
 *
 * Invariant: the output is a valid pcap file after every frame (header
 * first, each record flushed whole).  The input is checked whole when it is
 * opened (magic, link type, every record's length inside the file) so
 * replay never reads outside it.
 * It must never block on poll or accept an input it cannot replay exactly.
 */
#ifndef HAL_HOSTED_PCAP_H
#define HAL_HOSTED_PCAP_H

#include "vnet.h"

#define PCAP_MAGIC_USEC 0xa1b2c3d4u
#define PCAP_MAGIC_NSEC 0xa1b23c4du
#define PCAP_VERSION_MAJOR 2
#define PCAP_VERSION_MINOR 4
#define PCAP_SNAPLEN 65535u
#define PCAP_LINKTYPE_ETHERNET 1
#define PCAP_FILE_HDR 24
#define PCAP_REC_HDR 16

/* A wire writing out (created or truncated; at most max bytes, 0 no
 * limit: the frames past it are dropped, said once on stderr) and,
 * unless in is NULL, replaying in.  NULL with a reason in err on failure. */
struct vnet_wire *pcap_open(const char *out, const char *in, uint64_t max, char *err,
                            size_t errlen);

#endif
