build/obj/src/cli/cli.o: src/cli/cli.c src/cli/cli.h src/base/err.h \
 src/store/store.h src/base/kc.h src/base/buf.h src/base/i18n.h \
 src/base/log.h src/base/banned.h
src/cli/cli.h:
src/base/err.h:
src/store/store.h:
src/base/kc.h:
src/base/buf.h:
src/base/i18n.h:
src/base/log.h:
src/base/banned.h:
