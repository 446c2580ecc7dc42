/* policy_edit.c: changes to keys/policy. Its functions are public
 * (include/endorse.h: endorse_policy_add_witness, endorse_policy_set_quorum);
 * this header is where the module's internal declarations would go. */
#ifndef ENDORSE_POLICY_EDIT_H
#define ENDORSE_POLICY_EDIT_H

#include "endorse.h"

#endif
