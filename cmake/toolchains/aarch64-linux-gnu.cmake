# Cross toolchain: 64-bit Arm (Cortex-A53/A72 class), Debian arm64.
set(DEMINER_CROSS_TRIPLE aarch64-linux-gnu)
set(DEMINER_CROSS_PROCESSOR aarch64)
set(DEMINER_CROSS_QEMU aarch64)
include(${CMAKE_CURRENT_LIST_DIR}/debian-cross.cmake)
