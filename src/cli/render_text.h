/* render_text.c: the audit as a terminal table and as Markdown, from an audit view (audit.h). */
#ifndef ENDORSE_RENDER_TEXT_H
#define ENDORSE_RENDER_TEXT_H

#include <stdbool.h>
#include <stdio.h>

#include "audit.h"

void render_table(FILE *f, const struct audit_view *v, size_t width, bool colour);
void render_markdown(FILE *f, const struct audit_view *v);

#endif
