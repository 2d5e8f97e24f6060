/* image.c - boot the image given as the first multiboot module (QEMU's
 * -initrd): init (src/system/init.c) installs its programs and runs the
 * system until the shell exits.  See main.h. */
#include "../hal.h"
#include "../../kernel/kernel.h"
#include "../../system/init.h"
#include "main.h"
#include "pc.h"

int pc_boot_image(const struct pc_boot *b)
{
	if (!b->image) {
		ser_puts("sing: pc: no boot image (give one with -initrd)\n");
		return 1;
	}
	unsigned debug = (b->gcstress ? SK_DEBUG_GCSTRESS : 0) | (b->stats ? SK_DEBUG_STATS : 0);
	struct init_opts o = {.debug = debug, .wire = NULL, .label = "pc", .cpus = b->cpus};
	return init_boot_image(b->image, b->image_len, &o);
}
