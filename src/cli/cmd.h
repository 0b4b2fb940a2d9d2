/*
 * cmd.h - the subcommands of the `tlsrpt` program.
 *
 * Each takes the arguments after its own name (argv[0] is the subcommand)
 * and returns the process exit status: 0 success, 1 failure of some
 * input, 2 usage error.
 */
#ifndef TLSRPT_CMD_H
#define TLSRPT_CMD_H

int cmd_parse(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_db(int argc, char **argv);
int cmd_spool(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_digest(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_tlsa(int argc, char **argv);
int cmd_watch(int argc, char **argv);

#endif
