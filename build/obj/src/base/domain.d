build/obj/src/base/domain.o: src/base/domain.c src/base/domain.h \
 src/base/buf.h src/base/err.h src/base/kc.h src/base/i18n.h \
 src/base/log.h src/base/banned.h
src/base/domain.h:
src/base/buf.h:
src/base/err.h:
src/base/kc.h:
src/base/i18n.h:
src/base/log.h:
src/base/banned.h:
