/*
 * media.h - what the media service's files share: its route table and, as
 * they are added, its handlers. The service owns encrypted media upload and
 * X-Accel-Redirect downloads.
 */
#ifndef PARLEY_MEDIA_H
#define PARLEY_MEDIA_H

#include <stddef.h>

#include "route.h"

extern const struct route	media_routes[];
extern const size_t		media_nroutes;

#endif
