/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cmd.h - the subcommands. bench_main() is the whole program; main.c only
 * hands it the real device and stdio, tests hand it a fake module.
 */
#ifndef BENCH_CMD_H
#define BENCH_CMD_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include "cli.h"
#include "dev.h"

int bench_main(int argc, char **argv, const struct bench_env *env);


#endif
