/* ssh_agent.c: signing with an Ed25519 key an ssh agent holds (OpenSSH's
 * ssh-agent, or gpg-agent with enable-ssh-support, and so an OpenPGP card),
 * over the agent protocol at $SSH_AUTH_SOCK (draft-miller-ssh-agent). */
#ifndef ENDORSE_SSH_AGENT_H
#define ENDORSE_SSH_AGENT_H

#include <stddef.h>
#include <stdint.h>

#include "key_ref.h"

/* The reference to the agent's key for name and type: the ssh-ed25519 key
 * of that fingerprint (as ssh-add -l prints it), or with fingerprint NULL
 * the only ssh-ed25519 key the agent holds. Refuses, saying why, a key of
 * another type (sk-ssh-ed25519@openssh.com keys sign a wrapped structure,
 * not the message), no agent, and no key or more than one. */
int endorse_ssh_agent_find(endorse_key_ref *ref, const char *name, uint8_t type,
	const char *fingerprint);
/* Whether the agent still holds ref's key (ENDORSE_ENOTFOUND, said, if not). */
int endorse_ssh_agent_check(const endorse_key_ref *ref);
/* The agent's signature of msg by ref's key: a plain Ed25519 signature of
 * the bytes (not SSHSIG). The caller verifies it. */
int endorse_ssh_agent_sign(uint8_t sig[64], const endorse_key_ref *ref, const uint8_t *msg,
	size_t len);

#endif
