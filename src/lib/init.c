/* endorse_init: the libraries' global state, once, before any thread. */
#include <sodium.h>

#include "error.h"
#include "https.h"

int
endorse_init(void)
{
	if (sodium_init() < 0)
		return endorse_error_set(ENDORSE_EIO, NULL, "cannot initialise libsodium");
	return endorse_https_init();  /* libcurl's global state, once, before any thread */
}
