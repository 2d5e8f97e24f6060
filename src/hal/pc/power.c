/* power.c - leaving the machine: QEMU's isa-debug-exit device (port
 * 0xf4: status (v << 1) | 1) for panics, ACPI power-off for shutdown.
 * Never a silent hang: if neither device is there, halt with interrupts
 * off after saying so.  See pc.h. */
#include "../hal.h"
#include "pc.h"

void pc_exit(uint32_t code)
{
	outl(0xf4, code);
	ser_puts("sing: no isa-debug-exit device; halted\n");
	for (;;)
		__asm__ volatile("cli; hlt");
}

void pc_poweroff(void)
{
	/* QEMU's PIIX4 PM1a_CNT: SLP_EN, S5.  QEMU powers off a moment later
	 * (the request is asynchronous): wait a second before the fallbacks,
	 * else isa-debug-exit would win the race with status 1. */
	outw(0x604, 0x2000);
	int64_t end = hal_clock_ns() + 1000000000;
	while (hal_clock_ns() < end)
		__asm__ volatile("pause");
	outw(0xb004, 0x2000);  /* older QEMU / Bochs */
	pc_exit(0);
}

void pc_panic(const char *why, uint64_t rbp)
{
	__asm__ volatile("cli");
	ser_lock();   /* never given back: the machine stops */
	ser_puts("sing: kernel panic: ");
	ser_puts(why);
	ser_puts("\nbacktrace:");
	/* Frame pointers: [rbp] is the caller's rbp, [rbp + 8] the return
	 * address.  Everything below 4 GiB is mapped, so only sanity-check. */
	for (int depth = 0; depth < 32 && rbp >= 0x100000 && rbp < 0x100000000ull && !(rbp & 7); depth++) {
		const uint64_t *fp = (const uint64_t *)(uintptr_t)rbp;
		ser_puts(" ");
		ser_hex(fp[1]);
		if (fp[0] == rbp)   /* linked stacks: callers may sit lower */
			break;
		rbp = fp[0];
	}
	ser_puts("\n");
	pc_exit(PC_EXIT_PANIC);
}

void hal_abort(void)
{
	pc_panic("stopped (hal_abort)", (uint64_t)(uintptr_t)__builtin_frame_address(0));
}
