/* cmd_build.c - placeholder until its room lands; replaced by the real command. */
#include <stdio.h>
#include "cli.h"

int cmd_build(int argc, char **argv)
{
	(void)argc;
	fprintf(stderr, "sing %s: not built yet\n", argv[0]);
	return 2;
}

