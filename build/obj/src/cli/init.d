build/obj/src/cli/init.o: src/cli/init.c src/cli/cli.h src/base/err.h \
 src/store/store.h src/org/seed.h src/store/copy.h src/base/kc.h \
 src/base/buf.h src/base/i18n.h src/base/log.h src/base/banned.h
src/cli/cli.h:
src/base/err.h:
src/store/store.h:
src/org/seed.h:
src/store/copy.h:
src/base/kc.h:
src/base/buf.h:
src/base/i18n.h:
src/base/log.h:
src/base/banned.h:
