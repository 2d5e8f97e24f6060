/* cmd_run.c - placeholder until its room lands; replaced by the real command. */
#include <stdio.h>
#include "cli.h"

int cmd_install(int argc, char **argv)
{
	(void)argc;
	fprintf(stderr, "sing %s: not built yet\n", argv[0]);
	return 2;
}

int cmd_run(int argc, char **argv)
{
	(void)argc;
	fprintf(stderr, "sing %s: not built yet\n", argv[0]);
	return 2;
}

