/* array.h: room for one more element, by doubling. */
#include <stdint.h>
#include <stdlib.h>

#include "array.h"
#include "error.h"

void *
endorse_array_reserve(void *items, size_t *cap, size_t need, size_t size)
{
	size_t room = *cap ? *cap : 1; /* one: most organisations hold one key */
	void *grown;

	if (need <= *cap)
		return items;
	while (room < need) {
		if (room > SIZE_MAX / 2)
			goto nomem;
		room *= 2;
	}
	if (size == 0 || room > SIZE_MAX / size)
		goto nomem;
	if ((grown = realloc(items, room * size)) == NULL)
		goto nomem;
	*cap = room;
	return grown;
nomem:
	(void)endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	return NULL;
}
