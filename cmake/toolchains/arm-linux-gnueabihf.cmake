# Cross toolchain: 32-bit Arm hard-float (Cortex-A7/A9 class), Debian armhf.
set(DEMINER_CROSS_TRIPLE arm-linux-gnueabihf)
set(DEMINER_CROSS_PROCESSOR armv7)
set(DEMINER_CROSS_QEMU arm)
include(${CMAKE_CURRENT_LIST_DIR}/debian-cross.cmake)
# GCC notes on every std::span argument that its armhf ABI changed in GCC 7.1; the whole build
# uses one compiler, so the note says nothing here.
set(CMAKE_CXX_FLAGS_INIT "-Wno-psabi")
