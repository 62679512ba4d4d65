build/obj/src/base/time.o: src/base/time.c src/base/time.h src/base/kc.h \
 src/base/buf.h src/base/err.h src/base/i18n.h src/base/log.h \
 src/base/banned.h
src/base/time.h:
src/base/kc.h:
src/base/buf.h:
src/base/err.h:
src/base/i18n.h:
src/base/log.h:
src/base/banned.h:
