build/obj/src/store/store.o: src/store/store.c src/store/store.h \
 src/base/err.h src/base/time.h src/store/migrate.h src/base/kc.h \
 src/base/buf.h src/base/i18n.h src/base/log.h src/base/banned.h
src/store/store.h:
src/base/err.h:
src/base/time.h:
src/store/migrate.h:
src/base/kc.h:
src/base/buf.h:
src/base/i18n.h:
src/base/log.h:
src/base/banned.h:
