/* SPDX-License-Identifier: MIT */
#include <stdio.h>

#include "allocator/allocator.h"
#include "cli/commands.h"

/* Lists the registered models, one `name<TAB>description` per line. */
int cmd_models(int argc, char **argv)
{
	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: vmtrace models\n");
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < vm_allocator_count; i++)
		printf("%s\t%s\n", vm_allocators[i]->name, vm_allocators[i]->description);
	return 0;
}
