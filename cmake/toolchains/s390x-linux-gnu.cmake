# Cross toolchain: big-endian 64-bit (IBM Z), Debian s390x: proves the wire format decodes on a big-endian host.
set(DEMINER_CROSS_TRIPLE s390x-linux-gnu)
set(DEMINER_CROSS_PROCESSOR s390x)
set(DEMINER_CROSS_QEMU s390x)
include(${CMAKE_CURRENT_LIST_DIR}/debian-cross.cmake)
