/* SPDX-License-Identifier: MIT */
/* vmtrace models: the registered allocator models. */
#include <stdbool.h>
#include <stdio.h>

#include "allocator/allocator.h"
#include "cli/commands.h"
#include "cli/options.h"

/*
 * Lists the registered models, one `name<TAB>description` per line;
 * --eager: only those that free eagerly, the ones `replay --lazy` takes;
 * --exact-sizes: only those that hold exactly the requested sizes.
 * --lowest-fit: only those that declare exact lowest-address first fit
 * (no `notes` on how they depart from it), for the oracle tests.
 */
int cmd_models(int argc, char **argv)
{
	bool eager = false, exact_sizes = false, lowest_fit = false;
	const struct cli_option options[] = {
		{ CLI_FLAG("eager", 0, "only the models that free eagerly (no purge of their own), "
			   "which `replay --lazy` takes", &eager) },
		{ CLI_FLAG("exact-sizes", 0, "only the models whose areas hold exactly the "
			   "requested size (no internal waste)", &exact_sizes) },
		{ CLI_FLAG("lowest-fit", 0, "only the models that declare lowest-address first fit",
			   &lowest_fit) },
		{ NULL },
	};
	const struct cli_command cmd = {
		.name = "models", .about = "Lists the allocator models, one NAME<TAB>DESCRIPTION a line.",
		.options = options,
	};
	int first_arg, ret;

	ret = cli_parse(&cmd, argc, argv, &first_arg);
	if (ret)
		return cli_exit_status(ret);
	for (size_t i = 0; i < vm_allocator_count; i++)
		if ((!eager || !vm_allocators[i]->purge) &&
		    (!exact_sizes || !vm_allocators[i]->internal_waste) &&
		    (!lowest_fit || !vm_allocators[i]->notes))
			printf("%s\t%s\n", vm_allocators[i]->name, vm_allocators[i]->description);
	return 0;
}
