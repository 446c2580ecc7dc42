/* keys/orgs (pins.h): the pinned files, and their comparison with the
 * organisations' current keys. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "error.h"
#include "report.h"
#include "pins.h"

static int
by_name(const void *a, const void *b)
{
	return strcmp(((const struct endorse_pinned *)a)->name, ((const struct endorse_pinned *)b)->name);
}

void
endorse_orgs_compare(const endorse_state *state, struct endorse_pins *pins, endorse_reporter *r)
{
	struct endorse_pinned *files = pins->files;
	size_t n = pins->count;
	char name[300], file[320], want[ENDORSE_VKEY_MAX + 1];

	if (n > 0)
		qsort(files, n, sizeof(*files), by_name);
	for (size_t i = 0; i < endorse_state_org_count(state); i++) {
		const endorse_org *org = endorse_state_org(state, i);
		struct endorse_pinned key = {name, NULL, 0, false, {0}}, *f;

		if (!org->has_key)
			continue;
		(void)snprintf(name, sizeof(name), "%s.vkey", org->id);
		(void)snprintf(file, sizeof(file), "%s/%s", ENDORSE_ORGS_DIR, name);
		endorse_vkey_format(want, &org->key);
		f = n > 0 ? bsearch(&key, files, n, sizeof(*files), by_name) : NULL;
		if (f == NULL)
			endorse_report(r, file, 0, "keys-orgs", "missing: it must pin the organization's "
				"current key, one line: %s", want);
		else if (!f->regular)
			endorse_report(r, file, 0, "keys-orgs", "must be a regular file holding one line: %s",
				want);
		else if (f->len != strlen(want) + 1 || memcmp(f->text, want, f->len - 1) != 0 ||
			 f->text[f->len - 1] != '\n')
			endorse_report(r, file, 0, "keys-orgs", "does not pin the organization's current key; "
				"it must hold one line: %s", want);
	}
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(files[i].name);
		const endorse_org *org;

		(void)snprintf(file, sizeof(file), "%s/%.260s", ENDORSE_ORGS_DIR, files[i].name);
		if (len <= 5 || len - 5 >= sizeof(name) || strcmp(files[i].name + len - 5, ".vkey") != 0) {
			endorse_report(r, file, 0, "keys-orgs",
				"unexpected file: keys/orgs holds only <organization id>.vkey files");
			continue;
		}
		memcpy(name, files[i].name, len - 5);
		name[len - 5] = '\0';
		org = endorse_state_find_org(state, name);
		if (org == NULL || !org->has_key)
			endorse_report(r, file, 0, "keys-orgs", "%s", org == NULL
				? "no organization of this id in the log"
				: "the organization has no current key (it was revoked): remove the file");
	}
}

void
endorse_pins_free(struct endorse_pins *pins)
{
	for (size_t i = 0; i < pins->count; i++) {
		free(pins->files[i].name);
		free(pins->files[i].text);
	}
	free(pins->files);
	*pins = (struct endorse_pins){0};
}

int
endorse_pins_add(struct endorse_pins *pins, const char *name, const char *text, size_t len,
	bool regular)
{
	struct endorse_pinned *grown = endorse_array_reserve(pins->files, &pins->cap,
		pins->count + 1, sizeof(*grown));
	struct endorse_pinned *f;

	if (grown == NULL)
		return ENDORSE_ENOMEM;
	pins->files = grown;
	f = &grown[pins->count];
	f->name = strdup(name);
	f->text = malloc(len + 1);
	f->len = len;
	f->regular = regular;
	if (f->name == NULL || f->text == NULL) {
		free(f->name);
		free(f->text);
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	}
	if (len > 0)
		memcpy(f->text, text, len);
	f->text[len] = '\0';
	memset(f->id, 0, sizeof(f->id));
	pins->count++;
	return 0;
}
