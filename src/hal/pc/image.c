/* image.c - boot the image given as the first multiboot module. */
#include "../hal.h"
#include "main.h"
#include "pc.h"

int pc_boot_image(const struct pc_boot *b)
{
	if (!b->image) {
		ser_puts("sing: pc: no boot image (give one with -initrd)\n");
		return 1;
	}
	ser_puts("sing: pc: boot image of ");
	ser_dec(b->image_len);
	ser_puts(" bytes, no init to run it yet\n");
	return 1;
}
