/* cmd_bench.c - placeholder until the cost table lands. */
#include <stdio.h>
#include "cli.h"

int cmd_bench(int argc, char **argv)
{
	(void)argc;
	fprintf(stderr, "sing %s: not built yet\n", argv[0]);
	return 2;
}
