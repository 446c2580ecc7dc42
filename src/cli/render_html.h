/* render_html.c: the audit as one HTML page, from an audit view (audit.h). */
#ifndef ENDORSE_RENDER_HTML_H
#define ENDORSE_RENDER_HTML_H

#include <stdbool.h>
#include <stdio.h>

#include "audit.h"

void render_html(FILE *f, const struct audit_view *v);

#endif
