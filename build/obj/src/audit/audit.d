build/obj/src/audit/audit.o: src/audit/audit.c src/audit/audit.h \
 src/base/err.h src/store/store.h src/base/time.h src/base/kc.h \
 src/base/buf.h src/base/i18n.h src/base/log.h src/base/banned.h
src/audit/audit.h:
src/base/err.h:
src/store/store.h:
src/base/time.h:
src/base/kc.h:
src/base/buf.h:
src/base/i18n.h:
src/base/log.h:
src/base/banned.h:
