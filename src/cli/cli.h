/* The command line: one file per command, each an entry point of this one
 * signature that main.c dispatches to (as git's builtin.h); what they share
 * is util.c's (util.h). */
#ifndef ENDORSE_CLI_H
#define ENDORSE_CLI_H

/* Commands: argc/argv start at the command name. */
int cmd_keygen(int argc, char **argv);
int cmd_key(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_document(int argc, char **argv);
int cmd_sign(int argc, char **argv);
int cmd_withdraw(int argc, char **argv);
int cmd_rotate(int argc, char **argv);
int cmd_revoke(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_rechain(int argc, char **argv);
int cmd_tiles(int argc, char **argv);
int cmd_checkpoint(int argc, char **argv);
int cmd_cosign(int argc, char **argv);
int cmd_prove(int argc, char **argv);
int cmd_verify_proof(int argc, char **argv);
int cmd_note(int argc, char **argv);
int cmd_tree(int argc, char **argv);
int cmd_domain(int argc, char **argv);
int cmd_confirm(int argc, char **argv);
int cmd_policy(int argc, char **argv);
int cmd_witness(int argc, char **argv);
int cmd_witness_serve(int argc, char **argv);

#endif
