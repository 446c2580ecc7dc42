/* store.c: the library-internal declarations of its module. */
#ifndef ENDORSE_STORE_H
#define ENDORSE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "endorse.h"

/* store.c: sets org_id's pin to what the log says (a pin a killed write
 * left behind the log: storage.h). */
int endorse_store_finish_pin(const char *dir, const char *org_id);

#endif
