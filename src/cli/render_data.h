/* render_data.c: the audit as JSON, CSV and Jekyll data, from an audit view (audit.h). */
#ifndef ENDORSE_RENDER_DATA_H
#define ENDORSE_RENDER_DATA_H

#include <stdbool.h>
#include <stdio.h>

#include "audit.h"

void render_json(FILE *f, const struct audit_view *v);
void render_csv(FILE *f, const struct audit_view *v);
void render_jekyll(FILE *f, const struct audit_view *v);
/* ,"confirmed":{"status":...} (docs/audit-formats.md), with the confirm's
 * members when there is one; org may be NULL (none). */
void render_json_confirmed(FILE *f, const endorse_org *org);

#endif
