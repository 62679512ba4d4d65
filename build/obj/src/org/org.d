build/obj/src/org/org.o: src/org/org.c src/org/org.h src/base/err.h \
 src/store/store.h src/audit/audit.h src/base/time.h src/base/kc.h \
 src/base/buf.h src/base/i18n.h src/base/log.h src/base/banned.h
src/org/org.h:
src/base/err.h:
src/store/store.h:
src/audit/audit.h:
src/base/time.h:
src/base/kc.h:
src/base/buf.h:
src/base/i18n.h:
src/base/log.h:
src/base/banned.h:
