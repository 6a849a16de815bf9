// SPDX-License-Identifier: GPL-2.0
/* cli.c - the command-line reading every subcommand shares (cli.h). */
#include <string.h>

#include "cli.h"

bool cli_opt_arg(const char *a, const char *name, int argc, char **argv, int *i, const char **val)
{
	size_t l = strlen(name);

	if (strncmp(a, name, l) || (a[l] && a[l] != '='))
		return false;
	if (a[l] == '=')
		*val = a + l + 1;
	else
		*val = *i + 1 < argc ? argv[++*i] : NULL;
	return true;
}
