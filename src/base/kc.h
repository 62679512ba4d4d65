/*
 * kc.h - what every kcert source file includes last, after its system headers:
 * errors, buffers, translation, logging, and the banned libc calls.
 */
#ifndef KC_KC_H
#define KC_KC_H

#include "base/buf.h"
#include "base/err.h"
#include "base/i18n.h"
#include "base/log.h"

#define KC_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#include "base/banned.h"

#endif
