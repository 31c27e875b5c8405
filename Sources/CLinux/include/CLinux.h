// CLinux: the Linux system calls that Glibc's Swift module does not export
// (timerfd, eventfd, syncfs, renameat2, pipe2), declared with _GNU_SOURCE.
// Each wrapper returns what the system call returns and leaves errno set.
#ifndef REMINDD_CLINUX_H
#define REMINDD_CLINUX_H

#include <spawn.h>
#include <stdint.h>
#include <time.h>

int clinux_timerfd_create_realtime(void);
int clinux_timerfd_create_monotonic(void);
/// Arms a CLOCK_REALTIME timerfd at an absolute time with TFD_TIMER_CANCEL_ON_SET.
int clinux_timerfd_set_absolute_cancel_on_set(int fd, int64_t seconds, int64_t nanoseconds);
/// Arms a timerfd relative to now (0 disarms).
int clinux_timerfd_set_relative(int fd, int64_t seconds, int64_t nanoseconds);
int clinux_eventfd(unsigned int initval);
int clinux_syncfs(int fd);
int clinux_renameat2_noreplace(int olddirfd, const char *oldpath, int newdirfd, const char *newpath);
int clinux_pipe2_cloexec(int fds[2]);
// posix_spawn_file_actions_addclosefrom_np (glibc 2.34): the child closes every
// descriptor from `fd` up, atomically at the spawn (none opened meanwhile by another thread
// slips through).
int clinux_spawn_actions_closefrom(posix_spawn_file_actions_t *actions, int fd);
int clinux_errno(void);
/// ECANCELED, for a cancel-on-set timerfd read.
int clinux_ecanceled(void);
/// Gives freed heap memory back to the kernel (glibc's malloc_trim(0): free pages in the
/// middle of every arena, not only at the top). Returns 1 when some was released.
int clinux_release_free_memory(void);
/// Fixes glibc's mmap threshold at 128 KiB (mallopt M_MMAP_THRESHOLD): buffers that big
/// or bigger (an export's pieces, a batch being written) are mapped on their own and
/// returned to the kernel when freed. By default glibc raises the threshold each time
/// such a buffer is freed, up to 32 MiB, and later ones then fragment the heap, which
/// keeps them. Returns 1 on success.
int clinux_fix_mmap_threshold(void);
/// The layout of struct ucred (a Unix socket peer's pid, uid, gid), which Glibc's Swift
/// module does not export (it needs _GNU_SOURCE), for getsockopt(SO_PEERCRED).
typedef struct { int32_t pid; uint32_t uid; uint32_t gid; } clinux_peer_credentials;
/// SO_PEERCRED.
int clinux_so_peercred(void);

#endif
