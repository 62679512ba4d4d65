build/obj/src/store/sqlite.o: src/store/sqlite.c src/store/store.h \
 src/base/err.h src/base/kc.h src/base/buf.h src/base/i18n.h \
 src/base/log.h src/base/banned.h
src/store/store.h:
src/base/err.h:
src/base/kc.h:
src/base/buf.h:
src/base/i18n.h:
src/base/log.h:
src/base/banned.h:
