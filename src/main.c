/* suotdoi entry point: dispatches subcommands (serve, units, demo, ...). */
#include <stdio.h>
#include <string.h>

int
main(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "help") == 0) {
		puts("suotdoi: serve | units import FILE | demo");
		return argc < 2 ? 2 : 0;
	}
	return 2;
}
