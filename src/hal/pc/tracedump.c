/* tracedump.c - tracing on the machine (docs/tracing.md "On bare metal"):
 * `-append trace` starts the kernel's recorder (src/kernel/trace.h) before
 * the boot image runs, as `sing boot --trace` does hosted; at shutdown the
 * dump goes out raw over COM2 (QEMU: the second -serial, a file) for
 * `sing trace DUMP -o FILE.json` to convert elsewhere.  See main.h. */
#include "../../kernel/trace.h"
#include "main.h"
#include "pc.h"

/* Events kept (the newest; the dump counts the rest as lost): 2 MiB of
 * ring, a dump that crosses the serial line in seconds under TCG. */
#define PC_TRACE_RING (1u << 16)
#define PC_TRACE_STRINGS (1u << 18)

int pc_trace_begin(void)
{
	if (tr_start((1u << TR__COUNT) - 1, PC_TRACE_RING, PC_TRACE_STRINGS)) {
		ser_puts("sing: pc: trace: no memory for the trace rings\n");
		return -1;
	}
	ser_puts("sing: pc: trace: recording; the dump goes to COM2 at shutdown\n");
	return 0;
}

static void put_com2(void *ctx, const void *p, size_t n)
{
	*(uint64_t *)ctx += n;
	ser_send(SER_COM2, p, n);
}

void pc_trace_end(void)
{
	uint64_t n = 0;
	ser_init_port(SER_COM2);
	tr_dump(put_com2, &n);
	tr_stop();
	ser_puts("sing: pc: trace: ");
	ser_dec(n);
	ser_puts(" bytes of dump sent to COM2\n");
}
