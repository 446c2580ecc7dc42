/* document_files.c: the repository's copies of its registered documents.
 * Its one function is public (include/endorse.h:
 * endorse_document_files_check); this header is where the module's
 * internal declarations would go. */
#ifndef ENDORSE_DOCUMENT_FILES_H
#define ENDORSE_DOCUMENT_FILES_H

#include "endorse.h"

#endif
