# Shared part of the Debian multiarch cross toolchains (included by <triple>.cmake with
# DEMINER_CROSS_TRIPLE and DEMINER_CROSS_PROCESSOR set).
#
# Why no sysroot: Debian installs the target's libraries side by side with the host's
# (/usr/lib/<triple>, packages named lib...:<arch>, scripts/setup.sh --cross ARCH), so the
# cross compiler's default search paths plus CMAKE_LIBRARY_ARCHITECTURE find them, and the
# architecture-independent header-only packages (Eigen, nlohmann-json, Boost headers) are shared.
# Tests run under qemu user mode through CMAKE_CROSSCOMPILING_EMULATOR, so ctest works unchanged.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR ${DEMINER_CROSS_PROCESSOR})
set(CMAKE_C_COMPILER ${DEMINER_CROSS_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${DEMINER_CROSS_TRIPLE}-g++)
set(CMAKE_LIBRARY_ARCHITECTURE ${DEMINER_CROSS_TRIPLE})

# pkg-config reads the target's .pc files only, never the host's.
set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/${DEMINER_CROSS_TRIPLE}/pkgconfig:/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")

# The target's own loader and libraries come from the multiarch packages (libc6:<arch>,
# libstdc++6:<arch>, ...), exactly as on the unit. Why not `-L /usr/<triple>` (the cross
# toolchain's copy of glibc): Debian 12's cross glibc is older than the multiarch one, and its
# loader aborts every dynamic s390x program under qemu 7.2 ("stack smashing detected").
find_program(DEMINER_QEMU qemu-${DEMINER_CROSS_QEMU} REQUIRED)
set(CMAKE_CROSSCOMPILING_EMULATOR "${DEMINER_QEMU}")
