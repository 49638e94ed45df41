# SPDX-License-Identifier: GPL-2.0
# What ksvcctl's and ksvcd's makefiles share: set NAME (the program) and
# PKGS (pkg-config names), then include this.  main.c holds main(); every
# other *.c of the directory goes into NAME.a too, which the unit tests
# link with ../lib/libksvc.a.
LIB := ../lib
PKG_CONFIG ?= pkg-config
CFLAGS ?= -O2 -g
KSVC_CFLAGS := $(CFLAGS) -Wall -Wextra -std=gnu11 -I$(LIB) -I../../include/uapi \
	  $(shell $(PKG_CONFIG) --cflags $(PKGS))
LDLIBS += $(shell $(PKG_CONFIG) --libs $(PKGS)) -pthread

SRCS := $(sort $(wildcard *.c))
OBJS := $(SRCS:.c=.o)

$(NAME): main.o $(NAME).a $(LIB)/libksvc.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(NAME).a: $(filter-out main.o,$(OBJS))
	rm -f $@
	$(AR) rcs $@ $^

$(LIB)/libksvc.a: FORCE
	$(MAKE) -C $(LIB)

%.o: %.c $(wildcard *.h $(LIB)/*.h) ../../include/uapi/linux/ksvc.h
	$(CC) $(CPPFLAGS) $(KSVC_CFLAGS) -c -o $@ $<

clean:
	rm -f $(NAME) $(NAME).a *.o

FORCE:
.PHONY: clean FORCE
